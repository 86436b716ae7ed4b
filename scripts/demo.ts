/**
 * `npm run demo`: against a running `npm start`, walks the platform's main job through its public interfaces only and
 * prints each step as a person would read it: a customer, a plan, a subscription paid on the local test checkout,
 * credits granted, a reservation over gRPC and its capture, the balance and the ledger; then a top-up pack bought, and
 * a refund of part of it with its share of the credits taken back. Exits 1 naming the first step that does not reach the state it should.
 * Needs the local Stripe-compatible server (npm start without STRIPE_SECRET_KEY): nobody can pay Stripe from a script.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadProto } from '@billing/platform';
import { platformRunFile } from './run-files';
import { findLocalStripe } from './stripe-local';

class StepFailed extends Error {}

interface PlatformRun {
  token: string;
  services: Record<'customer' | 'credit' | 'subscription' | 'payment', { http: string; grpc?: number }>;
}

function readRunFile<T>(file: string, what: string): T {
  if (!existsSync(file)) throw new StepFailed(`${what}: ${file} is missing — is \`npm start\` running (and ready) in this checkout?`);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const run = readRunFile<PlatformRun>(platformRunFile, 'find the platform');

const runId = randomUUID().slice(0, 8);
let stepNumber = 0;
let current = '';

function step(title: string): void {
  stepNumber += 1;
  current = `${stepNumber}. ${title}`;
  console.log(`\n${current}`);
}
const say = (line: string) => console.log(`   ${line}`);
/** Amounts are integer minor units; every currency the demo uses has two decimals. */
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function rest(service: keyof PlatformRun['services'], method: string, path: string, body?: unknown, expected = method === 'GET' ? 200 : 201): Promise<Json> {
  const response = await fetch(`${run.services[service].http}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${run.token}`,
      ...(method === 'GET' ? {} : { 'idempotency-key': `demo-${runId}-${method}-${path}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new StepFailed(`${method} ${path} answered ${response.status}, expected ${expected}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Polls until `done` holds (events travel through Kafka between services: a second or two). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new StepFailed(`${what} within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** What a person does on the test-checkout page: open it, press the button of the test card that succeeds. */
async function payOnCheckoutPage(checkoutUrl: string): Promise<void> {
  const page = await fetch(checkoutUrl);
  if (page.status !== 200) throw new StepFailed(`the checkout page ${checkoutUrl} answered ${page.status}`);
  if (!(await page.text()).includes('value="pay:visa"')) throw new StepFailed(`the checkout page ${checkoutUrl} offers no button for the test card that succeeds`);
  const pressed = await fetch(checkoutUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'pay:visa' }).toString(),
    redirect: 'manual',
  });
  if (pressed.status >= 400) throw new StepFailed(`paying on ${checkoutUrl} answered ${pressed.status}: ${await pressed.text()}`);
}

function creditGrpc() {
  const proto = loadProto('billing/credit/v1/credit.proto') as Json;
  const client = new proto.billing.credit.v1.CreditService(`127.0.0.1:${run.services.credit.grpc}`, grpc.credentials.createInsecure());
  const call = (method: string, request: object): Promise<Json> =>
    new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${run.token}`);
      client[method](request, metadata, { deadline: Date.now() + 10_000 }, (error: grpc.ServiceError | null, response: Json) =>
        error ? reject(new StepFailed(`gRPC ${method}: ${error.message}`)) : resolve(response),
      );
    });
  return { call, close: () => client.close() };
}

async function main(): Promise<void> {
  let stripe: { url: string; apiKey: string };
  try {
    stripe = findLocalStripe();
  } catch (error) {
    throw new StepFailed(`find the local Stripe server (the demo pays on its test checkout; npm start runs it unless STRIPE_SECRET_KEY is set): ${(error as Error).message}`);
  }
  const credit = creditGrpc();
  try {
    step('Register a customer (customer service, REST)');
    const registered = await rest('customer', 'POST', '/v1/customers', { externalAccountId: `demo-${runId}`, email: `ada-${runId}@example.com`, name: 'Ada Lovelace', defaultCurrency: 'EUR' });
    const customerId: string = registered.customer.id;
    say(`customer ${customerId}, linked to Stripe customer ${registered.customer.gatewayLinks[0]?.gatewayCustomerId ?? '(pending)'}`);
    if (registered.gatewayLink !== 'linked') throw new StepFailed(`the customer is not linked to the payment gateway: ${registered.gatewayLink}`);

    step('Create a plan: 29.00 EUR a month for 1,000 credits (subscription service)');
    const planCode = `demo-${runId}`;
    await rest('subscription', 'POST', '/v1/plans', { code: planCode, name: 'Demo monthly', price: { amount: 2_900, currency: 'EUR' }, interval: 'month', creditsPerPeriod: 1_000 });
    say(`plan ${planCode}`);

    step('Subscribe the customer to it');
    const subscription = await until(
      'the subscription service to know the customer (CustomerRegistered over Kafka)',
      () => fetchSubscribe(customerId, planCode),
      (answer) => answer !== null,
    );
    say(`subscription ${subscription.id}: ${subscription.status} until the first period is paid`);
    if (subscription.status !== 'incomplete') throw new StepFailed(`a new subscription should be incomplete, is ${subscription.status}`);

    step('Pay the first period on the test checkout page');
    const payment = await until(
      'the payment service to open the PaymentIntent (SubscriptionCreated over Kafka)',
      async () => (await rest('payment', 'GET', `/v1/payments?subscriptionId=${subscription.id}&periodIndex=1`)).data[0],
      (found: Json) => Boolean(found?.checkoutUrl),
    );
    say(`payment ${payment.paymentId}: ${money(payment.amount, payment.currency)}, ${payment.status}; checkout ${payment.checkoutUrl}`);
    await payOnCheckoutPage(payment.checkoutUrl);
    const paid = await until('the payment to succeed (signed webhook from the local Stripe server)', () => rest('payment', 'GET', `/v1/payments/${payment.paymentId}`), (found: Json) => found.status === 'succeeded');
    say(`payment ${paid.status}`);

    step('The subscription is active');
    const active = await until('the subscription to be active', () => rest('subscription', 'GET', `/v1/subscriptions/${subscription.id}`), (found: Json) => found.status === 'active');
    say(`${active.status}, period ${active.currentPeriod.index}: ${active.currentPeriod.start} → ${active.currentPeriod.end}`);

    step('Its credits are granted (credit service, gRPC GetBalance)');
    const granted = await until('1,000 credits to be granted', () => credit.call('GetBalance', { customerId }), (balance: Json) => balance.balance === 1_000);
    say(`balance ${granted.balance}, available ${granted.available}, expiring with the period`);

    step('A product service reserves 300 credits for a job (gRPC Reserve)');
    const reservation = await credit.call('Reserve', { customerId, amount: 300, ttlSeconds: 600, idempotencyKey: `demo-${runId}-reserve` });
    say(`reservation ${reservation.reservationId}: ${reservation.status}`);
    const held = await credit.call('GetBalance', { customerId });
    if (held.available !== 700 || held.held !== 300) throw new StepFailed(`after the hold: available ${held.available}, held ${held.held}; expected 700 and 300`);
    say(`available ${held.available}, held ${held.held}`);

    step('The job used 120: capture 120, the other 180 go back (gRPC Capture)');
    const captured = await credit.call('Capture', { reservationId: reservation.reservationId, amount: 120, idempotencyKey: `demo-${runId}-capture` });
    say(`captured ${captured.captured}, released ${captured.released}`);

    step('Balance and ledger (credit service, REST)');
    const balance = await rest('credit', 'GET', `/v1/accounts/${customerId}/balance`);
    if (balance.balance !== 880) throw new StepFailed(`balance ${balance.balance}, expected 880`);
    say(`balance ${balance.balance}, available ${balance.available}, held ${balance.held}`);
    for (const entry of await ledgerEntries(customerId)) say(`ledger  ${String(entry.type).padEnd(8)} ${String(entry.balanceDelta).padStart(6)}  ${entry.sequence}`);

    step('Put a top-up pack on sale: 500 credits for 10.00 EUR (payment service; prices belong to the platform)');
    const packCode = `demo-${runId}`;
    await rest('payment', 'POST', '/v1/top-up-packs', { code: packCode, credits: 500, prices: [{ amount: 1_000, currency: 'EUR' }] });
    say(`pack ${packCode}`);

    step('The customer buys the pack, paid on the test checkout');
    const topUp = await rest('payment', 'POST', '/v1/top-ups', { customerId, packCode, currency: 'EUR' });
    say(`payment ${topUp.paymentId}: ${money(topUp.amount, topUp.currency)} for ${topUp.quote.credits} credits; checkout ${topUp.checkoutUrl}`);
    await payOnCheckoutPage(topUp.checkoutUrl);
    const toppedUp = await until('the top-up credits to be granted', () => credit.call('GetBalance', { customerId }), (found: Json) => found.balance === 1_380);
    say(`balance ${toppedUp.balance}`);

    step('Refund 4.00 EUR of the 10.00 (as in the Stripe dashboard): 40 % of the pack\'s credits are taken back');
    await refundOnStripe(stripe, topUp.gatewayPaymentIntentId, 400);
    const refunded = await until('the payment to show the refund', () => rest('payment', 'GET', `/v1/payments/${topUp.paymentId}`), (found: Json) => found.totalRefunded === 400);
    say(`payment refunded ${money(refunded.totalRefunded, refunded.currency)}`);
    const clawedBack = await until('200 credits (40 % of 500) to be revoked', () => credit.call('GetBalance', { customerId }), (found: Json) => found.balance === 1_180);
    say(`balance ${clawedBack.balance} (${1_380 - clawedBack.balance} credits revoked)`);

    console.log(`\ndemo complete: customer ${customerId}`);
  } finally {
    credit.close();
  }
}

async function fetchSubscribe(customerId: string, planCode: string): Promise<Json | null> {
  const response = await fetch(`${run.services.subscription.http}/v1/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${run.token}`, 'idempotency-key': `demo-${runId}-subscribe`, 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, planCode }),
  });
  if (response.status === 404) return null;
  if (response.status !== 201) throw new StepFailed(`POST /v1/subscriptions answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function ledgerEntries(customerId: string): Promise<Json[]> {
  const page = await rest('credit', 'GET', `/v1/accounts/${customerId}/ledger`);
  return page.entries ?? page.data ?? [];
}

/** A refund made at Stripe (dashboard, support tool): the platform hears of it through the signed webhook. */
async function refundOnStripe(stripe: { url: string; apiKey: string }, paymentIntentId: string, amount: number): Promise<void> {
  const response = await fetch(`${stripe.url}/v1/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stripe.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ payment_intent: paymentIntentId, amount: String(amount) }).toString(),
  });
  if (!response.ok) throw new StepFailed(`the local Stripe server refused the refund: ${response.status} ${await response.text()}`);
}

try {
  await main();
} catch (error) {
  console.error(`\ndemo failed at step ${current || '(start)'}: ${error instanceof StepFailed ? error.message : String((error as Error).stack ?? error)}`);
  process.exit(1);
}
