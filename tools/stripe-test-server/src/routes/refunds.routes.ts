/** Refunds: create (by payment intent or charge; succeeded at once, or pending with setRefundStatus), retrieve, list,
 * and a charge's refund list. */
import { paginate } from '../listing';
import { expandPaths, int, metadataOf, onlyParams, str } from '../request-params';
import { invalid, missing, newId, now, type Obj } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import { requireCharge } from './charges.routes';
import type { Route } from './route';

export function refundRoutes(state: StripeState): Route[] {
  return [
    [
      'POST',
      /^\/v1\/refunds$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'instructions_email']);
        const intentId = str(params, 'payment_intent');
        const chargeId = str(params, 'charge');
        if (!intentId && !chargeId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.');
        let charge: Obj;
        if (intentId) {
          const intent = state.paymentIntents.get(intentId);
          if (!intent) throw missing('payment_intent', intentId, 'payment_intent');
          if (intent.status !== 'succeeded' || !intent.latest_charge) {
            throw invalid(
              `This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
              'payment_intent',
              'charge_not_refundable',
            );
          }
          charge = requireCharge(state, intent.latest_charge, 'payment_intent');
        } else {
          charge = requireCharge(state, chargeId!, 'charge');
        }
        if (charge.status !== 'succeeded' || !charge.captured) throw invalid(`Charge ${charge.id} cannot be refunded.`, 'charge', 'charge_not_refundable');
        const remaining = charge.amount - charge.amount_refunded;
        if (remaining <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
        const amount = int(params, 'amount') ?? remaining;
        if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount');
        if (amount > remaining) {
          throw invalid(
            `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
            'amount',
            'amount_too_large',
          );
        }
        const reason = str(params, 'reason') ?? null;
        if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'reason');
        const refund: Obj = {
          id: newId('re'),
          object: 'refund',
          amount,
          charge: charge.id,
          created: now(),
          currency: charge.currency,
          metadata: metadataOf(params),
          payment_intent: charge.payment_intent,
          reason,
          status: state.refundStatus,
        };
        state.refunds.set(refund.id, refund);
        charge.amount_refunded += amount;
        charge.refunded = charge.amount_refunded === charge.amount;
        state.emit('refund.created', refund);
        state.emit('charge.refunded', charge);
        return state.expand(refund, expandPaths(params));
      },
    ],
    [
      'GET',
      /^\/v1\/refunds$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const charge = str(params, 'charge');
        const items = [...state.refunds.values()].filter(
          (refund) => (intent === undefined || refund.payment_intent === intent) && (charge === undefined || refund.charge === charge),
        );
        return paginate(items, params, '/v1/refunds');
      },
    ],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, ({ params, match }) => {
      const refund = state.refunds.get(match[1]!);
      if (!refund) throw missing('refund', match[1]!);
      return state.expand(refund, expandPaths(params));
    }],
    ['GET', /^\/v1\/charges\/([^/]+)\/refunds$/, ({ match }) => state.refundList(requireCharge(state, match[1]!).id)],
  ];
}
