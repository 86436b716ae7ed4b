/** Disputes: retrieve and list, and the test server's own helpers that open and close one (Stripe opens them through
 * pm_card_createDispute). */
import { paginate } from '../listing';
import { expandPaths, int, onlyParams, str } from '../request-params';
import { clone, invalid, missing, newId, now, type Obj } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import { requireCharge } from './charges.routes';
import { requireIntent } from './payment-intents.routes';
import type { Route } from './route';

export const closedDisputeStatuses = ['won', 'lost', 'warning_closed'];
const disputeReasons = [
  'bank_cannot_process', 'check_returned', 'credit_not_processed', 'customer_initiated', 'debit_not_authorized', 'duplicate',
  'fraudulent', 'general', 'incorrect_account_details', 'insufficient_funds', 'product_not_received', 'product_unacceptable',
  'subscription_canceled', 'unrecognized',
];

/** Opens a dispute on a succeeded charge (the caller checked it): charge.dispute.created. */
export function openDispute(state: StripeState, charge: Obj, options: { amount?: number; reason?: string; status?: string }): Obj {
  const dispute: Obj = {
    id: newId('dp'),
    object: 'dispute',
    amount: options.amount ?? charge.amount,
    charge: charge.id,
    created: now(),
    currency: charge.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    reason: options.reason ?? 'fraudulent',
    status: options.status ?? 'needs_response',
  };
  state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  state.emit('charge.dispute.created', dispute);
  return dispute;
}

/** charge.dispute.updated, and charge.dispute.closed for a final status. */
export function setDisputeStatus(state: StripeState, dispute: Obj, status: string): Obj {
  const previous = dispute.status;
  dispute.status = status;
  state.emit('charge.dispute.updated', dispute, { status: previous });
  if (closedDisputeStatuses.includes(status)) state.emit('charge.dispute.closed', dispute);
  return dispute;
}

export function disputeRoutes(state: StripeState): Route[] {
  return [
    [
      'GET',
      /^\/v1\/disputes$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const charge = str(params, 'charge');
        const items = [...state.disputes.values()].filter(
          (dispute) => (intent === undefined || dispute.payment_intent === intent) && (charge === undefined || dispute.charge === charge),
        );
        return paginate(items, params, '/v1/disputes');
      },
    ],
    [
      // The test server's own: what createDispute() does, over HTTP (Stripe opens disputes through pm_card_createDispute).
      'POST',
      /^\/v1\/test_helpers\/disputes$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'amount', 'reason']);
        const intentId = str(params, 'payment_intent');
        const chargeId = str(params, 'charge');
        if (!intentId === !chargeId) throw invalid('Exactly one of the following params should be provided for this request: payment_intent or charge.');
        const charge = intentId ? state.charges.get(requireIntent(state, intentId).latest_charge ?? '') : requireCharge(state, chargeId!, 'charge');
        if (!charge || charge.status !== 'succeeded') {
          throw invalid(`${intentId ?? chargeId} has no succeeded charge to dispute.`, intentId ? 'payment_intent' : 'charge', 'charge_not_disputable');
        }
        const amount = int(params, 'amount');
        if (amount !== undefined && (amount < 1 || amount > charge.amount)) {
          throw invalid(`Dispute amount must be between 1 and the charge's amount (${charge.amount}).`, 'amount', 'amount_too_large');
        }
        const reason = str(params, 'reason');
        if (reason !== undefined && !disputeReasons.includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'reason');
        return clone(openDispute(state, charge, { ...(amount !== undefined ? { amount } : {}), ...(reason ? { reason } : {}) }));
      },
    ],
    [
      'POST',
      /^\/v1\/test_helpers\/disputes\/([^/]+)\/close$/,
      ({ params, match }) => {
        onlyParams(params, ['status']);
        const dispute = state.disputes.get(match[1]!);
        if (!dispute) throw missing('dispute', match[1]!);
        const status = str(params, 'status');
        if (status !== 'won' && status !== 'lost') throw invalid(`Invalid status: ${String(status)} (won or lost)`, 'status');
        if (closedDisputeStatuses.includes(dispute.status)) {
          throw invalid(`This dispute is already closed (${dispute.status}).`, undefined, 'dispute_already_closed');
        }
        return clone(setDisputeStatus(state, dispute, status));
      },
    ],
    ['GET', /^\/v1\/disputes\/([^/]+)$/, ({ params, match }) => {
      const dispute = state.disputes.get(match[1]!);
      if (!dispute) throw missing('dispute', match[1]!);
      return state.expand(dispute, expandPaths(params));
    }],
  ];
}
