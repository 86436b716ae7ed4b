import Stripe from 'stripe';
import type { StripeSettings } from './stripe-settings';

/**
 * The Stripe SDK, pointed at api.stripe.com or at a Stripe-compatible server through the SDK's own host/port/protocol
 * options. Network retries are the SDK's (it reuses the idempotency key on each retry).
 */
export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    ...(settings.host === undefined ? {} : { host: settings.host }),
    ...(settings.port === undefined ? {} : { port: settings.port }),
    ...(settings.protocol === undefined ? {} : { protocol: settings.protocol }),
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: 'billing-payment-service' },
  });
}
