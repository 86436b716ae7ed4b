import type { DisputeStatus } from './dispute-status';
import type { Currency } from './money.value-object';
import type { PaymentReference } from './payment-reference.value-object';
import type { PaymentStatus } from './payment-status';

/** The last failure of the intent. `attempt` is the payment's attempt when it failed. */
export interface PaymentFailure {
  code: string;
  declineCode: string | null;
  message: string;
  attempt: number;
  chargeId: string | null;
  failedAt: Date;
}

export interface RefundRecord {
  refundId: string;
  chargeId: string | null;
  amount: number;
  recordedAt: Date;
}

export interface DisputeRecord {
  disputeId: string;
  chargeId: string | null;
  status: DisputeStatus;
  amount: number;
  openedAt: Date;
  closedAt: Date | null;
}

/** Everything a Payment is made of; what the repository stores and hands back to reconstitute(). */
export interface PaymentState {
  paymentId: string;
  customerId: string;
  reference: PaymentReference;
  /** Unique; also the gateway idempotency key of the intent (see ReferenceKey). */
  referenceKey: string;
  amount: number;
  currency: Currency;
  /** true = charged without the customer present (renewals): failed is final for the intent. */
  offSession: boolean;
  /** 1-based. Off-session: the dunning attempt (one Payment per attempt). On-session: bumped by retry(). */
  attempt: number;
  /** null between create() and attachIntent(): the row is stored before the gateway is called. */
  gatewayPaymentIntentId: string | null;
  clientSecret: string | null;
  status: PaymentStatus;
  /**
   * The latest time the gateway state we hold is known to have been true: the `created` of the last event applied,
   * or when we read the intent. Never moves back.
   */
  statusObservedAt: Date;
  createdAt: Date;
  failure: PaymentFailure | null;
  cancellationReason: string | null;
  refunds: RefundRecord[];
  disputes: DisputeRecord[];
}
