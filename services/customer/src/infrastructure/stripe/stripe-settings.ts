/** How to reach Stripe. host/port/protocol point the SDK elsewhere (a Stripe-compatible test server); unset = api.stripe.com. */
export interface StripeSettings {
  readonly secretKey: string;
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  /** Per request; a registration waits for Stripe at most about timeoutMs × (maxNetworkRetries + 1). */
  readonly timeoutMs: number;
  /** The SDK's own retries of network errors, 409, 429 and 5xx, reusing the idempotency key. */
  readonly maxNetworkRetries: number;
}

/** STRIPE_SECRET_KEY (required), STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL, STRIPE_TIMEOUT_MS, STRIPE_MAX_NETWORK_RETRIES. */
export function stripeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSettings {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set: the customer service creates Stripe customers');
  const protocol = env.STRIPE_API_PROTOCOL;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') throw new Error(`STRIPE_API_PROTOCOL must be http or https, got ${protocol}`);
  return {
    secretKey,
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: Number(env.STRIPE_API_PORT) } : {}),
    ...(protocol ? { protocol } : {}),
    timeoutMs: Number(env.STRIPE_TIMEOUT_MS ?? 5_000),
    maxNetworkRetries: Number(env.STRIPE_MAX_NETWORK_RETRIES ?? 1),
  };
}
