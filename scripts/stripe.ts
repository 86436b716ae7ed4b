/**
 * `npm run stripe -- <command>`: pay, refund and dispute payments of `npm start` on its local Stripe-compatible server,
 * over HTTP with the real stripe SDK (the server is found by scripts/stripe-local.ts). One line per result; on error one
 * line on stderr and exit code 1. Run without arguments for the usage.
 */
import Stripe from 'stripe';
import { formatAmount, isTestCardName, parseIntentRef, paymentIdSearchQuery, testCards, type TestCardName } from '@billing/stripe-test-server';
import { findLocalStripe, type LocalStripe, LocalStripeNotFound } from './stripe-local';

const usage = `usage: npm run stripe -- <command>
  pay <ref> [--card visa|declined|insufficient_funds|authentication_required] [--authenticate complete|fail]
  authenticate <ref> complete|fail       complete or fail the 3-D Secure step of a payment that requires_action
  refund <ref> [amount]                  amount in minor units (400 = 4.00); full refund when omitted
  dispute <ref> [--amount n] [--reason fraudulent|product_not_received|…]
  dispute-close <dp_…|ref> won|lost      closes the dispute (for a ref: its newest open dispute)
  show <ref>                             the intent, its charges, refunds and disputes
  url <ref>                              the hosted test-checkout page, to pay in a browser
<ref> is the platform's payment id (the intent's metadata.paymentId; its newest intent), a pi_… id or a client secret.
The server: STRIPE_LOCAL_URL + STRIPE_LOCAL_API_KEY, else the run file npm start writes (.cache/run/stripe-local.json).`;

class CliError extends Error {}

/** Positionals and --name value / --name=value options; unknown options are refused. */
function parseArgs(args: string[], allowed: readonly string[]): { positionals: string[]; options: Record<string, string> } {
  const positionals: string[] = [];
  const options: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!allowed.includes(name)) throw new CliError(`unknown option --${name}${allowed.length ? ` (allowed: ${allowed.map((a) => `--${a}`).join(', ')})` : ''}`);
    const value = inline ?? args[++index];
    if (value === undefined) throw new CliError(`--${name} needs a value`);
    options[name] = value;
  }
  return { positionals, options };
}

function amountArg(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliError(`${what} must be a positive integer in minor units (400 = 4.00), not ${value}`);
  return Number(value);
}

const money = (amount: number, currency: string) => formatAmount(amount, currency);
const paymentOf = (intent: Stripe.PaymentIntent) => (intent.metadata?.paymentId ? `payment ${intent.metadata.paymentId}` : 'no payment id');

