import { requireDisputeStatus } from '../../../domain/dispute-status';
import { isUuid } from '../../../domain/domain-guards';
import { Currency } from '../../../domain/money.value-object';
import type { Payment } from '../../../domain/payment.aggregate';
import type { PaymentStatus } from '../../../domain/payment-status';
import { GatewayIntentMismatchError } from '../../application.errors';
import type { Clock } from '../../ports/clock.port';
import type { GatewayMetadata, IntentSnapshot, PaymentGateway } from '../../ports/payment-gateway.port';
import type { ProcessedWebhookEvents } from '../../ports/processed-webhook-events.port';
import type { WebhookPayments } from '../../ports/webhook-transaction.port';
import type { ChargeRefundedGatewayEvent, DisputeGatewayEvent, GatewayEvent, IntentGatewayEvent, RefundSnapshot } from '../../ports/gateway-event';
import { applyObservation, assessCurrentIntent, assessIntentEvent, hasSameTerms } from './intent-observation';

export type IgnoredReason = 'unhandled_event_type' | 'payment_not_found' | 'foreign_intent';

export type GatewayEventResult =
  | { readonly outcome: 'applied' | 'unchanged'; readonly paymentId: string; readonly status: PaymentStatus; readonly refetched: boolean }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'ignored'; readonly reason: IgnoredReason };

export interface ApplyGatewayEventDeps {
  readonly payments: WebhookPayments;
  readonly gateway: PaymentGateway;
  readonly processed: ProcessedWebhookEvents;
  readonly clock: Clock;
  /** See WebhookStores.attributeTo. */
  readonly attributeTo: (actor: string) => void;
}

/**
 * Applies one verified gateway event, on repositories of ONE database transaction covering markProcessed and the
 * repository save (and the outbox rows it writes): any throw must roll the mark back, so the gateway's redelivery is
 * processed again. HandleGatewayWebhookHandler runs it; a throw is answered 5xx (the gateway retries) — retryable
 * errors (PAYMENT_GATEWAY_UNAVAILABLE) and, rarer, PAYMENT_NOT_SUCCEEDED (a refund whose success is not visible yet).
 *
 * - 'unhandled' kinds: ignored, nothing stored (not even the event id).
 * - a seen event id: 'duplicate', nothing else happens.
 * - the payment is found by intent id, else by metadata.paymentId (a payment stored before its intent was attached:
 *   the intent is attached now); none: 'ignored' / payment_not_found. An intent other than the payment's own:
 *   'ignored' / foreign_intent (log it: it was not created by us for this payment).
 * - intent events: forward-only status; stale or ambiguous payloads are re-read from the gateway (see
 *   assessIntentEvent); a re-read snapshot is applied as observed at clock.now().
 * - charge.refunded: each succeeded/pending refund recorded once per refund id → PaymentRefunded. The events are
 *   attributed to the actor of the newest refund this event records for the first time, when that refund names one
 *   (a refund made in the Stripe dashboard names none: the flow's context stays as it is).
 * - disputes: forward-only dispute status → PaymentDisputed / PaymentDisputeClosed.
 * A refund or dispute for a payment not yet succeeded here re-reads the intent first (the success webhook may be late).
 */
export class ApplyGatewayEvent {
  constructor(private readonly deps: ApplyGatewayEventDeps) {}

  async apply(event: GatewayEvent): Promise<GatewayEventResult> {
    if (event.kind === 'unhandled') return { outcome: 'ignored', reason: 'unhandled_event_type' };
    if (!(await this.deps.processed.markProcessed(event.eventId))) return { outcome: 'duplicate' };
    switch (event.kind) {
      case 'payment_intent':
        return this.onIntent(event);
      case 'charge_refunded':
        return this.onRefund(event);
      case 'dispute':
        return this.onDispute(event);
      default: {
        const unknown: never = event;
        throw new Error(`unhandled gateway event kind ${String((unknown as { kind?: unknown }).kind)}`);
      }
    }
  }

  private async onIntent(event: IntentGatewayEvent): Promise<GatewayEventResult> {
    const located = await this.locate(event.intent.id, event.intent.metadata, event.intent.clientSecret, secondsToDate(event.created));
    if ('outcome' in located) return located;
    const { payment } = located;
    let changed = located.attached;
    const assessment = assessIntentEvent(payment, event);
    let refetched = false;
    if (assessment.action === 'apply') {
      changed = applyObservation(payment, assessment, secondsToDate(event.created)) || changed;
    } else if (assessment.action === 'refetch') {
      changed = (await this.applyCurrentIntent(payment)) || changed;
      refetched = true;
    }
    return this.finish(payment, changed, refetched);
  }

