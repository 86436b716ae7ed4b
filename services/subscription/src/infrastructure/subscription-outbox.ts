import { randomUUID } from 'node:crypto';
import { appendToOutbox, type MessageContext, type SqlExecutor } from '@billing/platform';
import { SUBSCRIPTION_AGGREGATE, type SubscriptionIntegrationEvent } from './integration-events';

/** Writes integration events of one subscription to the outbox, in the caller's transaction; key = subscription id. */
export async function appendSubscriptionEvents(
  tx: SqlExecutor,
  context: MessageContext,
  subscriptionId: string,
  events: readonly SubscriptionIntegrationEvent[],
): Promise<void> {
  await appendToOutbox(
    tx,
    events.map((event) => ({
      eventId: randomUUID(),
      eventType: event.eventType,
      aggregateType: SUBSCRIPTION_AGGREGATE,
      aggregateId: subscriptionId,
      payload: event.payload as unknown as Record<string, unknown>,
      context,
      occurredAt: new Date(event.payload.occurredAt),
    })),
  );
}
