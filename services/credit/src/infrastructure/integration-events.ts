import type { OutboxMessage } from '@billing/platform';
import type { IntegrationEvents } from '@billing/platform/contracts';
import type { CreditAccountEvent } from '../domain/events/credit-account.domain-event';
import type { RequestContext } from '../application/ports/account-command-bus.port';

type Payload<T extends keyof IntegrationEvents> = { eventType: T; payload: IntegrationEvents[T] };

const iso = (date: Date) => date.toISOString();

/**
 * The one place where the credit domain's events become the billing.credit.v1 contracts; undefined for a domain event
 * that is not published.
 */
function toIntegrationEvent(event: CreditAccountEvent): Payload<keyof IntegrationEvents> | undefined {
  const base = { accountId: event.accountId, customerId: event.customerId, occurredAt: iso(event.occurredAt) };
  switch (event.type) {
    case 'CreditAccountOpened':
      return { eventType: 'CreditAccountOpened', payload: { ...base, lowBalanceThreshold: event.lowBalanceThreshold } };
    case 'CreditsGranted':
      return {
        eventType: 'CreditsGranted',
        payload: {
          ...base,
          grantId: event.grantId,
          amount: event.amount,
          sourceType: event.source.type,
          sourceId: event.source.id,
          sourcePeriod: event.source.period,
          expiresAt: event.expiresAt ? iso(event.expiresAt) : null,
          priority: event.priority,
        },
      };
    case 'CreditsReserved':
      // Not published since session 10: every hold ends in exactly one ReservationCaptured (captured + released = the
      // amount held), ReservationReleased or ReservationExpired, which carries what a consumer needs, and no consumer
      // acted on the hold itself. Its outbox row, relay claim, Avro encoding and Kafka message were half of the relay's work
      // on the reserve+capture hot path (docs/performance.md, "Credit reservations").
      return undefined;
    case 'ReservationCaptured':
      return { eventType: 'ReservationCaptured', payload: { ...base, reservationId: event.reservationId, captured: event.captured, released: event.released } };
    case 'ReservationReleased':
      // Expiry has its own event now; the contract keeps its reason field for the events published before it.
      return { eventType: 'ReservationReleased', payload: { ...base, reservationId: event.reservationId, released: event.released, reason: 'released' } };
    case 'ReservationExpired':
      return { eventType: 'ReservationExpired', payload: { ...base, reservationId: event.reservationId, amount: event.amount } };
    case 'CreditsRefunded':
      return { eventType: 'CreditsRefunded', payload: { ...base, reservationId: event.reservationId, amount: event.amount } };
    case 'CreditsExpired':
      return { eventType: 'CreditsExpired', payload: { ...base, grantId: event.grantId, amount: event.amount } };
    case 'CreditsRevoked':
      return { eventType: 'CreditsRevoked', payload: { ...base, grantId: event.grantId, amount: event.amount, reason: event.reason } };
    case 'CreditsClawbackShortfall':
      return {
        eventType: 'CreditsClawbackShortfall',
        payload: { ...base, grantId: event.grantId, claimed: event.claimed, revoked: event.revoked, shortfall: event.shortfall },
      };
    case 'CreditBalanceLow':
      return { eventType: 'CreditBalanceLow', payload: { ...base, available: event.available, threshold: event.threshold } };
    case 'CreditBalanceRecovered':
      return { eventType: 'CreditBalanceRecovered', payload: { ...base, available: event.available, threshold: event.threshold } };
    default: {
      const unknown: never = event;
      throw new Error(`unmapped credit event ${JSON.stringify(unknown)}`);
    }
  }
}

export function toOutboxMessages(events: readonly CreditAccountEvent[], context: RequestContext, newId: () => string): OutboxMessage[] {
  return events.flatMap((event) => {
    const published = toIntegrationEvent(event);
    if (!published) return [];
    const { eventType, payload } = published;
    return {
      eventId: newId(),
      eventType,
      aggregateType: 'CreditAccount',
      aggregateId: event.accountId,
      payload: payload as unknown as Record<string, unknown>,
      context,
      occurredAt: event.occurredAt,
    };
  });
}
