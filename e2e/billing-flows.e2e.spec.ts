/**
 * Cross-service E2E: the four services as separate processes (e2e/support/platform.ts) on the shared infrastructure,
 * driven only through REST, the credit gRPC API, signed Stripe webhooks and the Kafka topics. The subscription and
 * credit processes run on an accelerated clock (one billing day = DAY_MS of real time) so renewals, dunning and grant
 * expiry happen within the test.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { eventually } from '@billing/testkit';
import { creditGrpcClient, type CreditGrpc, deliverWebhook, OutsideConsumer, restClient, stripeClient } from './support/clients';
import { type Platform, serviceNames, startPlatform } from './support/platform';

const DAY_MS = 15_000;
const CLOCK_RATE = 86_400_000 / DAY_MS;

describe('billing flows across the four service processes (E2E)', function () {
  this.timeout(120_000);
  let platform: Platform;
  let outside: OutsideConsumer;
  let credit: CreditGrpc;
  let stripe: ReturnType<typeof stripeClient>;
  let customerApi: ReturnType<typeof restClient>;
  let subscriptionApi: ReturnType<typeof restClient>;
  let paymentApi: ReturnType<typeof restClient>;
  const customers: Record<string, string> = {};
  let scenario1Correlation: string;
  let monthlyPlan: string;
  let dailyPlan: string;
  let topUpPack: string;
  let monthlyMaxPlan: string;

  before(async function () {
    this.timeout(180_000);
    const [started, consumer] = await Promise.all([
      startPlatform({ clockRate: CLOCK_RATE, env: { subscription: { DUNNING_RETRY_DAYS: '1', SUBSCRIPTION_SCHEDULER_TICK_MS: '200' } } }),
      (async () => {
        const { testInfrastructure } = await import('@billing/testkit');
        const reader = new OutsideConsumer({ infra: await testInfrastructure() });
        await reader.start();
        return reader;
      })(),
    ]);
    platform = started;
    outside = consumer;
    credit = creditGrpcClient(platform);
    stripe = stripeClient(platform);
    customerApi = restClient(platform, 'customer');
    subscriptionApi = restClient(platform, 'subscription');
    paymentApi = restClient(platform, 'payment');
    monthlyPlan = `e2e-month-${randomUUID().slice(0, 8)}`;
    dailyPlan = `e2e-day-${randomUUID().slice(0, 8)}`;
    monthlyMaxPlan = `e2e-month-max-${randomUUID().slice(0, 8)}`;
    for (const [code, interval, amount, credits] of [
      [monthlyPlan, 'month', 2_900, 1_000],
      [dailyPlan, 'day', 500, 100],
      [monthlyMaxPlan, 'month', 9_900, 5_000],
    ] as const) {
      const plan = await subscriptionApi('POST', '/v1/plans', { code, name: code, price: { amount, currency: 'EUR' }, interval, creditsPerPeriod: credits });
      expect(plan.status, JSON.stringify(plan.body)).to.equal(201);
    }
    topUpPack = `e2e-pack-${randomUUID().slice(0, 8)}`;
    const pack = await paymentApi('POST', '/v1/top-up-packs', { code: topUpPack, credits: 500, prices: [{ amount: 1_000, currency: 'EUR' }] });
    expect(pack.status, JSON.stringify(pack.body)).to.equal(201);
  });

  after(async function () {
    this.timeout(60_000);
    credit?.close();
    await outside?.stop();
    if (platform) console.log(`    e2e logs: ${platform.logDir}`);
    await platform?.stop();
  });

  // ---------------------------------------------------------------------------------------------------------------
  // helpers (public interfaces only)

  async function registerCustomer(label: string, headers: Record<string, string> = {}): Promise<{ customerId: string; stripeCustomerId: string }> {
    const response = await customerApi('POST', '/v1/customers', { externalAccountId: `${platform.runId}-${label}`, email: `${label}@example.com`, defaultCurrency: 'EUR' }, headers);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    expect(response.body.gatewayLink).to.equal('linked');
    const customerId: string = response.body.customer.id;
    customers[label] = customerId;
    return { customerId, stripeCustomerId: response.body.customer.gatewayLinks[0].gatewayCustomerId };
  }

  /** Subscribes once the subscription service has projected the customer (CustomerRegistered over Kafka). */
  async function subscribe(customerId: string, planCode: string, headers: Record<string, string> = {}) {
    const response = await eventually(
      () => subscriptionApi('POST', '/v1/subscriptions', { customerId, planCode }, headers),
      (answer) => answer.status !== 404,
      30_000,
      200,
    );
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    expect(response.body.status).to.equal('incomplete');
    return response.body as { id: string };
  }

  const intentsOf = (subscriptionId: string) => platform.stripe.paymentIntents().filter((intent) => intent.metadata.subscriptionId === subscriptionId);

  /** The customer pays period 1 in the browser; Stripe's signed payment_intent.succeeded reaches the payment service. */
  async function payFirstPeriod(subscriptionId: string) {
    const intents = await eventually(async () => intentsOf(subscriptionId), (found) => found.length > 0, 30_000, 100);
    expect(intents, 'PaymentIntent for period 1').to.have.length(1);
    const intent = intents[0]!;
    await stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    const delivered = await deliverWebhook(platform, 'payment_intent.succeeded', intent.id);
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);
    expect(delivered.body.outcome).to.equal('applied');
    return intent;
  }

  const getSubscription = async (id: string) => {
    const response = await subscriptionApi('GET', `/v1/subscriptions/${id}`);
    expect(response.status).to.equal(200);
    return response.body;
  };
  const subscriptionWhen = (id: string, done: (subscription: any) => boolean, timeoutMs = 30_000) => eventually(() => getSubscription(id), done, timeoutMs, 100);
  const balanceOf = (customerId: string) => credit.call('GetBalance', { customerId }).catch((error: Error) => ({ error: error.message }) as any);
  const ledgerOf = async (customerId: string) => (await credit.call('ListLedger', { customerId, limit: 500 })).entries as any[];
  const pick = (entry: any) => ({ type: entry.type, grantId: entry.grantId, reservationId: entry.reservationId, amount: entry.amount, balanceDelta: entry.balanceDelta, heldDelta: entry.heldDelta });

  // ---------------------------------------------------------------------------------------------------------------

  it('1. register → subscribe → PaymentIntent → signed webhook → active → credits granted → Reserve/Capture over gRPC', async () => {
    scenario1Correlation = `e2e-${randomUUID()}`;
    const { customerId, stripeCustomerId } = await registerCustomer('s1', { 'x-correlation-id': scenario1Correlation });
    const subscription = await subscribe(customerId, monthlyPlan, { 'x-correlation-id': scenario1Correlation });

    const intent = await payFirstPeriod(subscription.id);
    expect(intent).to.deep.include({ amount: 2_900, currency: 'eur', customer: stripeCustomerId });
    expect(intent.metadata).to.include({ purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: subscription.id, periodIndex: '1' });

    const active = await subscriptionWhen(subscription.id, (s) => s.status === 'active');
    expect(active.status).to.equal('active');
    expect(active.currentPeriod.index).to.equal(1);

    const granted = await eventually(() => balanceOf(customerId), (balance) => balance.balance === 1_000);
    expect(granted).to.deep.include({ customerId, balance: 1_000, available: 1_000, held: 0 });
    expect(granted.grants).to.have.length(1);
    const grant = granted.grants[0];
    expect(grant).to.deep.include({ amount: 1_000, remaining: 1_000, held: 0, sourceType: 'SUBSCRIPTION_PERIOD', sourceId: subscription.id });
    expect(new Date(grant.expiresAt).toISOString()).to.equal(new Date(active.currentPeriod.end).toISOString());

    // ttl: the credit process's clock is accelerated too; the maximum TTL is DAY_MS of real time.
    const reservation = await credit.call('Reserve', { customerId, amount: 300, ttlSeconds: 86_400, idempotencyKey: randomUUID() });
    // Not asserted: available_after (the proto's field 6) — the credit service's gRPC Reserve never sets it (always 0).
    expect(reservation).to.deep.include({ customerId, amount: 300, status: 'HELD' });
    expect(await balanceOf(customerId)).to.deep.include({ balance: 1_000, available: 700, held: 300 });
    const captured = await credit.call('Capture', { reservationId: reservation.reservationId, amount: 120, idempotencyKey: randomUUID() });
    expect(captured).to.deep.equal({ reservationId: reservation.reservationId, captured: 120, released: 180 });
    const after = await balanceOf(customerId);
    expect(after).to.deep.include({ balance: 880, available: 880, held: 0 });
    expect(after.grants[0]).to.deep.include({ amount: 1_000, remaining: 880, held: 0 });

    const ledger = await ledgerOf(customerId);
    const { reservationId } = reservation;
    expect(ledger.map(pick)).to.deep.equal([
      { type: 'grant', grantId: grant.grantId, reservationId: '', amount: 1_000, balanceDelta: 1_000, heldDelta: 0 },
      { type: 'hold', grantId: grant.grantId, reservationId, amount: 300, balanceDelta: 0, heldDelta: 300 },
      { type: 'capture', grantId: grant.grantId, reservationId, amount: 120, balanceDelta: -120, heldDelta: -120 },
      { type: 'release', grantId: grant.grantId, reservationId, amount: 180, balanceDelta: 0, heldDelta: -180 },
    ]);
    expect(ledger.map((entry) => entry.sequence)).to.deep.equal([...ledger.map((entry) => entry.sequence)].sort((a, b) => a - b));

    // The caller's correlation id leads through the four logs along the whole path: the REST calls, the PaymentIntent
    // opened for SubscriptionCreated, the Stripe webhook (which knows nothing of it: the payment remembers it), the
    // activation, and the grant behind the ledger's first row.
    const linesOf = (name: (typeof serviceNames)[number]) => platform.services[name].log().split('\n').filter((line) => line.includes(scenario1Correlation));
    const path = {
      customer: (line: string) => line.includes('"url":"/v1/customers"'),
      subscription: (line: string) => line.includes('"url":"/v1/subscriptions"'),
      payment: (line: string) => line.includes('"stripeEventType":"payment_intent.succeeded"'),
      credit: (line: string) => line.includes('"msg":"credits granted"') && line.includes(grant.grantId),
    };
    const found = await eventually(
      async () => serviceNames.filter((name) => linesOf(name).some(path[name])),
      (names) => names.length === serviceNames.length,
      15_000,
      200,
    );
    expect(found).to.have.members([...serviceNames]);
  });

  it('2. renewals on the accelerated clock: two more paid periods, credits per period, ended periods expire', async () => {
    const { customerId, stripeCustomerId } = await registerCustomer('s2');
    await stripe.customers.update(stripeCustomerId, { invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const subscription = await subscribe(customerId, dailyPlan);
    await payFirstPeriod(subscription.id);
    const first = await subscriptionWhen(subscription.id, (s) => s.status === 'active');
    expect(first.currentPeriod.index).to.equal(1);

    const third = await subscriptionWhen(subscription.id, (s) => s.status !== 'active' || s.currentPeriod.index >= 3, 4 * DAY_MS);
    expect(third).to.deep.include({ status: 'active' });
    expect(third.currentPeriod.index).to.equal(3);

    const renewals = intentsOf(subscription.id).filter((intent) => intent.metadata.periodIndex !== '1');
    expect(renewals.map((intent) => [intent.metadata.periodIndex, intent.status, intent.payment_method, intent.amount])).to.deep.equal([
      ['2', 'succeeded', 'pm_card_visa', 500],
      ['3', 'succeeded', 'pm_card_visa', 500],
    ]);

    const ledger = await eventually(
      () => ledgerOf(customerId),
      (entries) => entries.filter((entry) => entry.type === 'grant').length === 3 && entries.filter((entry) => entry.type === 'expire').length === 2,
      DAY_MS,
      100,
    );
    const balance = await balanceOf(customerId);
    expect(balance).to.deep.include({ balance: 100, available: 100, held: 0 });
    expect(balance.grants.filter((grant: any) => grant.remaining > 0).map((grant: any) => [grant.sourceId, grant.amount, grant.remaining])).to.deep.equal([[subscription.id, 100, 100]]);
    const grants = ledger.filter((entry) => entry.type === 'grant');
    expect(grants.map((entry) => [entry.amount, entry.balanceDelta])).to.deep.equal([[100, 100], [100, 100], [100, 100]]);
    // Periods 1 and 2 ended without rollover: their grants expired, period 3's is the balance.
    const expired = ledger.filter((entry) => entry.type === 'expire');
    expect(expired.map((entry) => [entry.grantId, entry.amount, entry.balanceDelta])).to.deep.equal([
      [grants[0].grantId, 100, -100],
      [grants[1].grantId, 100, -100],
    ]);
    expect(ledger.reduce((sum, entry) => sum + entry.balanceDelta, 0)).to.equal(100);

    // Stop this subscription's renewals (the next scenario switches its customer's card to a declining one).
    const canceled = await subscriptionApi('POST', `/v1/subscriptions/${subscription.id}/cancel`, { mode: 'now' });
    expect(canceled.status, JSON.stringify(canceled.body)).to.equal(200);
  });

  it('3. a failed renewal → past_due → dunning retry fails → canceled → no further grants', async () => {
    const { customerId, stripeCustomerId } = await registerCustomer('s3');
    // Off-session charges of this customer decline (the Stripe test card pm_card_chargeDeclined); period 1 is paid with a good card in the browser.
    await stripe.customers.update(stripeCustomerId, { invoice_settings: { default_payment_method: 'pm_card_chargeDeclined' } });
    const subscription = await subscribe(customerId, dailyPlan);
    await payFirstPeriod(subscription.id);
    await subscriptionWhen(subscription.id, (s) => s.status === 'active');

    const pastDue = await subscriptionWhen(subscription.id, (s) => s.status !== 'active' && s.status !== 'incomplete', 3 * DAY_MS);
    expect(pastDue.status).to.equal('past_due');
    expect(pastDue.dunning).to.deep.include({ periodIndex: 2, attempt: 1 });

    const canceled = await subscriptionWhen(subscription.id, (s) => s.status === 'canceled', 3 * DAY_MS);
    expect(canceled.status).to.equal('canceled');
    expect(canceled.cancellation.reason).to.be.a('string').and.not.equal('');

    const declined = intentsOf(subscription.id).filter((intent) => intent.metadata.periodIndex !== '1');
    expect(declined.map((intent) => [intent.metadata.periodIndex, intent.status, intent.last_payment_error?.code])).to.deep.equal([
      ['2', 'requires_payment_method', 'card_declined'],
      ['2', 'requires_payment_method', 'card_declined'],
    ]);

    // No further grants: watch for one more billing day after the cancellation; period 1's grant stays the only one
    // (and it expired at the end of period 1).
    const watchUntil = new Date(platform.virtualNow().getTime() + 86_400_000);
    const watched = await eventually(
      async () => ({ ledger: await ledgerOf(customerId), now: platform.virtualNow() }),
      ({ ledger, now }) => ledger.filter((entry) => entry.type === 'grant').length > 1 || now > watchUntil,
      2 * DAY_MS,
      250,
    );
    expect(watched.ledger.map((entry) => [entry.type, entry.amount])).to.deep.equal([
      ['grant', 100],
      ['expire', 100],
    ]);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 0, available: 0, held: 0 });
    expect((await getSubscription(subscription.id)).status).to.equal('canceled');
  });

  it('4. top-up bought by pack → signed webhook → credits granted; a 40 % refund → charge.refunded → 40 % of the credits revoked', async () => {
    const { customerId } = await registerCustomer('s4');
    const topUp = await eventually(
      () => paymentApi('POST', '/v1/top-ups', { customerId, packCode: topUpPack, currency: 'EUR' }),
      (answer) => answer.status !== 409,
      30_000,
      200,
    );
    expect(topUp.status, JSON.stringify(topUp.body)).to.equal(201);
    expect(topUp.body.quote).to.deep.equal({ packCode: topUpPack, credits: 500, amount: 1_000, currency: 'EUR' });
    expect(platform.stripe.paymentIntents().find((intent) => intent.id === topUp.body.gatewayPaymentIntentId)).to.deep.include({ amount: 1_000, currency: 'eur' });
    const intentId: string = topUp.body.gatewayPaymentIntentId;
    await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    const delivered = await deliverWebhook(platform, 'payment_intent.succeeded', intentId);
    expect(delivered.status, JSON.stringify(delivered.body)).to.equal(200);

    const granted = await eventually(() => balanceOf(customerId), (balance) => balance.balance === 500);
    expect(granted).to.deep.include({ balance: 500, available: 500, held: 0 });
    expect(granted.grants).to.have.length(1);
    expect(granted.grants[0]).to.deep.include({ amount: 500, remaining: 500, sourceType: 'TOP_UP' });

    const reservation = await credit.call('Reserve', { customerId, amount: 200, ttlSeconds: 86_400, idempotencyKey: randomUUID() });
    await credit.call('Capture', { reservationId: reservation.reservationId, amount: 200, idempotencyKey: randomUUID() });
    expect(await balanceOf(customerId)).to.deep.include({ balance: 300, available: 300 });

    const refund = await stripe.refunds.create({ payment_intent: intentId, amount: 400 });
    expect(refund.status).to.equal('succeeded');
    const refunded = await deliverWebhook(platform, 'charge.refunded', intentId);
    expect(refunded.status, JSON.stringify(refunded.body)).to.equal(200);

    // 400 of 1,000 refunded: floor(500 × 0.4) = 200 of the 300 still unspent.
    const revoked = await eventually(() => balanceOf(customerId), (balance) => balance.balance !== 300);
    expect(revoked).to.deep.include({ balance: 100, available: 100, held: 0 });
    const ledger = await ledgerOf(customerId);
    expect(ledger.map((entry) => [entry.type, entry.amount, entry.balanceDelta])).to.deep.equal([
      ['grant', 500, 500],
      ['hold', 200, 0],
      ['capture', 200, -200],
      ['revoke', 200, -200],
    ]);
  });

  it('4b. a top-up that names its own price is refused (400 PRICE_NOT_ACCEPTED): no payment, no intent, no credits', async () => {
    const { customerId } = await registerCustomer('s4b');
    const intentsBefore = platform.stripe.paymentIntents().length;
    const key = randomUUID();
    for (const body of [
      { customerId, credits: 1_000_000, amount: 1, currency: 'EUR' },
      { customerId, packCode: topUpPack, currency: 'EUR', amount: 1 },
    ]) {
      const refused = await paymentApi('POST', '/v1/top-ups', body, { 'idempotency-key': key });
      expect([refused.status, refused.body.error?.code], JSON.stringify(refused.body)).to.deep.equal([400, 'PRICE_NOT_ACCEPTED']);
    }
    expect(platform.stripe.paymentIntents().length).to.equal(intentsBefore);
    // Nothing was stored under the key either: the same key with a valid body is a first request, priced by the pack.
    const bought = await eventually(
      () => paymentApi('POST', '/v1/top-ups', { customerId, packCode: topUpPack, currency: 'EUR' }, { 'idempotency-key': key }),
      (answer) => answer.status !== 409,
      30_000,
      200,
    );
    expect([bought.status, bought.body.amount, bought.body.reference?.credits], JSON.stringify(bought.body)).to.deep.equal([201, 1_000, 500]);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 0 });
  });

  /** A customer on the monthly plan with period 1 paid and granted; then its saved card is `card` for off-session charges. */
  async function activeMonthly(label: string, card: string) {
    const { customerId, stripeCustomerId } = await registerCustomer(label);
    const subscription = await subscribe(customerId, monthlyPlan);
    await payFirstPeriod(subscription.id);
    await subscriptionWhen(subscription.id, (s) => s.status === 'active');
    await eventually(() => balanceOf(customerId), (balance) => balance.balance === 1_000);
    await stripe.customers.update(stripeCustomerId, { invoice_settings: { default_payment_method: card } });
    return { customerId, subscription };
  }

  it('4c. a mid-period upgrade charges the prorated price difference off-session and grants the prorated credits only once it is paid', async () => {
    const { customerId, subscription } = await activeMonthly('u1', 'pm_card_visa');
    const changed = await subscriptionApi('POST', `/v1/subscriptions/${subscription.id}/change-plan`, { planCode: monthlyMaxPlan });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect(changed.body.outcome).to.equal('payment_pending');
    expect(changed.body.subscription.plan.price).to.deep.equal({ amount: 2_900, currency: 'EUR' });
    const asked = changed.body.subscription.upgrade;
    expect(asked).to.deep.include({ status: 'payment_pending', currency: 'EUR', periodIndex: 1 });
    expect(asked.amount).to.be.within(1, 7_000);

    const applied = await subscriptionWhen(subscription.id, (s) => s.upgrade?.status !== 'payment_pending');
    expect(applied.upgrade).to.deep.include({ changeId: asked.changeId, status: 'applied', failureReason: null });
    expect(applied.plan.price).to.deep.equal({ amount: 9_900, currency: 'EUR' });
    const charged = platform.stripe.paymentIntents().filter((intent) => intent.metadata.changeId === asked.changeId);
    expect(charged.map((intent) => [intent.amount, intent.currency, intent.status, intent.metadata.purpose])).to.deep.equal([[asked.amount, 'eur', 'succeeded', 'SUBSCRIPTION_UPGRADE']]);

    const granted = await eventually(() => balanceOf(customerId), (balance) => balance.balance === 1_000 + asked.proratedCredits);
    expect(granted.balance).to.equal(1_000 + asked.proratedCredits);
    expect((await ledgerOf(customerId)).filter((entry) => entry.type === 'grant').map((entry) => entry.amount)).to.deep.equal([1_000, asked.proratedCredits]);
  });

  it('4d. with a declining card the upgrade grants nothing and the subscription stays on its plan, saying why', async () => {
    const { customerId, subscription } = await activeMonthly('u2', 'pm_card_chargeDeclinedInsufficientFunds');
    const changed = await subscriptionApi('POST', `/v1/subscriptions/${subscription.id}/change-plan`, { planCode: monthlyMaxPlan });
    expect([changed.status, changed.body.outcome], JSON.stringify(changed.body)).to.deep.equal([200, 'payment_pending']);
    const { changeId } = changed.body.subscription.upgrade;

    const failed = await subscriptionWhen(subscription.id, (s) => s.upgrade?.status !== 'payment_pending');
    expect(failed.upgrade).to.deep.include({ changeId, status: 'failed', failureReason: 'payment_failed', failureDetail: 'insufficient_funds' });
    expect(failed.plan.price).to.deep.equal({ amount: 2_900, currency: 'EUR' });
    expect(failed.status).to.equal('active');
    const declined = platform.stripe.paymentIntents().filter((intent) => intent.metadata.changeId === changeId);
    expect(declined.map((intent) => [intent.status, intent.last_payment_error?.decline_code])).to.deep.equal([['requires_payment_method', 'insufficient_funds']]);
    const upgradeFailed = await eventually(
      async () => outside.of([customerId]).filter((event) => event.eventType === 'SubscriptionUpgradeFailed'),
      (events) => events.length > 0,
      30_000,
      200,
    );
    expect(upgradeFailed[0]!.payload).to.include({ changeId, reason: 'payment_failed', detail: 'insufficient_funds' });
    // No SubscriptionPlanChanged was published for it, so credit has nothing to grant.
    expect(outside.of([customerId]).filter((event) => event.eventType === 'SubscriptionPlanChanged')).to.deep.equal([]);
    expect((await ledgerOf(customerId)).map((entry) => [entry.type, entry.amount])).to.deep.equal([['grant', 1_000]]);
    expect(await balanceOf(customerId)).to.deep.include({ balance: 1_000 });
  });

  it('5. an outside consumer decodes every event of this run on all four billing topics', async () => {
    const ours = Object.values(customers);
    expect(ours).to.have.length(7);
    const wanted: Record<string, string[]> = {
      'billing.customer.v1': ['CustomerRegistered', 'PaymentGatewayLinked'],
      'billing.subscription.v1': [
        'SubscriptionCreated',
        'SubscriptionActivated',
        'SubscriptionRenewalDue',
        'SubscriptionRenewed',
        'SubscriptionPastDue',
        'SubscriptionCanceled',
        'SubscriptionUpgradeRequested',
        'SubscriptionPlanChanged',
        'SubscriptionUpgradeFailed',
      ],
      'billing.payment.v1': ['PaymentSucceeded', 'PaymentFailed', 'PaymentRefunded'],
      'billing.credit.v1': ['CreditAccountOpened', 'CreditsGranted', 'ReservationCaptured', 'CreditsExpired', 'CreditsRevoked'],
    };
    const typesByTopic = (events: ReturnType<OutsideConsumer['of']>) =>
      Object.fromEntries(Object.keys(wanted).map((topic) => [topic, [...new Set(events.filter((event) => event.topic === topic).map((event) => event.eventType))]]));
    const seen = await eventually(
      async () => outside.of(ours),
      (events) => Object.entries(wanted).every(([topic, types]) => types.every((type) => typesByTopic(events)[topic]!.includes(type))),
      30_000,
      200,
    );
    const byTopic = typesByTopic(seen);
    for (const [topic, types] of Object.entries(wanted)) expect(byTopic[topic], topic).to.include.members(types);
    for (const event of seen) {
      expect(event.eventId, `${event.topic} ${event.eventType}`).to.be.a('string');
      expect(event.correlationId, `${event.topic} ${event.eventType}`).to.be.a('string');
      expect(ours).to.include(event.payload.customerId);
    }
    // Every customer of this run has its CustomerRegistered; scenario 1's carries the caller's correlation id.
    const registered = seen.filter((event) => event.eventType === 'CustomerRegistered');
    expect(registered.map((event) => event.payload.customerId)).to.have.members(ours);
    const first = registered.find((event) => event.payload.customerId === customers.s1)!;
    expect(first.correlationId).to.equal(scenario1Correlation);
    // Events caused by it downstream carry it too (PaymentGatewayLinked, CreditAccountOpened).
    // Delivery is at least once: a relay that published and then failed to mark a row publishes it again (same event id).
    const distinct = [...new Map(seen.map((event) => [event.eventId, event])).values()];
    // Other platforms on the shared broker (other runs' credit services) consume this run's CustomerRegistered too and
    // publish a CreditAccountOpened of their own for this customer: only this run's credit account counts.
    const account = await restClient(platform, 'credit')('GET', `/v1/accounts/${customers.s1}/balance`);
    expect(account.status, JSON.stringify(account.body)).to.equal(200);
    const ownAccountId = (account.body as { accountId: string }).accountId;
    const caused = distinct.filter(
      (event) =>
        event.payload.customerId === customers.s1 &&
        (event.eventType === 'PaymentGatewayLinked' || (event.eventType === 'CreditAccountOpened' && event.payload.accountId === ownAccountId)),
    );
    expect(caused.map((event) => event.correlationId)).to.deep.equal(caused.map(() => scenario1Correlation));
    expect(caused, JSON.stringify(caused.map((event) => [event.topic, event.eventType, event.eventId, event.payload]))).to.have.length(2);
    // The paid first period's events, across the webhook, carry it as well.
    const flow = ['SubscriptionCreated', 'PaymentSucceeded', 'SubscriptionActivated', 'CreditsGranted'];
    const paidPeriod = seen.filter((event) => event.payload.customerId === customers.s1 && flow.includes(event.eventType!) && (event.eventType !== 'CreditsGranted' || event.payload.sourceType === 'SUBSCRIPTION_PERIOD'));
    expect(paidPeriod.map((event) => [event.eventType, event.correlationId])).to.deep.include.members(flow.map((type) => [type, scenario1Correlation]));
  });

  it('6. a dispute opened → credits revoked; the dispute won → charge.dispute.closed → the credits restored', async () => {
    const { customerId } = await registerCustomer('s6');
    const subscription = await subscribe(customerId, monthlyPlan);
    const intent = await payFirstPeriod(subscription.id);
    const granted = await eventually(() => balanceOf(customerId), (balance) => balance.available === 1_000);
    const periodGrant = granted.grants[0];

    const dispute = platform.stripe.createDispute(intent.id, { amount: 2_900 });
    expect((await deliverWebhook(platform, 'charge.dispute.created', dispute.id)).body.outcome).to.equal('applied');
    expect(await eventually(() => balanceOf(customerId), (balance) => balance.available === 0)).to.deep.include({ balance: 0, available: 0 });

    platform.stripe.updateDispute(dispute.id, 'won');
    expect((await deliverWebhook(platform, 'charge.dispute.closed', dispute.id)).body.outcome).to.equal('applied');
    const restored = await eventually(() => balanceOf(customerId), (balance) => balance.available === 1_000);
    expect(restored.grants).to.have.length(1);
    expect(restored.grants[0]).to.deep.include({ amount: 1_000, remaining: 1_000, sourceType: 'DISPUTE_REVERSAL', sourceId: dispute.id, expiresAt: periodGrant.expiresAt });
    const closed = await eventually(
      async () => outside.of([customerId]).filter((event) => event.eventType === 'PaymentDisputeClosed'),
      (events) => events.length > 0,
      30_000,
      200,
    );
    expect(closed[0]!.payload).to.include({ disputeId: dispute.id, status: 'won' });
    expect((await ledgerOf(customerId)).map((entry) => [entry.type, entry.amount])).to.deep.equal([
      ['grant', 1_000],
      ['revoke', 1_000],
      ['grant', 1_000],
    ]);
  });

  it('7. a low-balance threshold set over REST → one CreditBalanceLow on the way down, one CreditBalanceRecovered on the way up', async () => {
    const { customerId } = await registerCustomer('s7');
    const creditApi = restClient(platform, 'credit');
    const set = await eventually(
      () => creditApi('POST', `/v1/accounts/${customerId}/low-balance-threshold`, { threshold: 100 }),
      (answer) => answer.status !== 404,
      30_000,
      200,
    );
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    expect(set.body).to.deep.include({ lowBalanceThreshold: 100 });
    const grant = (amount: number) => creditApi('POST', `/v1/accounts/${customerId}/grants`, { amount, source: { type: 'MANUAL', id: randomUUID() } });
    expect((await grant(300)).status).to.equal(201);
    const spend = async (amount: number) => {
      const reservation = await credit.call('Reserve', { customerId, amount, ttlSeconds: 600, idempotencyKey: randomUUID() });
      await credit.call('Capture', { reservationId: reservation.reservationId, amount, idempotencyKey: randomUUID() });
    };
    await spend(150); // 150 left: still above
    await spend(100); // 50 left: below → CreditBalanceLow
    await spend(10); // still below: nothing more
    expect((await grant(200)).status).to.equal(201); // 240: above again → CreditBalanceRecovered
    await spend(20); // 220: still above

    const alarms = (events: ReturnType<OutsideConsumer['of']>) => [
      ...new Map(events.filter((event) => event.eventType === 'CreditBalanceLow' || event.eventType === 'CreditBalanceRecovered').map((event) => [event.eventId, event])).values(),
    ];
    await eventually(async () => alarms(outside.of([customerId])), (found) => found.length >= 2, 30_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // a second alarm, if one were wrongly recorded, would be on its way
    const decoded = alarms(outside.of([customerId]));
    expect(decoded.map((event) => [event.topic, event.eventType, event.payload.available, event.payload.threshold])).to.deep.equal([
      ['billing.credit.v1', 'CreditBalanceLow', 50, 100],
      ['billing.credit.v1', 'CreditBalanceRecovered', 240, 100],
    ]);
  });

  it('8. after the flows, each service process rests under 200 MB RSS', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // at rest: the flows' work and its garbage behind it
    const rssMb = Object.fromEntries(
      serviceNames.map((name) => {
        const status = readFileSync(`/proc/${platform.services[name].child.pid}/status`, 'utf8');
        return [name, Math.round(Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024)];
      }),
    );
    for (const [name, mb] of Object.entries(rssMb)) {
      const metrics = await (await fetch(`${platform.services[name as (typeof serviceNames)[number]].httpUrl}/metrics`)).text();
      const value = (metric: string) => Math.round(Number(new RegExp(`^${metric} (\\S+)`, 'm').exec(metrics)?.[1]) / 1048576);
      console.log(`    rss at rest: ${name} ${mb} MB (heap ${value('nodejs_heap_size_used_bytes')}/${value('nodejs_heap_size_total_bytes')} MB, external ${value('nodejs_external_memory_bytes')} MB)`);
    }
    for (const [name, mb] of Object.entries(rssMb)) expect(mb, name).to.be.below(200);
  });
});
