import type { Payment } from './payment.aggregate';
import type { PaymentPurpose } from './payment-reference.value-object';

/**
 * Implemented by infrastructure; loads with Payment.reconstitute(state) and stores payment.toState().
 *
 * Uniqueness: paymentId, referenceKey and gatewayPaymentIntentId (when not null) are unique; add() turns a unique
 * violation into PaymentAlreadyExistsError (a concurrent creator won; the caller reloads by reference).
 * add() and save() must, in ONE transaction with the state, write payment.pullEvents() to the outbox (aggregate id =
 * paymentId). save() must also detect a concurrent update (version column) and fail with PaymentConcurrentUpdateError rather than
 * overwrite.
 */
export interface PaymentRepository {
  findById(paymentId: string): Promise<Payment | null>;
  findByGatewayIntentId(gatewayPaymentIntentId: string): Promise<Payment | null>;
  /** referenceKey as produced by ReferenceKey / payment.referenceKey; purpose narrows the lookup. */
  findByReference(purpose: PaymentPurpose, referenceKey: string): Promise<Payment | null>;
  /** Payments matching every given filter, oldest first (createdAt, then paymentId), starting after `after`. */
  list(filter: PaymentListFilter, page: { limit: number; after?: PaymentListPosition }): Promise<Payment[]>;
  add(payment: Payment): Promise<void>;
  save(payment: Payment): Promise<void>;
}

/** What a list of payments may be narrowed to; every filter given must match. */
export interface PaymentListFilter {
  readonly customerId?: string;
  /** Payments of a subscription: its periods' charges and its upgrades. */
  readonly subscriptionId?: string;
  readonly periodIndex?: number;
  readonly attempt?: number;
  readonly topUpId?: string;
}

/** Where a page of the list ends: the (createdAt, paymentId) of its last payment. */
export interface PaymentListPosition {
  readonly createdAt: Date;
  readonly paymentId: string;
}
