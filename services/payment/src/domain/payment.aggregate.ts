import { type ClosedDisputeStatus, DISPUTE_STATUS_RANK, type DisputeStatus, isClosedDispute, requireDisputeStatus } from './dispute-status';
import { copyDate, copyOptionalDate, requireDate, requireId, requirePrefixedId, requireUuid } from './domain-guards';
import type { IntentEventBase, PaymentEvent, PaymentEventBase } from './events/payment.domain-event';
import { DEFAULT_FAILURE, type FailureDetails } from './gateway-intent-status';
import { Currency, MinorAmount } from './money.value-object';
import type { AttachIntent, CreatePayment, ObserveIntentOptions, RecordDisputeOptions, RecordRefundOptions } from './payment.commands';
import {
  DisputeExceedsAmountError,
  IntentAlreadyAttachedError,
  IntentNotAttachedError,
  InvalidReferenceError,
  InvariantViolationError,
  PaymentNotRetryableError,
  PaymentNotSucceededError,
  RefundConflictError,
  RefundExceedsAmountError,
} from './payment.errors';
import { findInvariantViolations } from './payment.invariants';
import type { DisputeRecord, PaymentFailure, PaymentState, RefundRecord } from './payment.state';
import { type PaymentPurpose, PaymentReference } from './payment-reference.value-object';
import { referenceKeyOf } from './payment-reference-key';
import { isForwardMove, type PaymentStatus, requirePaymentStatus } from './payment-status';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<PaymentEvent, keyof PaymentEventBase>;
type IntentEventBody = DistributiveOmit<Exclude<PaymentEvent, { type: 'PaymentCreated' }>, keyof IntentEventBase>;

/** Metadata written on the PaymentIntent; the gateway echoes it on every webhook. Stripe metadata values are strings. */
export type IntentMetadata = Readonly<Record<string, string>>;

/**
 * One Stripe PaymentIntent and what happened to it: status, failure, refunds, disputes.
 *
 * Lifecycle: create() stores the payment before the gateway is called (so a crash between the gateway call and the
 * save is retried with the same idempotency key and the same metadata, and gets the same intent back); attachIntent()
 * binds the intent once it exists. Gateway facts arrive at least once and in any order: every method returns
 * whether it changed anything, and a repeat or stale fact returns false and records nothing. A refused call throws a
 * DomainError and changes nothing. Events are recorded, never published: the repository writes pullEvents() to the
 * outbox in the transaction that saves the state.
 *
 * Attempts: an off-session payment (renewal, dunning retry) is one attempt; `failed` is final for its intent and the
 * next attempt is a new Payment with a new intent. An on-session intent (first period, top-up) stays usable after a
 * failure — the customer may confirm it again with another card — so `failed` can still move to `succeeded` or
 * `canceled`, and `retry()` starts the next attempt explicitly.
 */
export class Payment {
  private events: PaymentEvent[] = [];

  private constructor(private readonly state: PaymentState) {}

  /** Records PaymentCreated. Status `requires_payment_method`, no intent yet. */
  static create(command: CreatePayment): Payment {
    const now = requireDate(command.now, 'now');
    const reference = PaymentReference.of(command.reference);
    const offSession = command.offSession === true;
    const attempt = offSession ? positiveAttempt(command.attempt ?? 1) : 1;
    const payment = new Payment({
      paymentId: requireUuid(command.paymentId, 'paymentId'),
      customerId: requireId(command.customerId, 'customerId'),
      reference,
      referenceKey: referenceKeyOf(reference, offSession, attempt),
      amount: MinorAmount.of(command.amount),
      currency: Currency.of(command.currency),
      offSession,
      attempt,
      gatewayPaymentIntentId: null,
      clientSecret: null,
      status: 'requires_payment_method',
      statusObservedAt: copyDate(now),
      createdAt: copyDate(now),
      failure: null,
      cancellationReason: null,
      refunds: [],
      disputes: [],
    });
    payment.record({ type: 'PaymentCreated', referenceKey: payment.referenceKey, offSession, attempt }, now);
    return payment;
  }

  /** Rebuilds from stored state without recording anything; refuses state that breaks an invariant. */
  static reconstitute(state: PaymentState): Payment {
    const violations = findInvariantViolations(state);
    if (violations.length > 0) throw new InvariantViolationError(violations);
    return new Payment(copyState(state));
  }

