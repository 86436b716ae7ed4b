/**
 * What N customers do during the run, each on its own seeded random stream: register, subscribe to the daily plan,
 * pay period 1 in the "browser" (Stripe SDK confirm; the payment service hears of it only through the webhook storm),
 * maybe buy a top-up, then use credits (Reserve → Capture / Release / let expire) until the load ends, and cancel at
 * period end. Renewals are charged off-session by the services themselves. Every call persists through the faults
 * with one idempotency key; what the services acknowledged is recorded for the audit.
 */
import type Stripe from 'stripe';
import type { CreditGrpc } from '../support/clients';
import type { Platform } from '../support/platform';
import { GaveUpError, type OperationLog, persistentGrpc, persistentRest } from './persist';
import type { Random } from './random';
import type { ChaosSize } from './sizes';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AcknowledgedReservation {
  reservationId: string;
  amount: number;
  /** The amount the client asked to capture (acknowledged or not). */
  captureRequested?: number;
  /** The amount a Capture was acknowledged for; undefined when not captured (released, expired, or unknown). */
  captured?: number;
  released?: boolean;
}

export interface CustomerRecord {
  index: number;
  customerId?: string;
  subscriptionId?: string;
  /** Period 1 confirmed in the browser (false: the intent came too late and the customer walked away). */
  paidFirstPeriod: boolean;
  topUpPaymentId?: string;
  reservations: AcknowledgedReservation[];
  /** Calls that failed for good (not the expected refusals such as insufficient credits). */
  errors: string[];
}

export interface JourneyContext {
  platform: Platform;
  size: ChaosSize;
  credit: CreditGrpc;
  stripe: Stripe;
  planCode: string;
  /** The top-up catalogue of the run: packs of 200 … 1000 credits (the platform prices them; callers name a pack). */
  topUpPackCodes: string[];
  loadStartedAt: number;
  /**
   * When the load ends (epoch ms): the size's loadMs after its start, or later — Infinity while a phase that must run
   * under load (the rolling restart) has not finished.
   */
  loadEnd(): number;
  /** Intents by subscription id / payment id, refreshed by one poller instead of every customer copying them all. */
  intents: IntentIndex;
  /** Every client call, and those a client with a bounded retry budget would have reported failed. */
  operations: OperationLog;
  log: (line: string) => void;
}

export class IntentIndex {
  private snapshot: Stripe.PaymentIntent[] = [];
  private takenAt = 0;

  constructor(private readonly platform: Platform) {}

  private current(): Stripe.PaymentIntent[] {
    if (Date.now() - this.takenAt > 250) {
      this.snapshot = this.platform.stripe.paymentIntents();
      this.takenAt = Date.now();
    }
    return this.snapshot;
  }

  firstPeriodOf(subscriptionId: string): Stripe.PaymentIntent | undefined {
    return this.current().find((intent) => intent.metadata.subscriptionId === subscriptionId && intent.metadata.periodIndex === '1');
  }
}

/** Retries give up well after the load is over (a killed consumer group needs up to a session timeout to move). */
const giveUpTime = (ctx: JourneyContext) => ctx.loadEnd() + 60_000;

export async function customerJourney(ctx: JourneyContext, index: number, random: Random): Promise<CustomerRecord> {
  const { platform, size } = ctx;
  const record: CustomerRecord = { index, paidFirstPeriod: false, reservations: [], errors: [] };
  const plannedEnd = ctx.loadStartedAt + size.loadMs;
  try {
    await sleep(Math.max(0, ctx.loadStartedAt + random.int(0, size.onboardingMs) - Date.now()));
    const registered = await persistentRest(
      ctx,
      'customer',
      {
        method: 'POST',
        path: '/v1/customers',
        key: `register-${index}`,
        body: { externalAccountId: `${platform.runId}-c${index}`, email: `chaos-${index}@example.com`, defaultCurrency: 'EUR' },
      },
      giveUpTime(ctx),
    );
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
    const customerId: string = registered.body.customer.id;
    record.customerId = customerId;
    const stripeCustomerId = await gatewayCustomerOf(ctx, customerId, registered.body);
    // Renewals are charged off-session to the customer's default card.
    await ctx.stripe.customers.update(stripeCustomerId, { invoice_settings: { default_payment_method: 'pm_card_visa' } });

    const subscribed = await persistentRest(
      ctx,
      'subscription',
      { method: 'POST', path: '/v1/subscriptions', key: `subscribe-${index}`, body: { customerId, planCode: ctx.planCode }, retryOn: [404] },
      giveUpTime(ctx),
    );
    if (subscribed.status !== 201) throw new Error(`subscribe: ${subscribed.status} ${JSON.stringify(subscribed.body)}`);
    const subscriptionId: string = subscribed.body.id;
    record.subscriptionId = subscriptionId;

    // The customer waits on the checkout page for half a billing day at most (12 virtual hours), then leaves: paying
    // later could land after the subscription's 23 h incomplete window, which the accelerated clock shrinks.
    const patience = Date.now() + size.dayMs / 2;
    let intent: Stripe.PaymentIntent | undefined;
    while (!(intent = ctx.intents.firstPeriodOf(subscriptionId)) && Date.now() < patience) await sleep(200);
    if (intent) {
      await ctx.stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
      record.paidFirstPeriod = true;
    }

    const work: Promise<void>[] = [];
    if (random.chance(size.topUpShare)) work.push(topUp(ctx, record, random, plannedEnd));
    if (record.paidFirstPeriod) work.push(useCredits(ctx, record, random));
    await Promise.all(work);

    if (record.paidFirstPeriod) {
      // No renewals after the load: the run can reach quiescence.
      const canceled = await persistentRest(
        ctx,
        'subscription',
        // 409 INVALID_TRANSITION while a renewal is being charged: retried. Already ended (e.g. it expired unpaid because
        // the first payment arrived after the incomplete window): nothing to cancel.
        { method: 'POST', path: `/v1/subscriptions/${subscriptionId}/cancel`, key: `cancel-${index}`, body: { mode: 'at_period_end' }, finalCodes: ['SUBSCRIPTION_ALREADY_CANCELED'] },
        giveUpTime(ctx),
      );
      const ended = canceled.body?.error?.code === 'SUBSCRIPTION_ALREADY_CANCELED';
      if (canceled.status !== 200 && !ended) throw new Error(`cancel: ${canceled.status} ${JSON.stringify(canceled.body)}`);
    }
  } catch (error) {
    record.errors.push(error instanceof GaveUpError ? `gave up: ${error.message}` : String((error as Error).message ?? error));
  }
  return record;
}

