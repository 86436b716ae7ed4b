/** Events: retrieve and list (by type); every change records them (StripeState.emit). */
import { paginate } from '../listing';
import { onlyParams, str } from '../request-params';
import { clone, missing } from '../stripe-objects';
import type { StripeState } from '../stripe-state';
import type { Route } from './route';

export function eventRoutes(state: StripeState): Route[] {
  return [
    [
      'GET',
      /^\/v1\/events$/,
      ({ params }) => {
        onlyParams(params, ['type', 'types', 'limit', 'starting_after', 'ending_before', 'created', 'delivery_success']);
        const type = str(params, 'type');
        const items = [...state.events.values()].filter((event) => type === undefined || event.type === type);
        return paginate(items, params, '/v1/events');
      },
    ],
    ['GET', /^\/v1\/events\/([^/]+)$/, ({ match }) => {
      const event = state.events.get(match[1]!);
      if (!event) throw missing('event', match[1]!);
      return clone(event);
    }],
  ];
}
