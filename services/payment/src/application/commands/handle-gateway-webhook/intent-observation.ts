import { type GatewayIntentStatus, type IntentObservation, observationOf } from '../../../domain/gateway-intent-status';
import type { Payment } from '../../../domain/payment.aggregate';
import { isForwardMove, isTerminal, STATUS_RANK } from '../../../domain/payment-status';
import type { IntentSnapshot } from '../../ports/payment-gateway.port';
import type { IntentGatewayEvent } from '../../ports/gateway-event';

/** The intent status an event type is sent for; a payload that disagrees is ambiguous. */
const EXPECTED_STATUS_BY_TYPE: Readonly<Partial<Record<string, GatewayIntentStatus>>> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.payment_failed': 'requires_payment_method',
  'payment_intent.canceled': 'canceled',
  'payment_intent.processing': 'processing',
  'payment_intent.requires_action': 'requires_action',
  'payment_intent.amount_capturable_updated': 'requires_capture',
};

export type RefetchReason = 'stale' | 'same_second' | 'type_status_mismatch' | 'unknown_status' | 'terms_mismatch';

export type EventAssessment =
  | { readonly action: 'apply'; readonly observation: IntentObservation; readonly newAttempt: boolean }
  | { readonly action: 'skip' }
  | { readonly action: 'refetch'; readonly reason: RefetchReason };

export function hasSameTerms(payment: Payment, intent: IntentSnapshot): boolean {
  return intent.amount === payment.amount && typeof intent.currency === 'string' && intent.currency.toUpperCase() === payment.currency;
}

/**
 * Whether a webhook's own snapshot may be applied, or the intent must be re-read from the gateway first.
 *
 * - Ambiguous payloads are re-read: amount/currency not the payment's, a status we cannot map, or a status that
 *   contradicts the event type.
 * - An observation that could not change the payment (rank ≤ held, and not a new attempt) is skipped: applying it
 *   would be a no-op, so its age does not matter.
 * - Otherwise it is applied when the event is strictly newer (in whole seconds, Stripe's resolution) than the state
 *   held, or when it is terminal (succeeded/canceled never change again at the gateway, so order cannot matter);
 *   an older or same-second event that would change a non-terminal state is re-read instead, because another
 *   attempt on the intent may have happened since.
 */
export function assessIntentEvent(payment: Payment, event: IntentGatewayEvent): EventAssessment {
  const intent = event.intent;
  if (!hasSameTerms(payment, intent)) return { action: 'refetch', reason: 'terms_mismatch' };
  let observation: IntentObservation;
  try {
    observation = observationOf(intent, { offSession: payment.offSession });
  } catch {
    return { action: 'refetch', reason: 'unknown_status' };
  }
  const expected = EXPECTED_STATUS_BY_TYPE[event.type];
  const failedWithoutError = event.type === 'payment_intent.payment_failed' && !intent.lastPaymentError;
  if ((expected !== undefined && expected !== intent.status) || failedWithoutError) return { action: 'refetch', reason: 'type_status_mismatch' };

  const retryCandidate = payment.canRetry && (STATUS_RANK[observation.status] < STATUS_RANK.failed || observation.status === 'failed');
  const forward = isForwardMove(payment.status, observation.status);
  if (!forward && !retryCandidate) return { action: 'skip' };

  const heldSecond = Math.floor(payment.statusObservedAt.getTime() / 1_000);
  if (event.created > heldSecond) return { action: 'apply', observation, newAttempt: retryCandidate && isNewAttempt(payment, observation, false) };
  if (forward && isTerminal(observation.status)) return { action: 'apply', observation, newAttempt: false };
  return { action: 'refetch', reason: event.created < heldSecond ? 'stale' : 'same_second' };
}

/** A snapshot just read from the gateway is the current truth: apply it, starting a new attempt if it shows one. */
export function assessCurrentIntent(payment: Payment, intent: IntentSnapshot): { observation: IntentObservation; newAttempt: boolean } {
  const observation = observationOf(intent, { offSession: payment.offSession });
  return { observation, newAttempt: isNewAttempt(payment, observation, true) };
}

/**
 * A failed on-session intent shows a new attempt when it is no longer failed (the customer confirmed again), or
 * failed with another charge. Without charge ids, a strictly newer payment_failed event (a distinct event id, the
 * inbox already dropped redeliveries) is a new failure; a re-read cannot tell, so it is taken as the same one.
 */
function isNewAttempt(payment: Payment, observation: IntentObservation, current: boolean): boolean {
  if (!payment.canRetry) return false;
  if (STATUS_RANK[observation.status] < STATUS_RANK.failed) return true;
  if (observation.status !== 'failed') return false;
  const held = payment.failure?.chargeId ?? null;
  const seen = observation.failure?.chargeId ?? null;
  if (held !== null && seen !== null) return held !== seen;
  return !current;
}

/** Applies an observation (after retry() when it is a new attempt); true when anything changed. */
export function applyObservation(payment: Payment, assessed: { observation: IntentObservation; newAttempt: boolean }, observedAt: Date): boolean {
  if (assessed.newAttempt) payment.retry({ observedAt });
  const { observation } = assessed;
  const moved = payment.observeIntentStatus(observation.status, {
    observedAt,
    failure: observation.failure,
    cancellationReason: observation.cancellationReason,
  });
  return moved || assessed.newAttempt;
}