function intentLine(intent: Stripe.PaymentIntent): string {
  const error = intent.last_payment_error;
  const failure = error && intent.status === 'requires_payment_method'
    ? `  last error ${[error.code, error.decline_code].filter((v, i, all) => v && all.indexOf(v) === i).join('/')}: ${error.message}`
    : '';
  return `${intent.status}  ${intent.id}  ${paymentOf(intent)}  ${money(intent.amount, intent.currency)}${failure}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(usage);
    return command ? 0 : 1;
  }
  const local = findLocalStripe();
  const endpoint = new URL(local.url);
  const stripe = new Stripe(local.apiKey, {
    host: endpoint.hostname,
    port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
    protocol: endpoint.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 0,
  });

  async function findIntent(ref: string | undefined): Promise<Stripe.PaymentIntent> {
    if (!ref) throw new CliError(`${command}: which payment? give its payment id or pi_… id\n${usage}`);
    const parsed = parseIntentRef(ref);
    if (parsed.kind === 'payment') {
      const found = await stripe.paymentIntents.search({ query: paymentIdSearchQuery(parsed.paymentId), limit: 1 });
      if (!found.data[0]) throw new CliError(`no payment intent for payment ${parsed.paymentId} on ${local.url}: is it a payment id of this npm start (GET /v1/payments/<id> on the payment service)?`);
      return found.data[0];
    }
    const intent = await stripe.paymentIntents.retrieve(parsed.intentId).catch((error: unknown) => {
      if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) throw new CliError(`no payment intent ${parsed.intentId} on ${local.url}`);
      throw error;
    });
    if (parsed.kind === 'client_secret' && intent.client_secret !== parsed.clientSecret) throw new CliError(`wrong client secret for ${parsed.intentId}`);
    return intent;
  }

  async function authenticate(intent: Stripe.PaymentIntent, result: string): Promise<Stripe.PaymentIntent> {
    if (result !== 'complete' && result !== 'fail') throw new CliError(`authenticate: complete or fail, not ${result}`);
    return (await stripe.rawRequest('POST', `/v1/test_helpers/payment_intents/${intent.id}/authenticate`, { result })) as Stripe.PaymentIntent;
  }

  switch (command) {
    case 'pay': {
      const { positionals, options } = parseArgs(rest, ['card', 'authenticate']);
      const card = options.card ?? 'visa';
      if (!isTestCardName(card)) throw new CliError(`unknown card ${card} (${Object.keys(testCards).join(', ')})`);
      if (options.authenticate && card !== 'authentication_required') throw new CliError('--authenticate goes with --card authentication_required');
      const intent = await findIntent(positionals[0]);
      let after: Stripe.PaymentIntent;
      try {
        after = await stripe.paymentIntents.confirm(intent.id, { payment_method: testCards[card as TestCardName].paymentMethod });
      } catch (error) {
        // A decline is the card's answer, not a failure of the command (unless the card should have succeeded).
        if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
          console.log(`declined  ${intentLine(error.payment_intent)}`);
          return card === 'visa' ? 1 : 0;
        }
        throw error;
      }
      if (after.status === 'requires_action' && options.authenticate) after = await authenticate(after, options.authenticate);
      const hint = after.status === 'requires_action' ? `  → npm run stripe -- authenticate ${positionals[0]} complete|fail` : '';
      console.log(`${intentLine(after)}${hint}`);
      return 0;
    }
    case 'authenticate': {
      const { positionals } = parseArgs(rest, []);
      const intent = await findIntent(positionals[0]);
      console.log(intentLine(await authenticate(intent, positionals[1] ?? '')));
      return 0;
    }
    case 'refund': {
      const { positionals } = parseArgs(rest, []);
      const intent = await findIntent(positionals[0]);
      const amount = amountArg(positionals[1], 'the refund amount');
      const refund = await stripe.refunds.create({ payment_intent: intent.id, ...(amount ? { amount } : {}) });
      console.log(`refund ${refund.status}  ${refund.id}  ${money(refund.amount, refund.currency)} of ${money(intent.amount, intent.currency)}  ${intent.id}  ${paymentOf(intent)}`);
      return 0;
    }
    case 'dispute': {
      const { positionals, options } = parseArgs(rest, ['amount', 'reason']);
      const intent = await findIntent(positionals[0]);
      const amount = amountArg(options.amount, '--amount');
      const dispute = (await stripe.rawRequest('POST', '/v1/test_helpers/disputes', {
        payment_intent: intent.id,
        ...(amount ? { amount } : {}),
        ...(options.reason ? { reason: options.reason } : {}),
      })) as Stripe.Dispute;
      console.log(`dispute ${dispute.status}  ${dispute.id}  ${money(dispute.amount, dispute.currency)} (${dispute.reason})  ${intent.id}  ${paymentOf(intent)}`);
      return 0;
    }
    case 'dispute-close': {
      const { positionals } = parseArgs(rest, []);
      const [ref, status] = positionals;
      if (status !== 'won' && status !== 'lost') throw new CliError(`dispute-close <dp_…|ref> won|lost${status ? `, not ${status}` : ''}`);
      let disputeId = ref;
      if (!ref?.startsWith('dp_')) {
        const intent = await findIntent(ref);
        const disputes = await stripe.disputes.list({ payment_intent: intent.id, limit: 100 });
        const open = disputes.data.find((dispute) => !['won', 'lost', 'warning_closed'].includes(dispute.status));
        if (!open) throw new CliError(`no open dispute for ${intent.id} (${paymentOf(intent)})`);
        disputeId = open.id;
      }
      const dispute = (await stripe.rawRequest('POST', `/v1/test_helpers/disputes/${disputeId}/close`, { status })) as Stripe.Dispute;
      console.log(`dispute ${dispute.status}  ${dispute.id}  ${money(dispute.amount, dispute.currency)}  ${dispute.payment_intent as string}`);
      return 0;
    }
    case 'show': {
      const { positionals } = parseArgs(rest, []);
      const intent = await findIntent(positionals[0]);
      console.log(`intent ${intentLine(intent)}`);
      for (const charge of (await stripe.charges.list({ payment_intent: intent.id, limit: 100 })).data.reverse()) {
        const refunded = charge.amount_refunded ? `  refunded ${money(charge.amount_refunded, charge.currency)}` : '';
        console.log(`charge ${charge.status}  ${charge.id}  ${money(charge.amount, charge.currency)}${refunded}${charge.failure_code ? `  ${charge.failure_code}` : ''}`);
      }
      for (const refund of (await stripe.refunds.list({ payment_intent: intent.id, limit: 100 })).data.reverse()) {
        console.log(`refund ${refund.status}  ${refund.id}  ${money(refund.amount, refund.currency)}`);
      }
      for (const dispute of (await stripe.disputes.list({ payment_intent: intent.id, limit: 100 })).data.reverse()) {
        console.log(`dispute ${dispute.status}  ${dispute.id}  ${money(dispute.amount, dispute.currency)} (${dispute.reason})`);
      }
      return 0;
    }
    case 'url': {
      const { positionals } = parseArgs(rest, []);
      await findIntent(positionals[0]);
      console.log(`${local.url}/pay/${encodeURIComponent(positionals[0]!)}`);
      return 0;
    }
    default:
      throw new CliError(`unknown command ${command}\n${usage}`);
  }
}

function describe(error: unknown, local: LocalStripe | undefined): string {
  if (error instanceof CliError || error instanceof LocalStripeNotFound) return error.message;
  if (error instanceof Stripe.errors.StripeConnectionError) {
    return `cannot reach the local Stripe server${local ? ` at ${local.url} (from ${local.source})` : ''}: is npm start running?`;
  }
  if (error instanceof Stripe.errors.StripeError) return `stripe: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  return String(error instanceof Error ? error.stack : error);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  let local: LocalStripe | undefined;
  try {
    local = findLocalStripe();
  } catch {
    local = undefined;
  }
  console.error(`error: ${describe(error, local)}`);
  process.exitCode = 1;
}