  get paymentId(): string {
    return this.state.paymentId;
  }
  get customerId(): string {
    return this.state.customerId;
  }
  get purpose(): PaymentPurpose {
    return this.state.reference.purpose;
  }
  get reference(): PaymentReference {
    return { ...this.state.reference };
  }
  get referenceKey(): string {
    return this.state.referenceKey;
  }
  get amount(): number {
    return this.state.amount;
  }
  get currency(): Currency {
    return this.state.currency;
  }
  get offSession(): boolean {
    return this.state.offSession;
  }
  get attempt(): number {
    return this.state.attempt;
  }
  get status(): PaymentStatus {
    return this.state.status;
  }
  get gatewayPaymentIntentId(): string | null {
    return this.state.gatewayPaymentIntentId;
  }
  get clientSecret(): string | null {
    return this.state.clientSecret;
  }
  get createdAt(): Date {
    return copyDate(this.state.createdAt);
  }
  get statusObservedAt(): Date {
    return copyDate(this.state.statusObservedAt);
  }
  get failure(): PaymentFailure | null {
    return this.state.failure === null ? null : { ...this.state.failure, failedAt: copyDate(this.state.failure.failedAt) };
  }
  get totalRefunded(): number {
    return this.state.refunds.reduce((sum, refund) => sum + refund.amount, 0);
  }
  /** Oldest first, as they were recorded. */
  get refunds(): RefundRecord[] {
    return this.state.refunds.map((refund) => ({ ...refund, recordedAt: copyDate(refund.recordedAt) }));
  }
  /** Oldest first, as they were opened. */
  get disputes(): DisputeRecord[] {
    return this.state.disputes.map((dispute) => ({ ...dispute, openedAt: copyDate(dispute.openedAt), closedAt: copyOptionalDate(dispute.closedAt) }));
  }
  /** On-session intents may be confirmed again after a failure; off-session ones never are (a new Payment is). */
  get canRetry(): boolean {
    return this.state.status === 'failed' && !this.state.offSession;
  }

  /** The metadata to put on the intent. Derived from stored fields only, so a repeated gateway call sends the same. */
  gatewayMetadata(): IntentMetadata {
    const reference = this.state.reference;
    const common = { paymentId: this.paymentId, purpose: reference.purpose, customerId: this.customerId };
    switch (reference.purpose) {
      case 'SUBSCRIPTION_PERIOD':
        return { ...common, subscriptionId: reference.subscriptionId, periodIndex: String(reference.periodIndex), attempt: String(this.state.attempt) };
      case 'SUBSCRIPTION_UPGRADE':
        return { ...common, subscriptionId: reference.subscriptionId, periodIndex: String(reference.periodIndex), changeId: reference.changeId };
      case 'CREDIT_TOP_UP':
        return { ...common, topUpId: reference.topUpId, credits: String(reference.credits) };
    }
  }

  /** Same customer, reference, amount and currency: a repeated request for this payment, not a different one. */
  hasTerms(terms: { customerId: string; reference: PaymentReference; amount: number; currency: string }): boolean {
    return (
      terms.customerId === this.customerId &&
      PaymentReference.equals(terms.reference, this.state.reference) &&
      terms.amount === this.amount &&
      typeof terms.currency === 'string' &&
      terms.currency.toUpperCase() === this.currency
    );
  }

  /** Binds the gateway intent. Again with the same id: fills a missing client secret, else false. */
  attachIntent(command: AttachIntent): boolean {
    const intentId = requirePrefixedId(command.gatewayPaymentIntentId, 'gatewayPaymentIntentId', 'pi_');
    const observedAt = requireDate(command.observedAt, 'observedAt');
    const clientSecret = command.clientSecret ?? null;
    const attached = this.state.gatewayPaymentIntentId;
    if (attached !== null) {
      if (attached !== intentId) throw new IntentAlreadyAttachedError(this.paymentId, attached, intentId);
      if (this.state.clientSecret !== null || clientSecret === null) return false;
      this.state.clientSecret = clientSecret;
      return true;
    }
    this.state.gatewayPaymentIntentId = intentId;
    this.state.clientSecret = clientSecret;
    this.noteObservedAt(observedAt);
    return true;
  }

