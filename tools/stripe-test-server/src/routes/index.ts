import type { StripeState } from '../stripe-state';
import { chargeRoutes } from './charges.routes';
import { customerRoutes } from './customers.routes';
import { disputeRoutes } from './disputes.routes';
import { eventRoutes } from './events.routes';
import { paymentIntentRoutes } from './payment-intents.routes';
import { refundRoutes } from './refunds.routes';
import type { Route } from './route';

export type { Handler, RequestContext, Route } from './route';

/** The API's routes, by resource; the first that matches a request answers it. */
export function apiRoutes(state: StripeState): Route[] {
  return [
    ...customerRoutes(state),
    ...paymentIntentRoutes(state),
    ...chargeRoutes(state),
    ...refundRoutes(state),
    ...disputeRoutes(state),
    ...eventRoutes(state),
  ];
}
