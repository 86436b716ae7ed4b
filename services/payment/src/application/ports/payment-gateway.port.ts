import type { GatewayIntentStatus, GatewayPaymentError } from '../../domain/gateway-intent-status';
import type { Currency } from '../../domain/money.value-object';
import type { IntentMetadata } from '../../domain/payment.aggregate';

export { PaymentGatewayUnavailableError } from '../application.errors';

/** Metadata as it comes back from the gateway: strings, any key may be missing (intents we did not create). */
export type GatewayMetadata = Readonly<Partial<Record<string, string>>>;

/** A PaymentIntent as the gateway reports it (webhook payload or a fresh read). */
export interface IntentSnapshot {
  /** pi_… */
  readonly id: string;
  readonly status: GatewayIntentStatus;
  /** Minor units. */
  readonly amount: number;
  /** As the gateway spells it (Stripe: lower case). */
  readonly currency: string;
  readonly clientSecret: string | null;
  /** Keys we write: paymentId, purpose, customerId, subscriptionId, periodIndex, attempt, changeId, topUpId, credits. */
  readonly metadata: GatewayMetadata;
  readonly lastPaymentError: GatewayPaymentError | null;
  readonly cancellationReason?: string | null;
}

export interface CreatePaymentIntentRequest {
  /** Stripe `Idempotency-Key`; equal to payment.referenceKey. */
  readonly idempotencyKey: string;
  readonly customerGatewayId: string;
  readonly amount: number;
  /** Upper case; the adapter sends it lower case. */
  readonly currency: Currency;
  readonly metadata: IntentMetadata;
  readonly offSession: boolean;
  readonly confirm: boolean;
  /** Omitted off-session: the adapter uses the customer's default payment method. */
  readonly paymentMethod?: string;
}

/**
 * Stripe, seen from the use cases.
 *
 * createPaymentIntent: same idempotencyKey and same parameters → the same intent (the callers guarantee equal
 * parameters for equal keys). A decline of a confirmed off-session intent (Stripe answers 402 with the intent
 * attached) must be RETURNED as that intent, with `lastPaymentError`, not thrown. Network errors, 5xx, 429 and
 * "idempotent request in progress" (409) → PaymentGatewayUnavailableError. Anything else (400: bad request,
 * idempotency key reused with other parameters) is a bug and is thrown as-is.
 * retrievePaymentIntent: the current intent; PaymentGatewayUnavailableError as above.
 */
export interface PaymentGateway {
  createPaymentIntent(request: CreatePaymentIntentRequest): Promise<IntentSnapshot>;
  retrievePaymentIntent(intentId: string): Promise<IntentSnapshot>;
}
