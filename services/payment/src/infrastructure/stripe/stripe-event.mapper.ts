import { holdsUnstorableText } from '@billing/platform';
import type Stripe from 'stripe';
import {
  type ChargeSnapshot,
  type DisputeSnapshot,
  type GatewayEvent,
  gatewayEventKindOf,
  type RefundSnapshot,
} from '../../application/ports/gateway-event';
import { WebhookRefusedError } from '../../application/ports/gateway-webhooks.port';
import { refundSnapshotOf } from './stripe-payment-gateway';
import { idOf, intentSnapshotOf, metadataOf } from './stripe-snapshots';

/** A verified payload that is not a Stripe event we can read (no id/type/created/data.object): refused with 400. */
const notAStripeEvent = (reason: string) => new WebhookRefusedError('INVALID_WEBHOOK_PAYLOAD', `the webhook payload is not a Stripe event: ${reason}`);

/** Lists the refunds of a charge when the payload does not carry them all. */
export type ChargeRefundsSource = (chargeId: string) => Promise<RefundSnapshot[]>;

/** Checks the envelope every Stripe event has; the object's own fields are checked by the mapping below. */
export function requireEventEnvelope(event: unknown): Stripe.Event {
  const candidate = event as { id?: unknown; type?: unknown; created?: unknown; data?: unknown } | null;
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) throw notAStripeEvent('not a JSON object');
  // NUL would fail in PostgreSQL (a 500, so Stripe would retry it for days), a lone surrogate would be stored altered.
  if (holdsUnstorableText(candidate)) throw notAStripeEvent('text that is not well-formed Unicode, or holds NUL');
  if (typeof candidate.id !== 'string' || candidate.id === '') throw notAStripeEvent('no id');
  if (typeof candidate.type !== 'string' || candidate.type === '') throw notAStripeEvent('no type');
  if (typeof candidate.created !== 'number' || !Number.isFinite(candidate.created)) throw notAStripeEvent('no created timestamp');
  const object = (candidate.data as { object?: unknown } | undefined)?.object;
  if (object === null || typeof object !== 'object') throw notAStripeEvent('no data.object');
  return candidate as unknown as Stripe.Event;
}

const requireString = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value === '') throw notAStripeEvent(`${field} is missing`);
  return value;
};
const requireNumber = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw notAStripeEvent(`${field} is missing`);
  return value;
};

/**
 * Stripe.Event → the application's GatewayEvent:
 * - payment_intent.* → kind payment_intent with the intent snapshot;
 * - charge.refunded → kind charge_refunded with every refund of the charge (from the payload when it embeds the
 *   complete list, else listed from Stripe: API versions since 2022-11-15 no longer embed them);
 * - charge.dispute.created | updated | closed → kind dispute;
 * - anything else → kind unhandled (acknowledged and logged, nothing stored).
 */
export async function toGatewayEvent(event: Stripe.Event, refundsOf: ChargeRefundsSource): Promise<GatewayEvent> {
  const base = { eventId: event.id, type: event.type, created: event.created };
  const object = event.data.object as unknown as Record<string, unknown>;
  switch (gatewayEventKindOf(event.type)) {
    case 'payment_intent': {
      const intent = object as unknown as Stripe.PaymentIntent;
      requireString(intent.id, 'data.object.id');
      requireNumber(intent.amount, 'data.object.amount');
      requireString(intent.currency, 'data.object.currency');
      return { ...base, kind: 'payment_intent', intent: intentSnapshotOf(intent) };
    }
    case 'charge_refunded':
      return { ...base, kind: 'charge_refunded', charge: await chargeSnapshotOf(object as unknown as Stripe.Charge, refundsOf) };
    case 'dispute':
      return { ...base, kind: 'dispute', dispute: disputeSnapshotOf(object as unknown as Stripe.Dispute) };
    case 'unhandled': {
      const intent = object.payment_intent;
      return { ...base, kind: 'unhandled', paymentIntentId: typeof intent === 'string' && intent !== '' ? intent : null };
    }
  }
}

/** An embedded refund, checked like the event itself: a malformed one is refused, not retried by Stripe for days. */
function embeddedRefundOf(refund: unknown, index: number): RefundSnapshot {
  const candidate = (typeof refund === 'object' && refund !== null ? refund : {}) as Stripe.Refund;
  requireString(candidate.id, `data.object.refunds.data[${index}].id`);
  requireNumber(candidate.amount, `data.object.refunds.data[${index}].amount`);
  return refundSnapshotOf(candidate);
}

async function chargeSnapshotOf(charge: Stripe.Charge, refundsOf: ChargeRefundsSource): Promise<ChargeSnapshot> {
  // Everything the payload must hold is checked before Stripe is asked for the refunds.
  const id = requireString(charge.id, 'data.object.id');
  const amount = requireNumber(charge.amount, 'data.object.amount');
  const amountRefunded = requireNumber(charge.amount_refunded, 'data.object.amount_refunded');
  const currency = requireString(charge.currency, 'data.object.currency');
  const embedded = charge.refunds as Stripe.ApiList<unknown> | null | undefined;
  const complete = Array.isArray(embedded?.data) && embedded.has_more === false;
  const refunds = complete ? embedded.data.map(embeddedRefundOf) : await refundsOf(id);
  return { id, paymentIntentId: idOf(charge.payment_intent), amount, amountRefunded, currency, refunds, metadata: metadataOf(charge.metadata) };
}

function disputeSnapshotOf(dispute: Stripe.Dispute): DisputeSnapshot {
  return {
    id: requireString(dispute.id, 'data.object.id'),
    chargeId: requireString(idOf(dispute.charge), 'data.object.charge'),
    paymentIntentId: idOf(dispute.payment_intent),
    status: requireString(dispute.status, 'data.object.status'),
    amount: requireNumber(dispute.amount, 'data.object.amount'),
    currency: requireString(dispute.currency, 'data.object.currency'),
  };
}
