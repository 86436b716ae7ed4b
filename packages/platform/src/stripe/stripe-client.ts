import Stripe from 'stripe';

/** How to reach Stripe's API. host/port/protocol point the SDK at a Stripe-compatible server; unset = api.stripe.com:443. */
export interface StripeClientSettings {
  /** sk_test_… / sk_live_… (the local test server accepts any key). */
  secretKey: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Per request; a caller waits for Stripe at most about timeoutMs × (maxNetworkRetries + 1). Default 10 000. */
  timeoutMs?: number;
  /** The SDK's own retries of network errors, 409, 429 and 5xx, reusing the idempotency key. Default 2. */
  maxNetworkRetries?: number;
}

/** What the payment service also needs: its webhooks' signing secrets and the local server's checkout page. */
export interface StripeSettings extends StripeClientSettings {
  /**
   * whsec_… : the signing secret of the webhook endpoint (or of `stripe listen`); while the secret is rolled, the new and
   * the old separated by a comma (see webhookSecretsOf).
   */
  webhookSecret: string;
  /** STRIPE_CHECKOUT_PAGE_URL: the local Stripe-compatible server's test-checkout page (`http://…/pay/`); never set for Stripe. */
  checkoutPageUrl?: string;
}

const positiveInteger = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number ≥ 0, got ${value}`);
  return parsed;
};

/**
 * STRIPE_SECRET_KEY (required), STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL, STRIPE_TIMEOUT_MS and
 * STRIPE_MAX_NETWORK_RETRIES; `defaults` are the service's timeout and retries when the environment leaves them unset.
 */
export function stripeClientSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: Pick<StripeClientSettings, 'timeoutMs' | 'maxNetworkRetries'> = {},
): StripeClientSettings {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set (sk_test_… for Stripe test mode, any value for the local test server)');
  const protocol = env.STRIPE_API_PROTOCOL;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') throw new Error(`STRIPE_API_PROTOCOL must be http or https, got ${protocol}`);
  const timeoutMs = positiveInteger('STRIPE_TIMEOUT_MS', env.STRIPE_TIMEOUT_MS) ?? defaults.timeoutMs;
  const maxNetworkRetries = positiveInteger('STRIPE_MAX_NETWORK_RETRIES', env.STRIPE_MAX_NETWORK_RETRIES) ?? defaults.maxNetworkRetries;
  return {
    secretKey,
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: Number(env.STRIPE_API_PORT) } : {}),
    ...(protocol ? { protocol } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(maxNetworkRetries === undefined ? {} : { maxNetworkRetries }),
  };
}

/** The client settings plus STRIPE_WEBHOOK_SECRET (required) and STRIPE_CHECKOUT_PAGE_URL: the payment service's. */
export function stripeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSettings {
  const client = stripeClientSettingsFromEnv(env);
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is not set (whsec_…; `stripe listen` prints one)');
  return { ...client, webhookSecret, ...(env.STRIPE_CHECKOUT_PAGE_URL ? { checkoutPageUrl: env.STRIPE_CHECKOUT_PAGE_URL } : {}) };
}

/** The secrets a webhook signature may match: STRIPE_WEBHOOK_SECRET split on commas (docs/runbook.md, rotation). */
export const webhookSecretsOf = (settings: Pick<StripeSettings, 'webhookSecret'>): string[] =>
  settings.webhookSecret
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);

/**
 * The Stripe SDK, pointed at api.stripe.com or at a Stripe-compatible server through the SDK's own host/port/protocol
 * options (never patched). Network retries are the SDK's (it reuses the idempotency key on each retry).
 */
export function createStripeClient(settings: StripeClientSettings, appName = 'billing-platform'): Stripe {
  return new Stripe(settings.secretKey, {
    ...(settings.host === undefined ? {} : { host: settings.host }),
    ...(settings.port === undefined ? {} : { port: settings.port }),
    ...(settings.protocol === undefined ? {} : { protocol: settings.protocol }),
    maxNetworkRetries: settings.maxNetworkRetries ?? 2,
    timeout: settings.timeoutMs ?? 10_000,
    telemetry: false,
    appInfo: { name: appName },
  });
}
