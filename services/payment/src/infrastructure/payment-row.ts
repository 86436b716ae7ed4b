import type { DisputeStatus } from '../domain/dispute-status';
import type { Currency } from '../domain/money.value-object';
import type { DisputeRecord, PaymentFailure, PaymentState, RefundRecord } from '../domain/payment.state';
import type { PaymentReference } from '../domain/payment-reference.value-object';
import type { PaymentStatus } from '../domain/payment-status';

/** A `payments` row as PostgreSQL hands it back (bigint as string, timestamptz as Date or string, jsonb parsed). */
export interface PaymentRow {
  payment_id: string;
  customer_id: string;
  purpose: string;
  reference_id: string;
  period_index: number | null;
  change_id: string | null;
  credits: string | number | null;
  reference_key: string;
  amount: string | number;
  currency: string;
  off_session: boolean;
  attempt: number;
  gateway_payment_intent_id: string | null;
  client_secret: string | null;
  status: string;
  status_observed_at: Date | string;
  created_at: Date | string;
  failure: StoredFailure | null;
  cancellation_reason: string | null;
  refunds: StoredRefund[];
  disputes: StoredDispute[];
  version: number;
}

interface StoredFailure {
  code: string;
  declineCode: string | null;
  message: string;
  attempt: number;
  chargeId: string | null;
  failedAt: string;
}
interface StoredRefund {
  refundId: string;
  chargeId: string | null;
  amount: number;
  recordedAt: string;
}
interface StoredDispute {
  disputeId: string;
  chargeId: string | null;
  status: string;
  amount: number;
  openedAt: string;
  closedAt: string | null;
}

export const PAYMENT_COLUMNS = `payment_id, customer_id, purpose, reference_id, period_index, change_id, credits, reference_key, amount, currency,
  off_session, attempt, gateway_payment_intent_id, client_secret, status, status_observed_at, created_at, failure,
  cancellation_reason, refunds, disputes, version`;

const date = (value: Date | string): Date => (value instanceof Date ? new Date(value.getTime()) : new Date(value));
const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function stateOf(row: PaymentRow): PaymentState {
  const reference: PaymentReference =
    row.purpose === 'CREDIT_TOP_UP'
      ? { purpose: 'CREDIT_TOP_UP', topUpId: row.reference_id, credits: Number(row.credits) }
      : row.purpose === 'SUBSCRIPTION_UPGRADE'
        ? { purpose: 'SUBSCRIPTION_UPGRADE', subscriptionId: row.reference_id, periodIndex: Number(row.period_index), changeId: String(row.change_id) }
        : { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: row.reference_id, periodIndex: Number(row.period_index) };
  const failure = json<StoredFailure | null>(row.failure);
  return {
    paymentId: row.payment_id,
    customerId: row.customer_id,
    reference,
    referenceKey: row.reference_key,
    amount: Number(row.amount),
    currency: row.currency as Currency,
    offSession: row.off_session,
    attempt: row.attempt,
    gatewayPaymentIntentId: row.gateway_payment_intent_id,
    clientSecret: row.client_secret,
    status: row.status as PaymentStatus,
    statusObservedAt: date(row.status_observed_at),
    createdAt: date(row.created_at),
    failure: failure === null ? null : ({ ...failure, failedAt: date(failure.failedAt) } satisfies PaymentFailure),
    cancellationReason: row.cancellation_reason,
    refunds: json<StoredRefund[]>(row.refunds).map((refund): RefundRecord => ({ ...refund, recordedAt: date(refund.recordedAt) })),
    disputes: json<StoredDispute[]>(row.disputes).map(
      (dispute): DisputeRecord => ({
        ...dispute,
        status: dispute.status as DisputeStatus,
        openedAt: date(dispute.openedAt),
        closedAt: dispute.closedAt === null ? null : date(dispute.closedAt),
      }),
    ),
  };
}

/** The column values of a state, in PAYMENT_COLUMNS order minus `version`. */
export function valuesOf(state: PaymentState): unknown[] {
  const reference = state.reference;
  return [
    state.paymentId,
    state.customerId,
    reference.purpose,
    reference.purpose === 'CREDIT_TOP_UP' ? reference.topUpId : reference.subscriptionId,
    reference.purpose === 'CREDIT_TOP_UP' ? null : reference.periodIndex,
    reference.purpose === 'SUBSCRIPTION_UPGRADE' ? reference.changeId : null,
    reference.purpose === 'CREDIT_TOP_UP' ? reference.credits : null,
    state.referenceKey,
    state.amount,
    state.currency,
    state.offSession,
    state.attempt,
    state.gatewayPaymentIntentId,
    state.clientSecret,
    state.status,
    state.statusObservedAt,
    state.createdAt,
    state.failure === null ? null : JSON.stringify({ ...state.failure, failedAt: state.failure.failedAt.toISOString() }),
    state.cancellationReason,
    JSON.stringify(state.refunds.map((refund) => ({ ...refund, recordedAt: refund.recordedAt.toISOString() }))),
    JSON.stringify(
      state.disputes.map((dispute) => ({ ...dispute, openedAt: dispute.openedAt.toISOString(), closedAt: dispute.closedAt?.toISOString() ?? null })),
    ),
  ];
}

const UPDATE_PAYMENT = `update payments set ${PAYMENT_COLUMNS.split(',')
  .map((column) => column.trim())
  .slice(1, -1) // neither the id nor the version
  .map((column, index) => `${column} = $${index + 2}`)
  .join(', ')}, version = version + 1, updated_at = now()`;

/**
 * The UPDATE that saves a payment loaded at `version` (its parameters from $1): it updates nothing when another writer
 * saved the payment meanwhile.
 */
export function paymentUpdateSql(state: PaymentState, version: number): { sql: string; params: unknown[] } {
  const values = valuesOf(state);
  return { sql: `${UPDATE_PAYMENT} where payment_id = $1 and version = $${values.length + 1}`, params: [...values, version] };
}
