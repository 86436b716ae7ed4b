import type { PaymentEvent } from '../../domain/events/payment.domain-event';
import { Payment } from '../../domain/payment.aggregate';
import { PaymentAlreadyExistsError } from '../../domain/payment.errors';
import type { PaymentListFilter, PaymentListPosition, PaymentRepository } from '../../domain/payment.repository.port';
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

  async list(filter: PaymentListFilter, page: { limit: number; after?: PaymentListPosition }): Promise<Payment[]> {
    const key = (state: PaymentState) => [state.createdAt.getTime(), state.paymentId] as const;
    const after = page.after === undefined ? undefined : ([page.after.createdAt.getTime(), page.after.paymentId] as const);
    const isAfter = (state: PaymentState) => after === undefined || key(state)[0] > after[0] || (key(state)[0] === after[0] && key(state)[1] > after[1]);
    const reference = (state: PaymentState): { subscriptionId?: string; topUpId?: string; periodIndex?: number } => state.reference as never;
    return [...this.rows.values()]
      .filter(
        (state) =>
          (filter.customerId === undefined || state.customerId === filter.customerId) &&
          (filter.subscriptionId === undefined || reference(state).subscriptionId === filter.subscriptionId) &&
          (filter.topUpId === undefined || reference(state).topUpId === filter.topUpId) &&
          (filter.periodIndex === undefined || reference(state).periodIndex === filter.periodIndex) &&
          (filter.attempt === undefined || state.attempt === filter.attempt) &&
          isAfter(state),
      )
      .sort((a, b) => key(a)[0] - key(b)[0] || (key(a)[1] < key(b)[1] ? -1 : key(a)[1] > key(b)[1] ? 1 : 0))
      .slice(0, page.limit)
      .map((state) => Payment.reconstitute(state));
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
