import type { MessageContext } from '@billing/platform';
import { PaymentConcurrentUpdateError } from '../../../domain/payment.errors';
import type { Clock } from '../../ports/clock.port';
import type { GatewayWebhooks } from '../../ports/gateway-webhooks.port';
import type { PaymentFlows } from '../../ports/payment-flows.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import type { WebhookTransaction } from '../../ports/webhook-transaction.port';
import { ApplyGatewayEvent, type GatewayEventResult } from './apply-gateway-event';
import type { GatewayEvent } from '../../ports/gateway-event';
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

const paymentIntentOf = (event: GatewayEvent): string | null =>
  event.kind === 'payment_intent' ? event.intent.id : event.kind === 'charge_refunded' ? event.charge.paymentIntentId : event.kind === 'dispute' ? event.dispute.paymentIntentId : null;

/**
 * One webhook delivery: verified and read by the GatewayWebhooks port (a refusal throws WebhookRefusedError before
 * anything is read or written), then applied in one transaction (ApplyGatewayEvent), again in a new one when another
 * writer saved the payment meanwhile (PaymentConcurrentUpdateError), at most ATTEMPTS_ON_CONFLICT times. Redeliveries
 * are duplicates by event id; events may arrive in any order (see ApplyGatewayEvent).
 */
export class HandleGatewayWebhookHandler {
  constructor(private readonly deps: HandleGatewayWebhookDeps) {}

  async execute(command: HandleGatewayWebhook): Promise<HandledGatewayWebhook> {
    const event = await this.deps.webhooks.verifyAndParse(command.rawBody, command.signatureHeader);
    const intentId = paymentIntentOf(event);
    const flow = intentId === null ? undefined : await this.deps.flows.flowContextOf(intentId, event.eventId);
    const context = flow ?? { ...command.context, causationId: event.eventId };
    const handled = { event: { id: event.eventId, type: event.type }, context };
    if (event.kind === 'unhandled') return { ...handled, result: { outcome: 'ignored', reason: 'unhandled_event_type' } };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.deps.transaction(context, (stores) => new ApplyGatewayEvent({ ...stores, gateway: this.deps.gateway, clock: this.deps.clock }).apply(event));
        return { ...handled, result };
      } catch (error) {
        if (!(error instanceof PaymentConcurrentUpdateError) || attempt >= ATTEMPTS_ON_CONFLICT) throw error;
      }
    }
  }
}
