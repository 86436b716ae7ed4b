import type { DisputeStatus } from '../../domain/dispute-status';
import type {
  ChargeRefundedGatewayEvent,
  DisputeGatewayEvent,
  IntentGatewayEvent,
  RefundSnapshot,
  UnhandledGatewayEvent,
} from '../ports/gateway-event';
import type { IntentSnapshot } from '../ports/payment-gateway.port';

/** Builders for normalised webhook events, as a GatewayWebhooks adapter hands them over. */
export function intentEvent(eventId: string, type: string, created: number, intent: IntentSnapshot): IntentGatewayEvent {
  return { kind: 'payment_intent', eventId, type, created, intent };
}

export function refundEvent(
  eventId: string,
  created: number,
  charge: { chargeId: string; intent: IntentSnapshot; refunds: RefundSnapshot[] },
): ChargeRefundedGatewayEvent {
  return {
    kind: 'charge_refunded',
    eventId,
    type: 'charge.refunded',
    created,
    charge: {
      id: charge.chargeId,
      paymentIntentId: charge.intent.id,
      amount: charge.intent.amount,
      amountRefunded: charge.refunds.reduce((sum, refund) => sum + refund.amount, 0),
      currency: charge.intent.currency,
      refunds: charge.refunds,
    },
  };
}

export function disputeEvent(
  eventId: string,
  type: 'charge.dispute.created' | 'charge.dispute.updated' | 'charge.dispute.closed',
  created: number,
  dispute: { disputeId: string; intent: IntentSnapshot; status: DisputeStatus; amount: number },
): DisputeGatewayEvent {
  return {
    kind: 'dispute',
    eventId,
    type,
    created,
    dispute: {
      id: dispute.disputeId,
      chargeId: `ch_${dispute.intent.id}`,
      paymentIntentId: dispute.intent.id,
      status: dispute.status,
      amount: dispute.amount,
      currency: dispute.intent.currency,
    },
  };
}

export function unhandledEvent(eventId: string, type: string, created: number): UnhandledGatewayEvent {
  return { kind: 'unhandled', eventId, type, created };
}