  private async onRefund(event: ChargeRefundedGatewayEvent): Promise<GatewayEventResult> {
    const charge = event.charge;
    const observedAt = secondsToDate(event.created);
    const located = await this.locate(charge.paymentIntentId, charge.metadata ?? {}, null, observedAt);
    if ('outcome' in located) return located;
    const { payment } = located;
    this.requireCurrency(payment, charge.currency);
    let changed = located.attached;
    const refetched = payment.status !== 'succeeded';
    if (refetched) changed = (await this.applyCurrentIntent(payment)) || changed;
    const settled = charge.refunds
      .filter((refund) => refund.status === 'succeeded' || refund.status === 'pending')
      .map((refund, index) => ({ refund, index }))
      .sort((a, b) => (a.refund.created ?? 0) - (b.refund.created ?? 0) || a.index - b.index);
    let newest: RefundSnapshot | undefined;
    for (const { refund } of settled) {
      if (payment.recordRefund(refund.id, refund.amount, { observedAt, chargeId: charge.id })) newest = refund;
    }
    if (newest?.actor !== undefined) this.deps.attributeTo(newest.actor);
    return this.finish(payment, changed || newest !== undefined, refetched);
  }

  private async onDispute(event: DisputeGatewayEvent): Promise<GatewayEventResult> {
    const dispute = event.dispute;
    const observedAt = secondsToDate(event.created);
    const located = await this.locate(dispute.paymentIntentId, {}, null, observedAt);
    if ('outcome' in located) return located;
    const { payment } = located;
    this.requireCurrency(payment, dispute.currency);
    let changed = located.attached;
    const refetched = payment.status !== 'succeeded';
    if (refetched) changed = (await this.applyCurrentIntent(payment)) || changed;
    const status = requireDisputeStatus(dispute.status);
    changed = payment.recordDispute(dispute.id, status, dispute.amount, { observedAt, chargeId: dispute.chargeId }) || changed;
    return this.finish(payment, changed, refetched);
  }

  /** Reads the intent now and applies it; a disagreement on amount or currency is refused, never guessed. */
  private async applyCurrentIntent(payment: Payment): Promise<boolean> {
    const intentId = payment.gatewayPaymentIntentId as string;
    const intent: IntentSnapshot = await this.deps.gateway.retrievePaymentIntent(intentId);
    if (!hasSameTerms(payment, intent)) {
      throw new GatewayIntentMismatchError(payment.paymentId, intentId, `${payment.amount} ${payment.currency}`, `${intent.amount} ${intent.currency}`);
    }
    return applyObservation(payment, assessCurrentIntent(payment, intent), this.deps.clock.now());
  }

  private async locate(
    intentId: string | null,
    metadata: GatewayMetadata,
    clientSecret: string | null,
    observedAt: Date,
  ): Promise<{ payment: Payment; attached: boolean } | GatewayEventResult> {
    const byIntent = intentId === null ? null : await this.deps.payments.findByGatewayIntentId(intentId);
    const metadataId = metadata.paymentId;
    const payment = byIntent ?? (isUuid(metadataId) ? await this.deps.payments.findById(metadataId.toLowerCase()) : null);
    if (payment === null) return { outcome: 'ignored', reason: 'payment_not_found' };
    if (intentId === null) return payment.gatewayPaymentIntentId === null ? { outcome: 'ignored', reason: 'payment_not_found' } : { payment, attached: false };
    if (payment.gatewayPaymentIntentId === null) {
      // Stored, but the process died before the intent was attached: the webhook completes it.
      payment.attachIntent({ gatewayPaymentIntentId: intentId, clientSecret, observedAt });
      return { payment, attached: true };
    }
    if (payment.gatewayPaymentIntentId !== intentId) return { outcome: 'ignored', reason: 'foreign_intent' };
    return { payment, attached: false };
  }

  private requireCurrency(payment: Payment, currency: string): void {
    if (Currency.of(currency) !== payment.currency) {
      throw new GatewayIntentMismatchError(payment.paymentId, payment.gatewayPaymentIntentId ?? '(none)', payment.currency, currency);
    }
  }

  private async finish(payment: Payment, changed: boolean, refetched: boolean): Promise<GatewayEventResult> {
    if (changed) await this.deps.payments.save(payment);
    return { outcome: changed ? 'applied' : 'unchanged', paymentId: payment.paymentId, status: payment.status, refetched };
  }
}

const secondsToDate = (seconds: number): Date => new Date(seconds * 1_000);