  /**
   * Applies an observed intent status if it ranks above the one held (see STATUS_RANK); records PaymentSucceeded,
   * PaymentFailed or PaymentCanceled on that move. Equal or lower rank: false, nothing recorded.
   */
  observeIntentStatus(status: PaymentStatus, options: ObserveIntentOptions): boolean {
    const observed = requirePaymentStatus(status);
    const observedAt = requireDate(options.observedAt, 'observedAt');
    this.requireIntent();
    if (!isForwardMove(this.state.status, observed)) return false;
    this.state.status = observed;
    this.noteObservedAt(observedAt);
    switch (observed) {
      case 'requires_payment_method':
      case 'processing':
        return true;
      case 'succeeded':
        this.recordIntentEvent({ type: 'PaymentSucceeded' }, observedAt);
        return true;
      case 'failed': {
        const details: FailureDetails = options.failure ?? DEFAULT_FAILURE;
        this.state.failure = { ...details, attempt: this.state.attempt, failedAt: copyDate(observedAt) };
        this.recordIntentEvent(
          { type: 'PaymentFailed', reason: details.declineCode ?? details.code, failureCode: details.code, declineCode: details.declineCode, message: details.message },
          observedAt,
        );
        return true;
      }
      case 'canceled':
        this.state.cancellationReason = options.cancellationReason ?? null;
        this.recordIntentEvent({ type: 'PaymentCanceled', cancellationReason: this.state.cancellationReason }, observedAt);
        return true;
      default: {
        const unknown: never = observed;
        throw new Error(`unhandled status ${String(unknown)}`);
      }
    }
  }

  /**
   * Starts the next attempt on the same on-session intent: `failed` → `requires_payment_method`, attempt + 1,
   * PaymentRetried. The last failure stays readable. Off-session payments are refused: their next attempt is a new
   * Payment (and a new intent).
   */
  retry(options: { observedAt: Date }): void {
    const observedAt = requireDate(options.observedAt, 'observedAt');
    if (this.state.offSession) throw new PaymentNotRetryableError(this.paymentId, 'off-session attempts are retried with a new payment');
    if (this.state.status !== 'failed') throw new PaymentNotRetryableError(this.paymentId, `status is ${this.state.status}, not failed`);
    this.state.status = 'requires_payment_method';
    this.state.attempt += 1;
    this.noteObservedAt(observedAt);
    this.recordIntentEvent({ type: 'PaymentRetried' }, observedAt);
  }

  /**
   * Records a refund once per refundId (again with the same amount: false). Total refunded never exceeds the amount.
   * Records PaymentRefunded.
   */
  recordRefund(refundId: string, amount: number, options: RecordRefundOptions): boolean {
    const id = requireId(refundId, 'refundId');
    const refundAmount = MinorAmount.of(amount, 'refund amount');
    const observedAt = requireDate(options.observedAt, 'observedAt');
    this.requireSucceeded('record a refund');
    const existing = this.state.refunds.find((refund) => refund.refundId === id);
    if (existing !== undefined) {
      if (existing.amount !== refundAmount) throw new RefundConflictError(this.paymentId, id, existing.amount, refundAmount);
      return false;
    }
    const refundable = this.amount - this.totalRefunded;
    if (refundAmount > refundable) throw new RefundExceedsAmountError(this.paymentId, refundAmount, refundable);
    const chargeId = options.chargeId ?? null;
    this.state.refunds.push({ refundId: id, chargeId, amount: refundAmount, recordedAt: copyDate(observedAt) });
    const totalRefunded = this.totalRefunded;
    this.recordIntentEvent(
      { type: 'PaymentRefunded', refundId: id, chargeId, amountRefunded: refundAmount, totalRefunded, fullyRefunded: totalRefunded === this.amount },
      observedAt,
    );
    return true;
  }

