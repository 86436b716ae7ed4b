/** How to reach Stripe (or a Stripe-compatible test server) and check its webhooks. */
export interface StripeSettings {
  /** sk_test_… / sk_live_… (the local test server accepts any key). */
  secretKey: string;
  /**
   * whsec_… : the signing secret of the webhook endpoint (or of `stripe listen`); while the secret is rolled, the new and
   * the old separated by a comma (see webhookSecretsOf).
   */
  webhookSecret: string;
  /** API host, port and protocol; unset = api.stripe.com:443 over https. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** STRIPE_CHECKOUT_PAGE_URL: the local Stripe-compatible server's test-checkout page (`http://…/pay/`); never set for Stripe. */
  checkoutPageUrl?: string;
}

/** STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_HOST, STRIPE_API_PORT, STRIPE_API_PROTOCOL, STRIPE_CHECKOUT_PAGE_URL. */
export function stripeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StripeSettings {
  const secretKey = env.STRIPE_SECRET_KEY;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is not set (sk_test_… for Stripe test mode, any value for the local test server)');
  if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is not set (whsec_…; `stripe listen` prints one)');
  const protocol = env.STRIPE_API_PROTOCOL;
  if (protocol !== undefined && protocol !== 'http' && protocol !== 'https') throw new Error(`STRIPE_API_PROTOCOL must be http or https, got ${protocol}`);
  return {
    secretKey,
    webhookSecret,
    ...(env.STRIPE_API_HOST ? { host: env.STRIPE_API_HOST } : {}),
    ...(env.STRIPE_API_PORT ? { port: Number(env.STRIPE_API_PORT) } : {}),
    ...(protocol ? { protocol } : {}),
    ...(env.STRIPE_CHECKOUT_PAGE_URL ? { checkoutPageUrl: env.STRIPE_CHECKOUT_PAGE_URL } : {}),
  };
}

/** The secrets a webhook signature may match: STRIPE_WEBHOOK_SECRET split on commas (docs/runbook.md, rotation). */
export const webhookSecretsOf = (settings: Pick<StripeSettings, 'webhookSecret'>): string[] =>
  settings.webhookSecret
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
