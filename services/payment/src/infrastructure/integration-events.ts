import { randomUUID } from 'node:crypto';
import type { MessageContext, OutboxMessage } from '@billing/platform';
import type {
  PaymentDisputeClosed as PaymentDisputeClosedPayload,
  PaymentDisputed as PaymentDisputedPayload,
  PaymentFailed as PaymentFailedPayload,
  PaymentRefunded as PaymentRefundedPayload,
  PaymentSucceeded as PaymentSucceededPayload,
} from '@billing/platform/contracts';
import type { IntentEventBase, PaymentEvent } from '../domain/events/payment.domain-event';

/** The outbox aggregate type of every payment event; the aggregate id (Kafka key) is the payment id. */
export const PAYMENT_AGGREGATE = 'Payment';

type CommonPayload = Pick<
  PaymentSucceededPayload,
  'paymentId' | 'customerId' | 'purpose' | 'referenceId' | 'periodIndex' | 'credits' | 'amount' | 'currency' | 'gatewayPaymentIntentId' | 'occurredAt'
>;

function common(event: IntentEventBase): CommonPayload {
  return {
    paymentId: event.paymentId,
    customerId: event.customerId,
    purpose: event.purpose,
    referenceId: event.referenceId,
    periodIndex: event.periodIndex,
    credits: event.credits,
    amount: event.amount,
    currency: event.currency,
    gatewayPaymentIntentId: event.gatewayPaymentIntentId,
    occurredAt: event.occurredAt.toISOString(),
  };
}

/**
 * The one place domain events become integration events (schemas/payment/*.avsc). Only fields the schemas have are
 * mapped. Internal facts — PaymentCreated, PaymentRetried, PaymentCanceled — have no contract
 * and stay in the payment's state.
 */
export function toIntegrationEvent(event: PaymentEvent): { eventType: string; payload: Record<string, unknown> } | null {
  switch (event.type) {
    case 'PaymentSucceeded':
      return { eventType: 'PaymentSucceeded', payload: { ...common(event), changeId: event.changeId } satisfies PaymentSucceededPayload };
    case 'PaymentFailed':
      return {
        eventType: 'PaymentFailed',
        payload: { ...common(event), changeId: event.changeId, reason: event.reason, attempt: event.attempt } satisfies PaymentFailedPayload,
      };
    case 'PaymentRefunded':
      return {
        eventType: 'PaymentRefunded',
        payload: { ...common(event), amountRefunded: event.amountRefunded, totalRefunded: event.totalRefunded } satisfies PaymentRefundedPayload,
      };
    case 'PaymentDisputed':
      return {
        eventType: 'PaymentDisputed',
        payload: { ...common(event), disputeId: event.disputeId, disputeStatus: event.disputeStatus, amountDisputed: event.amountDisputed } satisfies PaymentDisputedPayload,
      };
    case 'PaymentDisputeClosed':
      return {
        eventType: 'PaymentDisputeClosed',
        payload: { ...common(event), disputeId: event.disputeId, status: event.disputeStatus, amountDisputed: event.amountDisputed } satisfies PaymentDisputeClosedPayload,
      };
    case 'PaymentCreated':
    case 'PaymentRetried':
    case 'PaymentCanceled':
      return null;
    default: {
      const unknown: never = event;
      throw new Error(`unmapped payment event ${String((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** Outbox rows for the events that have a contract, in the order they were recorded. */
export function toOutboxMessages(events: readonly PaymentEvent[], context: MessageContext): OutboxMessage[] {
  return events.flatMap((event) => {
    const mapped = toIntegrationEvent(event);
    if (mapped === null) return [];
    return [
      {
        eventId: randomUUID(),
        eventType: mapped.eventType,
        aggregateType: PAYMENT_AGGREGATE,
        aggregateId: event.paymentId,
        payload: mapped.payload,
        context,
        occurredAt: event.occurredAt,
      },
    ];
  });
}
