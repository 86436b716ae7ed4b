import type { PaymentGatewayName } from '../../domain/payment-gateway-link.value-object';
import {
  type CreateGatewayCustomerRequest,
  type CreatedGatewayCustomer,
  type PaymentGateway,
  PaymentGatewayUnavailableError,
} from '../ports/payment-gateway.port';

/**
 * - 'up': answers normally.
 * - 'down': refuses every call with PaymentGatewayUnavailableError, creating nothing.
 * - 'losing-responses': creates (or finds) the customer, then throws PaymentGatewayUnavailableError, like a timeout
 *   after the gateway did the work.
 */
export type FakeGatewayMode = 'up' | 'down' | 'losing-responses';

/** A gateway that honours idempotency keys as the port demands: one key, one gateway customer, forever. */
export class FakePaymentGateway implements PaymentGateway {
  readonly name: PaymentGatewayName = 'stripe';
  mode: FakeGatewayMode = 'up';
  /** Every call, answered or not. */
  readonly requests: CreateGatewayCustomerRequest[] = [];
  /** Every gateway customer actually created, in order. */
  readonly created: { readonly gatewayCustomerId: string; readonly request: CreateGatewayCustomerRequest }[] = [];
  private readonly idsByKey = new Map<string, string>();
  private readonly queuedErrors: unknown[] = [];
  private readonly afterCreateHooks: ((request: CreateGatewayCustomerRequest) => Promise<void>)[] = [];

  get creations(): number {
    return this.created.length;
  }

  /** The next call throws `error` (before creating anything), whatever the mode. */
  failNextWith(error: unknown): void {
    this.queuedErrors.push(error);
  }

  /** Runs `fn` once, in the next call that reaches the gateway, after the customer exists and before the answer. */
  onNextCreate(fn: (request: CreateGatewayCustomerRequest) => Promise<void>): void {
    this.afterCreateHooks.push(fn);
  }

  async createCustomer(request: CreateGatewayCustomerRequest): Promise<CreatedGatewayCustomer> {
    this.requests.push(structuredClone(request));
    if (this.queuedErrors.length > 0) throw this.queuedErrors.shift();
    if (this.mode === 'down') throw new PaymentGatewayUnavailableError(this.name, 'fake gateway is down');
    let gatewayCustomerId = this.idsByKey.get(request.idempotencyKey);
    if (gatewayCustomerId === undefined) {
      gatewayCustomerId = `cus_Fake${this.created.length + 1}`;
      this.idsByKey.set(request.idempotencyKey, gatewayCustomerId);
      this.created.push({ gatewayCustomerId, request: structuredClone(request) });
    }
    await this.afterCreateHooks.shift()?.(request);
    if (this.mode === 'losing-responses') throw new PaymentGatewayUnavailableError(this.name, 'fake gateway timed out after creating');
    return { gatewayCustomerId };
  }
}
