import Stripe from 'stripe';
import type { StripeSettings } from './stripe-settings';

/** The Stripe SDK, pointed through its own host/port/protocol options (never patched) at Stripe or a compatible server. */
export function createStripeClient(settings: StripeSettings): Stripe {
  return new Stripe(settings.secretKey, {
    ...(settings.host === undefined ? {} : { host: settings.host }),
    ...(settings.port === undefined ? {} : { port: settings.port }),
    ...(settings.protocol === undefined ? {} : { protocol: settings.protocol }),
    timeout: settings.timeoutMs,
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'billing-customer-service' },
  });
}
