import type { FailureDetails } from './gateway-intent-status';
import type { PaymentReference } from './payment-reference.value-object';

// Time comes in with every call (`now` / `observedAt`) and ids from the caller, so tests pin both.

export interface CreatePayment {
  /** Ours, a uuid. */
  paymentId: string;
  customerId: string;
  reference: PaymentReference;
  /** Positive integer minor units. */
  amount: number;
  /** ISO 4217 from the allow-list; lower case is accepted and normalised. */
  currency: string;
  /** true for renewals and dunning retries (customer not present); top-ups and first periods are on-session. */
  offSession: boolean;
  /** Off-session only: the dunning attempt this payment is (default 1). On-session payments start at 1. */
  attempt?: number;
  now: Date;
}

export interface AttachIntent {
  gatewayPaymentIntentId: string;
  clientSecret?: string | null;
  observedAt: Date;
}

export interface ObserveIntentOptions {
  /** When the observed gateway state was true (event `created`, or when the intent was read). */
  observedAt: Date;
  /** For `failed`; defaults to a generic `payment_failed`. */
  failure?: FailureDetails | null;
  /** For `canceled`. */
  cancellationReason?: string | null;
}

export interface RecordRefundOptions {
  observedAt: Date;
  chargeId?: string | null;
}

export interface RecordDisputeOptions {
  observedAt: Date;
  chargeId?: string | null;
}