  /**
   * Records a dispute's status, forward only (see DISPUTE_STATUS_RANK). First sight: PaymentDisputed (plus
   * PaymentDisputeClosed if it is already closed). Closing: PaymentDisputeClosed. A move between open statuses is
   * stored without an event.
   */
  recordDispute(disputeId: string, status: DisputeStatus, amount: number, options: RecordDisputeOptions): boolean {
    const id = requireId(disputeId, 'disputeId');
    const disputeStatus = requireDisputeStatus(status);
    const observedAt = requireDate(options.observedAt, 'observedAt');
    const disputed = MinorAmount.of(amount, 'dispute amount');
    this.requireSucceeded('record a dispute');
    const existing = this.state.disputes.find((dispute) => dispute.disputeId === id);
    if (existing === undefined) {
      if (disputed > this.amount) throw new DisputeExceedsAmountError(this.paymentId, id, disputed, this.amount);
      const dispute: DisputeRecord = { disputeId: id, chargeId: options.chargeId ?? null, status: disputeStatus, amount: disputed, openedAt: copyDate(observedAt), closedAt: null };
      this.state.disputes.push(dispute);
      this.recordIntentEvent(
        { type: 'PaymentDisputed', disputeId: id, chargeId: dispute.chargeId, disputeStatus, amountDisputed: disputed, inquiry: disputeStatus.startsWith('warning_') },
        observedAt,
      );
      if (isClosedDispute(disputeStatus)) this.closeDispute(dispute, disputeStatus, observedAt);
      return true;
    }
    if (DISPUTE_STATUS_RANK[disputeStatus] <= DISPUTE_STATUS_RANK[existing.status]) return false;
    if (isClosedDispute(disputeStatus)) this.closeDispute(existing, disputeStatus, observedAt);
    else existing.status = disputeStatus;
    return true;
  }

  pullEvents(): PaymentEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  toState(): PaymentState {
    return copyState(this.state);
  }

  /** Throws InvariantViolationError listing every broken rule; see payment.invariants.ts. */
  validate(): void {
    const violations = findInvariantViolations(this.state);
    if (violations.length > 0) throw new InvariantViolationError(violations);
  }

  private closeDispute(dispute: DisputeRecord, status: ClosedDisputeStatus, observedAt: Date): void {
    dispute.status = status;
    dispute.closedAt = copyDate(observedAt);
    this.recordIntentEvent(
      { type: 'PaymentDisputeClosed', disputeId: dispute.disputeId, chargeId: dispute.chargeId, disputeStatus: status, amountDisputed: dispute.amount },
      observedAt,
    );
  }

  /**
   * statusObservedAt only moves forward: a re-read stamped by our clock may be behind the gateway's event times,
   * and the webhook handler compares event times against it to spot stale events.
   */
  private noteObservedAt(observedAt: Date): void {
    if (observedAt.getTime() > this.state.statusObservedAt.getTime()) this.state.statusObservedAt = copyDate(observedAt);
  }

  private requireIntent(): string {
    const intentId = this.state.gatewayPaymentIntentId;
    if (intentId === null) throw new IntentNotAttachedError(this.paymentId);
    return intentId;
  }

  private requireSucceeded(action: string): void {
    if (this.state.status !== 'succeeded') throw new PaymentNotSucceededError(this.paymentId, this.state.status, action);
  }

  private baseFacts(now: Date): PaymentEventBase {
    const reference = this.state.reference;
    return {
      paymentId: this.paymentId,
      customerId: this.customerId,
      occurredAt: copyDate(now),
      purpose: reference.purpose,
      referenceId: PaymentReference.idOf(reference),
      periodIndex: reference.purpose === 'CREDIT_TOP_UP' ? null : reference.periodIndex,
      changeId: reference.purpose === 'SUBSCRIPTION_UPGRADE' ? reference.changeId : null,
      credits: reference.purpose === 'CREDIT_TOP_UP' ? reference.credits : null,
      amount: this.amount,
      currency: this.currency,
    };
  }

  private record(body: EventBody, now: Date): void {
    this.events.push({ ...this.baseFacts(now), ...body } as PaymentEvent);
  }

  private recordIntentEvent(body: IntentEventBody, now: Date): void {
    const facts: Omit<IntentEventBase, keyof PaymentEventBase> = { gatewayPaymentIntentId: this.requireIntent(), attempt: this.state.attempt };
    this.events.push({ ...this.baseFacts(now), ...facts, ...body } as PaymentEvent);
  }
}

function positiveAttempt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new InvalidReferenceError(`attempt must be a positive integer, got ${String(value)}`);
  return value;
}

function copyState(state: PaymentState): PaymentState {
  return {
    ...state,
    reference: { ...state.reference },
    statusObservedAt: copyDate(state.statusObservedAt),
    createdAt: copyDate(state.createdAt),
    failure: state.failure === null ? null : { ...state.failure, failedAt: copyDate(state.failure.failedAt) },
    refunds: state.refunds.map((refund): RefundRecord => ({ ...refund, recordedAt: copyDate(refund.recordedAt) })),
    disputes: state.disputes.map((dispute): DisputeRecord => ({ ...dispute, openedAt: copyDate(dispute.openedAt), closedAt: copyOptionalDate(dispute.closedAt) })),
  };
}
