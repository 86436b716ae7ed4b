/**
 * Where the local Stripe-compatible server of `npm start` is, for tools outside that process (scripts/stripe.ts):
 * the environment (`STRIPE_LOCAL_URL` + `STRIPE_LOCAL_API_KEY`) wins, else the run file `npm start` writes,
 * `<INFRA_CACHE_DIR or .cache>/run/stripe-local.json` = `{"url": "http://127.0.0.1:<port>", "apiKey": "sk_test_…"}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, runDir } from '../infra/paths';

export interface LocalStripe {
  readonly url: string;
  readonly apiKey: string;
  /** Where it came from, for error messages. */
  readonly source: string;
}

/** The run file `npm start` writes while its local Stripe server runs (and removes when it stops). */
export const stripeLocalRunFile = join(runDir, 'stripe-local.json');

/** Where `npm start` keeps the local Stripe server's state between runs (its `stateFile` option). */
export const stripeLocalStateFile = join(cacheDir, 'stripe-local', 'state.json');

export class LocalStripeNotFound extends Error {}

export function findLocalStripe(env: NodeJS.ProcessEnv = process.env, runFile: string = stripeLocalRunFile): LocalStripe {
  if (env.STRIPE_LOCAL_URL || env.STRIPE_LOCAL_API_KEY) {
    if (!env.STRIPE_LOCAL_URL || !env.STRIPE_LOCAL_API_KEY) {
      throw new LocalStripeNotFound('set both STRIPE_LOCAL_URL and STRIPE_LOCAL_API_KEY, or neither (then the run file of npm start is read)');
    }
    return { url: env.STRIPE_LOCAL_URL, apiKey: env.STRIPE_LOCAL_API_KEY, source: 'STRIPE_LOCAL_URL' };
  }
  if (!existsSync(runFile)) {
    throw new LocalStripeNotFound(
      `no local Stripe server: ${runFile} does not exist — is npm start running (without STRIPE_SECRET_KEY)? Or set STRIPE_LOCAL_URL and STRIPE_LOCAL_API_KEY`,
    );
  }
  let run: Partial<LocalStripe>;
  try {
    run = JSON.parse(readFileSync(runFile, 'utf8')) as Partial<LocalStripe>;
  } catch (error) {
    throw new LocalStripeNotFound(`${runFile} is not JSON (${String(error)})`);
  }
  if (typeof run.url !== 'string' || typeof run.apiKey !== 'string') {
    throw new LocalStripeNotFound(`${runFile} should be {"url": "http://127.0.0.1:<port>", "apiKey": "…"}`);
  }
  return { url: run.url, apiKey: run.apiKey, source: runFile };
}
