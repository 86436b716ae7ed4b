import type { GatewayEvent } from './gateway-event';

export { WebhookRefusedError, type WebhookRefusalCode } from '../application.errors';

/** How far a delivery's signed timestamp may be from now, either way (Stripe's default tolerance, 5 minutes). */
export const WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS = 300;

/**
 * The gateway's webhook deliveries, seen from the use cases. verifyAndParse checks the delivery before anything is
 * read or written: the signature over the exact bytes under the endpoint's secret(s), and its timestamp within
 * WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS of now in either direction (an old one is a replay, one in the future was not signed by the gateway's
 * clock); then it maps the gateway's payload to a GatewayEvent (reading from the gateway what the payload leaves out,
 * e.g. a charge's refunds).
 *
 * Throws WebhookRefusedError (the delivery is refused: 400, nothing written), PaymentGatewayUnavailableError when the
 * gateway could not be read, anything else for a failure the gateway's redelivery may not meet again.
 */
export interface GatewayWebhooks {
  verifyAndParse(rawBody: Uint8Array, signatureHeader: string | undefined): Promise<GatewayEvent>;
}
