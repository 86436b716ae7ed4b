import type { MessageContext } from '@billing/platform';
import type { PaymentRepository } from '../../domain/payment.repository.port';
import type { ProcessedWebhookEvents } from './processed-webhook-events.port';
import type { WebhookDeliveries } from './webhook-deliveries.port';

/** What a webhook changes, all on the same database transaction. */
export interface WebhookStores {
  readonly payments: PaymentRepository;
  readonly processed: ProcessedWebhookEvents;
  readonly deliveries: WebhookDeliveries;
  /**
   * Names who asked for the change the following saves write (a refund requested through our API): their outbox rows
   * carry it as `actor` instead of the transaction context's.
   */
  attributeTo(actor: string): void;
}

/**
 * Runs work in ONE new database transaction: the event-id mark, the payment's state and its outbox rows (written with
 * `context`) commit together, or none of them does when work throws.
 */
export type WebhookTransaction = <T>(context: MessageContext, work: (stores: WebhookStores) => Promise<T>) => Promise<T>;
