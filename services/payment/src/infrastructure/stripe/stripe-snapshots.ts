import type Stripe from 'stripe';
import type { GatewayIntentStatus } from '../../domain/gateway-intent-status';
import type { IntentSnapshot } from '../../application/ports/payment-gateway.port';

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === 'string' ? value : value.id;

/** Stripe metadata values are strings; anything else is dropped. */
export function metadataOf(metadata: Stripe.Metadata | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** At most 200 characters, no control characters, no leading or trailing space: what a Billing-Actor looks like. */
const WELL_FORMED_ACTOR = /^[^\p{Cc}\s](?:[^\p{Cc}]{0,198}[^\p{Cc}\s])?$/u;

/**
 * The `actor` our refund request put in the metadata, as `{ actor }`; anything else there (edited in the Stripe
 * dashboard, too long, not text) is dropped rather than published as who asked.
 */
export function actorOf(metadata: Stripe.Metadata | null | undefined): { actor?: string } {
  const actor: unknown = metadata?.actor;
  return typeof actor === 'string' && WELL_FORMED_ACTOR.test(actor) ? { actor } : {};
}

/** A Stripe PaymentIntent (API answer or webhook `data.object`) as the use cases see it. */
export function intentSnapshotOf(intent: Stripe.PaymentIntent): IntentSnapshot {
  const error = intent.last_payment_error;
  return {
    id: intent.id,
    // Not checked here: an unknown status makes the webhook handler re-read the intent instead of failing.
    status: intent.status as GatewayIntentStatus,
    amount: intent.amount,
    currency: intent.currency,
    clientSecret: intent.client_secret ?? null,
    metadata: metadataOf(intent.metadata),
    lastPaymentError:
      error === null || error === undefined
        ? null
        : {
            code: error.code ?? null,
            declineCode: error.decline_code ?? null,
            message: error.message ?? null,
            chargeId: idOf((error as { charge?: string | { id: string } | null }).charge) ?? idOf(intent.latest_charge),
          },
    cancellationReason: intent.cancellation_reason ?? null,
  };
}

export { idOf };