async function gatewayCustomerOf(ctx: JourneyContext, customerId: string, registered: any): Promise<string> {
  let links = registered.customer.gatewayLinks as { gatewayCustomerId: string }[];
  // Linking may have been left pending (the process died after storing the customer); the service's job finishes it.
  while (!links?.length) {
    if (Date.now() > giveUpTime(ctx)) throw new GaveUpError(`customer ${customerId} never linked to Stripe`);
    await sleep(500);
    const answer: any = await fetch(`${ctx.platform.nextHttpUrl('customer')}/v1/customers/${customerId}`, { headers: { authorization: `Bearer ${ctx.platform.token}` } }).then(
      async (response) => (response.ok ? response.json() : undefined),
      () => undefined,
    );
    links = (answer?.customer ?? answer)?.gatewayLinks ?? [];
  }
  return links[0]!.gatewayCustomerId;
}

async function topUp(ctx: JourneyContext, record: CustomerRecord, random: Random, plannedEnd: number): Promise<void> {
  await sleep(Math.max(0, random.int(Date.now(), plannedEnd - ctx.size.dayMs / 2) - Date.now()));
  const packCode = ctx.topUpPackCodes[random.int(0, ctx.topUpPackCodes.length - 1)]!;
  const created = await persistentRest(
    ctx,
    'payment',
    { method: 'POST', path: '/v1/top-ups', key: `top-up-${record.index}`, body: { customerId: record.customerId, packCode, currency: 'EUR' }, retryOn: [404] },
    giveUpTime(ctx),
  );
  if (created.status !== 201) throw new Error(`top-up: ${created.status} ${JSON.stringify(created.body)}`);
  record.topUpPaymentId = created.body.paymentId;
  await ctx.stripe.paymentIntents.confirm(created.body.gatewayPaymentIntentId, { payment_method: 'pm_card_visa' });
}

/** Reserve → Capture (part or all) / Release / abandon (the hold expires), with pauses, until the load ends. */
async function useCredits(ctx: JourneyContext, record: CustomerRecord, random: Random): Promise<void> {
  const [pauseMin, pauseMax] = ctx.size.usagePauseMs;
  let operation = 0;
  while (Date.now() + pauseMax < ctx.loadEnd()) {
    await sleep(random.int(pauseMin, pauseMax));
    operation += 1;
    const amount = random.int(1, 15) * 10;
    // TTL in virtual seconds (the credit clock is accelerated): 1 to 4 billing hours.
    const ttlSeconds = random.int(1, 4) * 3_600;
    const choice = random.next();
    let reservation: { reservationId: string; amount: number | string; status: string };
    try {
      reservation = await persistentGrpc(ctx, 'Reserve', { customerId: record.customerId, amount, ttlSeconds, idempotencyKey: `reserve-${record.index}-${operation}` }, giveUpTime(ctx));
    } catch (error) {
      if (error instanceof GaveUpError) throw error;
      continue; // refused (e.g. not enough credits yet): an expected answer
    }
    const acknowledged: AcknowledgedReservation = { reservationId: reservation.reservationId, amount: Number(reservation.amount) };
    record.reservations.push(acknowledged);
    await sleep(random.int(0, 1_500));
    if (choice < 0.6) {
      const capture = random.int(1, acknowledged.amount);
      acknowledged.captureRequested = capture;
      try {
        const captured = await persistentGrpc<{ captured: number | string }>(
          ctx,
          'Capture',
          { reservationId: acknowledged.reservationId, amount: capture, idempotencyKey: `capture-${record.index}-${operation}` },
          giveUpTime(ctx),
        );
        acknowledged.captured = Number(captured.captured);
      } catch (error) {
        // Refused (e.g. the hold expired first): not captured. Given up: recorded, and the customer carries on.
        if (error instanceof GaveUpError) record.errors.push(`gave up: ${error.message} (reservation ${acknowledged.reservationId})`);
      }
    } else if (choice < 0.85) {
      try {
        await persistentGrpc(ctx, 'Release', { reservationId: acknowledged.reservationId, idempotencyKey: `release-${record.index}-${operation}` }, giveUpTime(ctx));
        acknowledged.released = true;
      } catch (error) {
        if (error instanceof GaveUpError) record.errors.push(`gave up: ${error.message} (reservation ${acknowledged.reservationId})`);
      }
    }
  }
}
