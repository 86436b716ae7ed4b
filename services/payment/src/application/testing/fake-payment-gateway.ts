import type { GatewayIntentStatus, GatewayPaymentError } from '../../domain/gateway-intent-status';
import { PaymentGatewayUnavailableError } from '../application.errors';
import type { CreatePaymentIntentRequest, IntentSnapshot, PaymentGateway } from '../ports/payment-gateway.port';

/** How a confirmed off-session intent comes out of the fake. */
export type ConfirmOutcome = 'succeeded' | 'declined' | 'requires_action' | 'processing';

interface StoredIntent {
  snapshot: IntentSnapshot;
  request: CreatePaymentIntentRequest;
}

/**
 * Behaves like Stripe where the use cases depend on it: an idempotency key returns the intent it first created, and
 * the same key with different parameters is refused (Stripe's idempotency_error). Counts intents and calls.
 */
export class FakePaymentGateway implements PaymentGateway {
  private readonly intents = new Map<string, StoredIntent>();
  private readonly byKey = new Map<string, string>();
  createCalls = 0;
  retrieveCalls = 0;
  /** Calls to fail with PaymentGatewayUnavailableError before answering again. */
  unavailableFor = 0;
  confirmOutcome: ConfirmOutcome = 'succeeded';

  get intentCount(): number {
    return this.intents.size;
  }

  requests(): CreatePaymentIntentRequest[] {
    return [...this.intents.values()].map((intent) => intent.request);
  }

  async createPaymentIntent(request: CreatePaymentIntentRequest): Promise<IntentSnapshot> {
    this.createCalls += 1;
    this.failIfUnavailable('createPaymentIntent');
    const existingId = this.byKey.get(request.idempotencyKey);
    if (existingId !== undefined) {
      const existing = this.require(existingId);
      if (fingerprint(existing.request) !== fingerprint(request)) {
        throw new Error(`idempotency_error: key ${request.idempotencyKey} reused with different parameters`);
      }
      return existing.snapshot;
    }
    const id = `pi_fake_${this.intents.size + 1}`;
    const snapshot: IntentSnapshot = {
      id,
      status: 'requires_payment_method',
      amount: request.amount,
      currency: request.currency.toLowerCase(),
      clientSecret: `${id}_secret_${this.intents.size + 1}`,
      metadata: { ...request.metadata },
      lastPaymentError: null,
    };
    this.intents.set(id, { snapshot, request });
    this.byKey.set(request.idempotencyKey, id);
    if (request.confirm) this.confirm(id, this.confirmOutcome);
    return this.require(id).snapshot;
  }

  async retrievePaymentIntent(intentId: string): Promise<IntentSnapshot> {
    this.retrieveCalls += 1;
    this.failIfUnavailable('retrievePaymentIntent');
    return this.require(intentId).snapshot;
  }

  /** Test control: what the gateway now says about an intent (e.g. the customer paid in the browser). */
  setStatus(intentId: string, status: GatewayIntentStatus, lastPaymentError: GatewayPaymentError | null = null): IntentSnapshot {
    const stored = this.require(intentId);
    stored.snapshot = { ...stored.snapshot, status, lastPaymentError };
    return stored.snapshot;
  }

  /** Test control: change what a retrieve returns without Stripe's rules (to simulate a corrupted intent). */
  overwrite(intentId: string, patch: Partial<IntentSnapshot>): void {
    const stored = this.require(intentId);
    stored.snapshot = { ...stored.snapshot, ...patch };
  }

  snapshotOf(intentId: string): IntentSnapshot {
    return this.require(intentId).snapshot;
  }

  private confirm(intentId: string, outcome: ConfirmOutcome): void {
    switch (outcome) {
      case 'succeeded':
      case 'processing':
      case 'requires_action':
        this.setStatus(intentId, outcome);
        return;
      case 'declined':
        this.setStatus(intentId, 'requires_payment_method', {
          code: 'card_declined',
          declineCode: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
          chargeId: `ch_${intentId}`,
        });
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown outcome ${String(unknown)}`);
      }
    }
  }

  private failIfUnavailable(operation: string): void {
    if (this.unavailableFor > 0) {
      this.unavailableFor -= 1;
      throw new PaymentGatewayUnavailableError(operation);
    }
  }

  private require(intentId: string): StoredIntent {
    const stored = this.intents.get(intentId);
    if (stored === undefined) throw new Error(`resource_missing: no such payment_intent ${intentId}`);
    return stored;
  }
}

function fingerprint(request: CreatePaymentIntentRequest): string {
  const { idempotencyKey: _key, metadata, ...rest } = request;
  const sortedMetadata = Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify({ ...rest, metadata: sortedMetadata });
}
