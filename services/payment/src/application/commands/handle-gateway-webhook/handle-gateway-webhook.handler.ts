import type { MessageContext } from '@billing/platform';
import { PaymentConcurrentUpdateError } from '../../../domain/payment.errors';
import type { Clock } from '../../ports/clock.port';
import type { GatewayWebhooks } from '../../ports/gateway-webhooks.port';
import type { PaymentFlows } from '../../ports/payment-flows.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import type { WebhookTransaction } from '../../ports/webhook-transaction.port';
import { ApplyGatewayEvent, type GatewayEventResult } from './apply-gateway-event';
import type { GatewayEvent } from '../../ports/gateway-event';
import type { WebhookDelivery } from '../../ports/webhook-deliveries.port';
import type { HandleGatewayWebhook } from './handle-gateway-webhook.command';

export type { GatewayEventResult, IgnoredReason } from './apply-gateway-event';

export interface HandleGatewayWebhookDeps {
  readonly webhooks: GatewayWebhooks;
  readonly flows: PaymentFlows;
  readonly transaction: WebhookTransaction;
  readonly gateway: PaymentGateway;
  readonly clock: Clock;
}

export interface HandledGatewayWebhook {
  readonly event: { readonly id: string; readonly type: string };
  /** The context the event was applied under: the flow of the payment it is about, else the request's. */
  readonly context: MessageContext;
  readonly result: GatewayEventResult;
}

/** Another writer saved the payment in between: a fresh transaction reloads it and applies the event again. */
const ATTEMPTS_ON_CONFLICT = 3;

const paymentIntentOf = (event: GatewayEvent): string | null => {
  switch (event.kind) {
    case 'payment_intent':
      return event.intent.id;
    case 'charge_refunded':
      return event.charge.paymentIntentId;
    case 'dispute':
      return event.dispute.paymentIntentId;
    case 'unhandled':
      return event.paymentIntentId ?? null;
  }
};

/** What an operator reads about a delivery's result. `unchanged` (stale, or already reflected) counts as ignored. */
function deliveryOutcomeOf(result: GatewayEventResult): Pick<WebhookDelivery, 'outcome' | 'detail' | 'paymentId'> {
  switch (result.outcome) {
    case 'applied':
      return { outcome: 'applied', detail: `payment ${result.status}${result.refetched ? ' (intent re-read from the gateway)' : ''}`, paymentId: result.paymentId };
    case 'unchanged':
      return { outcome: 'ignored', detail: `no change: the payment (${result.status}) already reflects it`, paymentId: result.paymentId };
    case 'duplicate':
      return { outcome: 'duplicate', detail: 'event id already processed', paymentId: null };
    case 'ignored':
      return { outcome: 'ignored', detail: result.reason, paymentId: null };
  }
}

const failureDetailOf = (error: unknown): string => {
  const coded = error as { code?: unknown; message?: unknown };
  const message = typeof coded.message === 'string' ? coded.message : String(error);
  return typeof coded.code === 'string' ? `${coded.code}: ${message}` : message;
};

/**
 * One webhook delivery: verified and read by the GatewayWebhooks port (a refusal throws WebhookRefusedError before
 * anything is read or written), then applied in one transaction (ApplyGatewayEvent), again in a new one when another
 * writer saved the payment meanwhile (PaymentConcurrentUpdateError), at most ATTEMPTS_ON_CONFLICT times. Redeliveries
 * are duplicates by event id; events may arrive in any order (see ApplyGatewayEvent).
 *
 * Each delivery is recorded with its outcome (WebhookDeliveries) on the transaction that applied it; a failed one on a
 * new transaction after the rollback; an unhandled type only when it names an intent (else nothing is stored).
 */
export class HandleGatewayWebhookHandler {
  constructor(private readonly deps: HandleGatewayWebhookDeps) {}

  async execute(command: HandleGatewayWebhook): Promise<HandledGatewayWebhook> {
    const event = await this.deps.webhooks.verifyAndParse(command.rawBody, command.signatureHeader);
    const intentId = paymentIntentOf(event);
    const flow = intentId === null ? undefined : await this.deps.flows.flowContextOf(intentId, event.eventId);
    const context = flow ?? { ...command.context, causationId: event.eventId };
    const handled = { event: { id: event.eventId, type: event.type }, context };
    const delivery = { eventId: event.eventId, type: event.type, receivedAt: this.deps.clock.now(), paymentIntentId: intentId };
    if (event.kind === 'unhandled') {
      if (intentId !== null) {
        await this.deps.transaction(context, ({ deliveries }) => deliveries.record({ ...delivery, outcome: 'ignored', detail: 'event type not handled', paymentId: null }));
      }
      return { ...handled, result: { outcome: 'ignored', reason: 'unhandled_event_type' } };
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.deps.transaction(context, async (stores) => {
          const applied = await new ApplyGatewayEvent({ ...stores, gateway: this.deps.gateway, clock: this.deps.clock }).apply(event);
          await stores.deliveries.record({ ...delivery, ...deliveryOutcomeOf(applied) });
          return applied;
        });
        return { ...handled, result };
      } catch (error) {
        if (!(error instanceof PaymentConcurrentUpdateError) || attempt >= ATTEMPTS_ON_CONFLICT) {
          await this.recordFailure({ ...delivery, outcome: 'failed', detail: failureDetailOf(error), paymentId: null }, context);
          throw error;
        }
      }
    }
  }

  /** Best effort: the database that failed the delivery may fail this too; the delivery's own error is what counts. */
  private async recordFailure(delivery: WebhookDelivery, context: MessageContext): Promise<void> {
    await this.deps.transaction(context, ({ deliveries }) => deliveries.record(delivery)).catch(() => undefined);
  }
}
