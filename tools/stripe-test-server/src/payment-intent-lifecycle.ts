/**
 * What happens to a payment intent when it is confirmed, succeeds or fails, with its charge and events: shared by the
 * payment intent routes, the test helpers and the server's own knobs (succeedPaymentIntent, …).
 */
import type { ConfirmOutcome, PaymentFailure } from './api-types';
import { clone, invalid, newId, now, type Obj, StripeApiError } from './stripe-objects';
import type { StripeState } from './stripe-state';

const testPaymentMethodOutcomes: Record<string, ConfirmOutcome | 'authentication'> = {
  pm_card_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_visa_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { status: 'declined', code: 'card_declined', declineCode: 'insufficient_funds' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { status: 'declined', code: 'card_declined', declineCode: 'insufficient_funds' },
  pm_card_chargeDeclinedExpiredCard: { status: 'declined', code: 'expired_card', declineCode: 'expired_card' },
  pm_card_authenticationRequired: 'authentication',
  pm_card_threeDSecure2Required: 'authentication',
  pm_test_processing: { status: 'processing' },
};

const declineMessages: Record<string, string> = {
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  authentication_required: 'Your card was declined. This transaction requires authentication.',
};

/** The outcome of a confirmation, first match wins: a queued one, the sticky one, then the test payment method's. */
export function confirmOutcomeFor(state: StripeState, intent: Obj, offSession: boolean): ConfirmOutcome {
  const queued = state.confirmQueue.shift();
  if (queued) return queued;
  if (state.stickyOutcome) return state.stickyOutcome;
  const byMethod = testPaymentMethodOutcomes[String(intent.payment_method)];
  if (byMethod === 'authentication') {
    return offSession
      ? { status: 'declined', code: 'authentication_required', declineCode: 'authentication_required' }
      : { status: 'requires_action' };
  }
  return byMethod ?? { status: 'succeeded' };
}

export function newCharge(state: StripeState, intent: Obj, status: 'succeeded' | 'failed' | 'pending', failure?: Obj): Obj {
  const charge: Obj = {
    id: newId('ch'),
    object: 'charge',
    amount: intent.amount,
    amount_captured: status === 'succeeded' && intent.capture_method !== 'manual' ? intent.amount : 0,
    amount_refunded: 0,
    captured: status === 'succeeded' && intent.capture_method !== 'manual',
    created: now(),
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    livemode: false,
    metadata: clone(intent.metadata),
    outcome: {
      network_status: status === 'failed' ? 'declined_by_network' : 'approved_by_network',
      reason: failure?.decline_code ?? null,
      type: status === 'failed' ? 'issuer_declined' : 'authorized',
    },
    paid: status === 'succeeded',
    payment_intent: intent.id,
    payment_method: intent.payment_method,
    refunded: false,
    status,
  };
  state.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  return charge;
}

export function succeed(state: StripeState, intent: Obj): void {
  const charge =
    intent.status === 'processing' && intent.latest_charge && state.charges.get(intent.latest_charge)?.status === 'pending'
      ? state.charges.get(intent.latest_charge)!
      : newCharge(state, intent, 'succeeded');
  if (charge.status === 'pending') {
    charge.status = 'succeeded';
    charge.paid = true;
    charge.captured = intent.capture_method !== 'manual';
    charge.amount_captured = charge.captured ? charge.amount : 0;
  }
  intent.last_payment_error = null;
  intent.next_action = null;
  if (intent.capture_method === 'manual') {
    intent.status = 'requires_capture';
    intent.amount_capturable = intent.amount;
    state.emit('charge.succeeded', charge);
    state.emit('payment_intent.amount_capturable_updated', intent);
  } else {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    state.emit('charge.succeeded', charge);
    state.emit('payment_intent.succeeded', intent);
  }
}

export function fail(state: StripeState, intent: Obj, failure: PaymentFailure): Obj {
  const code = failure.code ?? 'card_declined';
  const declineCode = failure.declineCode ?? (code === 'card_declined' ? 'generic_decline' : code);
  const message = failure.message ?? declineMessages[declineCode] ?? 'Your card was declined.';
  const error: Obj = {
    type: 'card_error',
    code,
    decline_code: declineCode,
    message,
    doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`,
    payment_method: intent.payment_method ? { id: intent.payment_method, object: 'payment_method', type: 'card' } : null,
  };
  const pending = intent.latest_charge ? state.charges.get(intent.latest_charge) : undefined;
  const charge = pending?.status === 'pending' ? pending : newCharge(state, intent, 'failed', { code, message, decline_code: declineCode });
  charge.status = 'failed';
  charge.paid = false;
  charge.failure_code = code;
  charge.failure_message = message;
  error.charge = charge.id;
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.last_payment_error = error;
  state.emit('charge.failed', charge);
  state.emit('payment_intent.payment_failed', intent);
  return error;
}

export function confirm(state: StripeState, intent: Obj, offSession: boolean): Obj {
  if (!intent.payment_method) {
    throw invalid(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with " +
        `${intent.customer ?? 'a customer'}, specify a payment method attached to this customer along with the customer ID.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  const outcome = confirmOutcomeFor(state, intent, offSession);
  switch (outcome.status) {
    case 'succeeded':
      succeed(state, intent);
      return intent;
    case 'processing':
      intent.status = 'processing';
      newCharge(state, intent, 'pending');
      state.emit('payment_intent.processing', intent);
      return intent;
    case 'requires_action':
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      state.emit('payment_intent.requires_action', intent);
      return intent;
    case 'declined': {
      const error = fail(state, intent, outcome);
      throw new StripeApiError(402, { ...clone(error), payment_intent: clone(intent) });
    }
  }
}
