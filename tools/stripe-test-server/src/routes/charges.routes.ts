/** Charges: retrieve and list (by payment intent or customer); the payment intent lifecycle creates them. */
import { paginate } from '../listing';
import { expandPaths, onlyParams, str } from '../request-params';
import { missing, type Obj } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import type { Route } from './route';

export function requireCharge(state: StripeState, id: string, param = 'id'): Obj {
  const charge = state.charges.get(id);
  if (!charge) throw missing('charge', id, param);
  return charge;
}

export function chargeRoutes(state: StripeState): Route[] {
  return [
    [
      'GET',
      /^\/v1\/charges$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'customer', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const customer = str(params, 'customer');
        const items = [...state.charges.values()].filter(
          (charge) => (intent === undefined || charge.payment_intent === intent) && (customer === undefined || charge.customer === customer),
        );
        return paginate(items, params, '/v1/charges');
      },
    ],
    ['GET', /^\/v1\/charges\/([^/]+)$/, ({ params, match }) => state.expand(requireCharge(state, match[1]!), expandPaths(params))],
  ];
}
