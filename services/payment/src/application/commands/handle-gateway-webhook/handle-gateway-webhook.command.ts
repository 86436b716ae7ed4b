import type { GatewayEvent } from './gateway-event';

export type { GatewayEvent } from './gateway-event';

/** POST /v1/webhooks/stripe, after the signature is verified and the payload normalised. */
export interface HandleGatewayWebhook {
  readonly event: GatewayEvent;
}
