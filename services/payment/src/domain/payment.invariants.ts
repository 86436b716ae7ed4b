import { DISPUTE_STATUSES, isClosedDispute } from './dispute-status';
import { MAX_AMOUNT, SUPPORTED_CURRENCIES } from './money.value-object';
import { PAYMENT_STATUSES } from './payment-status';
import { referenceKeyOf } from './payment-reference-key';
import type { PaymentState } from './payment.state';

const isPositiveInteger = (value: unknown, max = Number.MAX_SAFE_INTEGER): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;
const isValidDate = (value: unknown): boolean => value instanceof Date && !Number.isNaN(value.getTime());

/** Every rule stored payment state must satisfy; reconstitute() refuses state that breaks one. */
export function findInvariantViolations(state: PaymentState): string[] {
  const violations: string[] = [];
  const check = (condition: boolean, message: string): void => {
    if (!condition) violations.push(message);
  };
  check(isPositiveInteger(state.amount, MAX_AMOUNT), `amount ${String(state.amount)} is not a positive integer ≤ ${MAX_AMOUNT}`);
  check((SUPPORTED_CURRENCIES as readonly string[]).includes(state.currency), `currency ${String(state.currency)} is not supported`);
  check((PAYMENT_STATUSES as readonly string[]).includes(state.status), `status ${String(state.status)} is unknown`);
  check(isPositiveInteger(state.attempt), `attempt ${String(state.attempt)} is not a positive integer`);
  check(isValidDate(state.createdAt) && isValidDate(state.statusObservedAt), 'createdAt and statusObservedAt must be valid dates');
  check(state.gatewayPaymentIntentId !== null || (state.status === 'requires_payment_method' && state.failure === null), `status ${state.status} without an intent`);
  check(state.gatewayPaymentIntentId === null || state.gatewayPaymentIntentId.startsWith('pi_'), `intent id ${String(state.gatewayPaymentIntentId)} is not pi_…`);
  check(state.status !== 'failed' || state.failure !== null, 'failed without a failure');
  check(!state.offSession || state.reference.purpose !== 'CREDIT_TOP_UP', 'an off-session top-up');
  try {
    check(state.referenceKey === referenceKeyOf(state.reference, state.offSession, state.attempt), `referenceKey ${state.referenceKey} does not match the reference`);
  } catch {
    violations.push('reference is invalid');
  }
  const refunded = state.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  check(refunded <= state.amount, `refunded ${refunded} exceeds amount ${state.amount}`);
  check(state.refunds.every((refund) => isPositiveInteger(refund.amount)), 'a refund amount is not a positive integer');
  check(new Set(state.refunds.map((refund) => refund.refundId)).size === state.refunds.length, 'duplicate refund id');
  check(new Set(state.disputes.map((dispute) => dispute.disputeId)).size === state.disputes.length, 'duplicate dispute id');
  check(
    state.disputes.every(
      (dispute) =>
        (DISPUTE_STATUSES as readonly string[]).includes(dispute.status) &&
        isPositiveInteger(dispute.amount, state.amount) &&
        (dispute.closedAt !== null) === isClosedDispute(dispute.status),
    ),
    'a dispute has an unknown status, a bad amount, or closedAt out of step with its status',
  );
  check(state.status === 'succeeded' || (state.refunds.length === 0 && state.disputes.length === 0), 'refunds or disputes on a payment that did not succeed');
  return violations;
}
