import type { Logger } from 'pino';
import Stripe from 'stripe';
import {
  type CreateGatewayCustomerRequest,
  type CreatedGatewayCustomer,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../../application/ports/payment-gateway.port';
import type { PaymentGatewayName } from '../../domain/payment-gateway-link.value-object';

// Stripe search values are quoted; our customer ids are UUIDs, so anything else is a bug, not something to escape.
const SEARCHABLE = /^[A-Za-z0-9_-]+$/;

/**
 * The PaymentGateway port on Stripe Customers. One Stripe customer per customer of ours, however often and however
 * late createCustomer is retried:
 *
 * 1. Search for a Stripe customer whose metadata.customerId is ours; if there is one, that is the answer. This covers
 *    retries after Stripe's idempotency keys expired (24 h) or with a changed email.
 * 2. Otherwise create it with Idempotency-Key = our customer id. This covers retries within seconds, which search
 *    cannot: Stripe's search index lags writes by up to about a minute, idempotency keys do not.
 *
 * The windows overlap (seconds-to-24 h for the key, a minute onwards for search), so no retry falls between them. A
 * key replayed with another body (the email changed within the minute before search caught up) is refused by Stripe
 * with an idempotency error: that is reported as unavailable, and the retry after the index caught up finds it.
 */
export class StripePaymentGateway implements PaymentGateway {
  readonly name: PaymentGatewayName = 'stripe';

  constructor(
    private readonly stripe: Stripe,
    private readonly logger?: Logger,
  ) {}

  async createCustomer(request: CreateGatewayCustomerRequest): Promise<CreatedGatewayCustomer> {
    try {
      const existing = await this.findExisting(request.metadata.customerId);
      if (existing !== undefined) return { gatewayCustomerId: existing };
      const created = await this.stripe.customers.create(
        {
          email: request.email,
          ...(request.name === null ? {} : { name: request.name }),
          metadata: { customerId: request.metadata.customerId, externalAccountId: request.metadata.externalAccountId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return { gatewayCustomerId: created.id };
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async findExisting(customerId: string): Promise<string | undefined> {
    if (!SEARCHABLE.test(customerId)) throw new Error(`customer id ${JSON.stringify(customerId)} cannot be searched for at Stripe`);
    const found = await this.stripe.customers.search({ query: `metadata['customerId']:'${customerId}'`, limit: 10 });
    if (found.data.length === 0) return undefined;
    // Several would mean someone created one by hand; always answering the oldest keeps every retry on the same one.
    const [oldest] = [...found.data].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    if (found.data.length > 1) {
      this.logger?.warn({ customerId, stripeCustomers: found.data.map((customer) => customer.id), chosen: oldest!.id }, 'several Stripe customers carry this customerId');
    }
    return oldest!.id;
  }

  /** Unknown outcome or "not now" → unavailable (retried with the same key); anything else is a permanent refusal. */
  private translate(error: unknown): unknown {
    if (error instanceof Stripe.errors.StripeConnectionError) return new PaymentGatewayUnavailableError(this.name, `connection failed: ${error.message}`, error);
    if (error instanceof Stripe.errors.StripeRateLimitError) return new PaymentGatewayUnavailableError(this.name, 'rate limited', error);
    if (error instanceof Stripe.errors.StripeIdempotencyError) return new PaymentGatewayUnavailableError(this.name, `idempotency conflict: ${error.message}`, error);
    if (error instanceof Stripe.errors.StripeError) {
      const status = error.statusCode ?? 0;
      if (status >= 500 || status === 409 || status === 429 || status === 0) {
        return new PaymentGatewayUnavailableError(this.name, `Stripe answered ${status || 'nothing'}: ${error.message}`, error);
      }
    }
    return error;
  }
}
