import Stripe from 'stripe';
import { PaymentGatewayUnavailableError } from '../../application/ports/payment-gateway.port';
import type { CreatePaymentIntentRequest, IntentSnapshot, PaymentGateway } from '../../application/ports/payment-gateway.port';
import { Currency } from '../../domain/money.value-object';
import type { RefundSnapshot } from '../../application/ports/gateway-event';
import { actorOf, idOf, intentSnapshotOf } from './stripe-snapshots';

/** Network trouble, 5xx, 429 and 409 (an idempotent request still in flight) are worth retrying; the rest is a bug. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Stripe.errors.StripeError)) return false;
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError) return true;
  if (error instanceof Stripe.errors.StripeRateLimitError) return true;
  const status = error.statusCode;
  return status === undefined || status === 409 || status === 429 || status >= 500;
}

/**
 * Stripe refused the request for good (400 parameters, idempotency key reused with other parameters, 401 key): a bug
 * or a configuration error, not something a retry fixes. Carries Stripe's own code and request id for the logs.
 */
export class PaymentGatewayRejectedError extends Error {
  readonly code = 'PAYMENT_GATEWAY_REJECTED' as const;
  readonly retryable = false;
  readonly details: Record<string, unknown>;
  constructor(operation: string, cause: InstanceType<typeof Stripe.errors.StripeError>) {
    super(`the payment gateway refused ${operation}: ${cause.message}`);
    this.cause = cause;
    this.details = { operation, stripeType: cause.type, stripeCode: cause.code ?? null, statusCode: cause.statusCode ?? null, requestId: cause.requestId ?? null };
  }
}

function translated(operation: string, error: unknown): unknown {
  if (isTransient(error)) return new PaymentGatewayUnavailableError(operation, error);
  if (error instanceof Stripe.errors.StripeError) return new PaymentGatewayRejectedError(operation, error);
  return error;
}

async function guarded<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translated(operation, error);
  }
}

/** What an off-session charge without any payment method amounts to; dunning takes it from there. */
export const NO_PAYMENT_METHOD = {
  code: 'payment_method_missing',
  declineCode: null,
  message: 'the customer has no default payment method to charge off-session',
  chargeId: null,
} as const;

/**
 * PaymentGateway over the Stripe SDK. One PaymentIntent per idempotency key (= the payment's reference key, e.g.
 * `subscription:<id>:period:<n>:attempt:<k>`), so a retried command never opens a second intent.
 *
 * Off-session charges (renewals) are confirmed at once with the given payment method, else the customer's default
 * (invoice_settings.default_payment_method, then default_source). A decline is Stripe's 402 with the intent attached:
 * it is returned as that intent (status requires_payment_method + last_payment_error), never thrown.
 */
export class StripePaymentGateway implements PaymentGateway {
  constructor(private readonly stripe: Stripe) {}

  async createPaymentIntent(request: CreatePaymentIntentRequest): Promise<IntentSnapshot> {
    const charging = request.offSession && request.confirm;
    const paymentMethod = charging ? (request.paymentMethod ?? (await this.defaultPaymentMethodOf(request.customerGatewayId))) : request.paymentMethod;
    // Stripe refuses to confirm without a payment method (it does not fall back to the customer's default). The intent
    // is still opened, unconfirmed, and reported as a failed attempt, so the subscription's dunning takes over.
    const unchargeable = charging && paymentMethod === undefined;
    const offSession = charging && !unchargeable;
    const params: Stripe.PaymentIntentCreateParams = {
      amount: request.amount,
      currency: Currency.toGateway(request.currency),
      customer: request.customerGatewayId,
      metadata: { ...request.metadata },
      confirm: request.confirm && !unchargeable,
      ...(paymentMethod === undefined ? {} : { payment_method: paymentMethod }),
      ...(offSession ? { off_session: true } : {}),
      // A subscription's first period is paid in the browser; keep the card for the off-session renewals.
      ...(!request.offSession && request.metadata.purpose === 'SUBSCRIPTION_PERIOD' ? { setup_future_usage: 'off_session' as const } : {}),
    };
    try {
      const intent = intentSnapshotOf(await this.stripe.paymentIntents.create(params, { idempotencyKey: request.idempotencyKey }));
      return unchargeable ? { ...intent, lastPaymentError: NO_PAYMENT_METHOD } : intent;
    } catch (error) {
      // A declined confirmation (402): the intent exists and carries the failure.
      if (error instanceof Stripe.errors.StripeError && error.payment_intent?.id) return intentSnapshotOf(error.payment_intent);
      throw translated('createPaymentIntent', error);
    }
  }

  retrievePaymentIntent(intentId: string): Promise<IntentSnapshot> {
    return guarded('retrievePaymentIntent', async () => intentSnapshotOf(await this.stripe.paymentIntents.retrieve(intentId)));
  }

  /** Every refund of a charge (webhook payloads of recent API versions no longer embed them). */
  refundsOfCharge(chargeId: string): Promise<RefundSnapshot[]> {
    return guarded('listRefunds', async () => {
      const refunds: RefundSnapshot[] = [];
      for await (const refund of this.stripe.refunds.list({ charge: chargeId, limit: 100 })) refunds.push(refundSnapshotOf(refund));
      return refunds;
    });
  }

  private async defaultPaymentMethodOf(customerId: string): Promise<string | undefined> {
    const customer = await guarded('retrieveCustomer', () => this.stripe.customers.retrieve(customerId));
    if ('deleted' in customer && customer.deleted) return undefined;
    const active = customer as Stripe.Customer;
    return idOf(active.invoice_settings?.default_payment_method) ?? idOf(active.default_source) ?? undefined;
  }
}

export function refundSnapshotOf(refund: Stripe.Refund): RefundSnapshot {
  return {
    id: refund.id,
    amount: refund.amount,
    status: (refund.status ?? 'pending') as RefundSnapshot['status'],
    created: refund.created,
    ...actorOf(refund.metadata),
  };
}
