import type { MessageContext } from '@billing/platform';
import type { PaymentRepository } from '../../domain/payment.repository.port';
import type { ProcessedWebhookEvents } from './processed-webhook-events.port';
import type { WebhookDeliveries } from './webhook-deliveries.port';

/** The payments a webhook reads and saves. */
export type WebhookPayments = Pick<PaymentRepository, 'findById' | 'findByGatewayIntentId' | 'save'>;

/** What a webhook changes, all in the same database transaction. */
export interface WebhookStores {
  readonly payments: WebhookPayments;
  readonly processed: ProcessedWebhookEvents;
  readonly deliveries: Pick<WebhookDeliveries, 'record'>;
  /**
   * Names who asked for the change the following saves write (a refund requested through our API): their outbox rows
   * carry it as `actor` instead of the transaction context's.
   */
  attributeTo(actor: string): void;
}

/**
 * Runs work as ONE new unit of work: the event-id mark, the payment's state, its outbox rows (written with `context`)
 * and the delivery record commit together, or none of them does when work throws. When another writer saved the
 * payment or marked the event id meanwhile, nothing commits and it throws PaymentConcurrentUpdateError (a new unit
 * reads again).
 */
export type WebhookTransaction = <T>(context: MessageContext, work: (stores: WebhookStores) => Promise<T>) => Promise<T>;
