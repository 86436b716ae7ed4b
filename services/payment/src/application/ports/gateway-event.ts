import type { IntentSnapshot, GatewayMetadata } from './payment-gateway.port';

/**
 * A verified gateway webhook, normalised by the GatewayWebhooks adapter (which checks the signature and maps Stripe's
 * `Stripe.Event` here). `kind` says which snapshot is present; the handler switches on it, not on `type`.
 *
 * Mapping of Stripe types:
 * - `payment_intent.*` (created, processing, requires_action, succeeded, payment_failed, canceled,
 *   amount_capturable_updated, partially_funded) → kind 'payment_intent', `intent` = data.object;
 * - `charge.refunded` → kind 'charge_refunded', `charge` = data.object with ALL its refunds (expand `refunds`);
 * - `charge.dispute.created | updated | closed` → kind 'dispute', `dispute` = data.object;
 * - anything else → kind 'unhandled' (acknowledged, nothing stored).
 */
export type GatewayEvent = IntentGatewayEvent | ChargeRefundedGatewayEvent | DisputeGatewayEvent | UnhandledGatewayEvent;

interface GatewayEventBase {
  /** evt_… — unique per event; a redelivery keeps it. */
  readonly eventId: string;
  /** Stripe's event type, e.g. `payment_intent.succeeded`. */
  readonly type: string;
  /** Unix seconds when the gateway created the event (≈ when the snapshot was true). */
  readonly created: number;
}

export interface IntentGatewayEvent extends GatewayEventBase {
  readonly kind: 'payment_intent';
  readonly intent: IntentSnapshot;
}

export interface RefundSnapshot {
  /** re_… (or pyr_…) */
  readonly id: string;
  readonly amount: number;
  /** Only `succeeded` and `pending` refunds are recorded (Stripe counts both in amount_refunded). */
  readonly status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  /** Unix seconds; refunds are recorded oldest first. */
  readonly created?: number;
  /** Who asked for the refund (the Billing-Actor of POST /v1/payments/:id/refunds), from its metadata.actor. */
  readonly actor?: string;
}

export interface ChargeSnapshot {
  /** ch_… */
  readonly id: string;
  readonly paymentIntentId: string | null;
  readonly amount: number;
  readonly amountRefunded: number;
  readonly currency: string;
  readonly refunds: readonly RefundSnapshot[];
  readonly metadata?: GatewayMetadata;
}

export interface ChargeRefundedGatewayEvent extends GatewayEventBase {
  readonly kind: 'charge_refunded';
  readonly charge: ChargeSnapshot;
}

export interface DisputeSnapshot {
  /** dp_… / du_… */
  readonly id: string;
  readonly chargeId: string;
  readonly paymentIntentId: string | null;
  /** A Stripe dispute status; see DISPUTE_STATUSES. */
  readonly status: string;
  readonly amount: number;
  readonly currency: string;
}

export interface DisputeGatewayEvent extends GatewayEventBase {
  readonly kind: 'dispute';
  readonly dispute: DisputeSnapshot;
}

export interface UnhandledGatewayEvent extends GatewayEventBase {
  readonly kind: 'unhandled';
  /** The intent the event's object names (e.g. refund.created), so the delivery is listed with its payment. */
  readonly paymentIntentId?: string | null;
}

/** What a GatewayWebhooks adapter uses to choose `kind`. */
export function gatewayEventKindOf(type: string): GatewayEvent['kind'] {
  if (type.startsWith('payment_intent.')) return 'payment_intent';
  if (type === 'charge.refunded') return 'charge_refunded';
  if (type === 'charge.dispute.created' || type === 'charge.dispute.updated' || type === 'charge.dispute.closed') return 'dispute';
  return 'unhandled';
}
