import type { PaymentEvent } from '../../domain/events/payment.domain-event';
import { Payment } from '../../domain/payment.aggregate';
import { PaymentAlreadyExistsError } from '../../domain/payment.errors';
import type { PaymentRepository } from '../../domain/payment.repository.port';
import type { PaymentPurpose } from '../../domain/payment-reference.value-object';
import type { PaymentState } from '../../domain/payment.state';

/**
 * Stores state snapshots (every load is a fresh reconstitute, as from a database) and appends pulled events to
 * `outbox`, as the real repository does in its transaction. Enforces the same unique keys.
 */
export class InMemoryPaymentRepository implements PaymentRepository {
  private readonly rows = new Map<string, PaymentState>();
  readonly outbox: PaymentEvent[] = [];
  /** Set to make the next save() throw (simulates a crash after the gateway call). */
  failNextSave: Error | null = null;
  /** The next saves throw these, in order (e.g. another writer saving the same payment meanwhile). */
  readonly failingSaves: Error[] = [];
  saves = 0;

  async findById(paymentId: string): Promise<Payment | null> {
    const state = this.rows.get(paymentId);
    return state === undefined ? null : Payment.reconstitute(state);
  }

  async findByGatewayIntentId(gatewayPaymentIntentId: string): Promise<Payment | null> {
    return this.findWhere((state) => state.gatewayPaymentIntentId === gatewayPaymentIntentId);
  }

  async findByReference(purpose: PaymentPurpose, referenceKey: string): Promise<Payment | null> {
    return this.findWhere((state) => state.reference.purpose === purpose && state.referenceKey === referenceKey);
  }

  async add(payment: Payment): Promise<void> {
    const state = payment.toState();
    const clash = [...this.rows.values()].some(
      (row) =>
        row.paymentId === state.paymentId ||
        row.referenceKey === state.referenceKey ||
        (state.gatewayPaymentIntentId !== null && row.gatewayPaymentIntentId === state.gatewayPaymentIntentId),
    );
    if (clash) throw new PaymentAlreadyExistsError(state.paymentId, state.referenceKey);
    this.rows.set(state.paymentId, state);
    this.outbox.push(...payment.pullEvents());
  }

  async save(payment: Payment): Promise<void> {
    const failing = this.failingSaves.shift();
    if (failing !== undefined) throw failing;
    if (this.failNextSave !== null) {
      const error = this.failNextSave;
      this.failNextSave = null;
      throw error;
    }
    const state = payment.toState();
    if (!this.rows.has(state.paymentId)) throw new Error(`payment ${state.paymentId} was never added`);
    const intentTaken = [...this.rows.values()].some(
      (row) => row.paymentId !== state.paymentId && state.gatewayPaymentIntentId !== null && row.gatewayPaymentIntentId === state.gatewayPaymentIntentId,
    );
    if (intentTaken) throw new PaymentAlreadyExistsError(state.paymentId, state.referenceKey);
    this.saves += 1;
    this.rows.set(state.paymentId, state);
    this.outbox.push(...payment.pullEvents());
  }

  /** Test helper: the stored state, or undefined. */
  stateOf(paymentId: string): PaymentState | undefined {
    const state = this.rows.get(paymentId);
    return state === undefined ? undefined : Payment.reconstitute(state).toState();
  }

  get size(): number {
    return this.rows.size;
  }

  private findWhere(predicate: (state: PaymentState) => boolean): Payment | null {
    for (const state of this.rows.values()) if (predicate(state)) return Payment.reconstitute(state);
    return null;
  }
}
