import { expect } from 'chai';
import { createPlanBody } from './interface/http/schemas';
import {
  activeSubscription,
  createdPlan,
  paymentFailed,
  paymentSucceeded,
  registeredCustomer,
  SCOPED_CUSTOMER,
  SCOPED_TOKEN,
  startTestService,
  TOKEN,
  subscriptionWhen,
  until,
  type TestService,
} from './subscription-service.test-harness';

describe('Subscription service REST (real PostgreSQL, Kafka, registry)', function () {
  this.timeout(60_000);
  let t: TestService;

  before(async () => {
    t = await startTestService();
  });
  after(async () => {
    await t?.dispose();
  });

  describe('when the input is bad', () => {
    it('answers 4xx with a code and writes nothing (rows and outbox unchanged)', async () => {
      const eurCustomer = await registeredCustomer(t, 'EUR');
      const usdPlan = await createdPlan(t, { price: { amount: 1_500, currency: 'USD' } });
      const eurPlan = await createdPlan(t);
      const created = await t.write('/v1/subscriptions', { customerId: eurCustomer, planCode: eurPlan.code });
      expect(created.status).to.equal(201);
      expect((await t.write(`/v1/subscriptions/${created.body.id}/cancel`, { mode: 'now' })).status).to.equal(200);
      await until(() => t.count('outbox where published_at is null'), (n) => n === 0, 'the relay to drain');

      const tables = ['plans', 'subscriptions', 'outbox', 'renewal_requests', 'idempotency_keys'];
      const before = await Promise.all(tables.map((table) => t.count(table)));

      const cases: [string, unknown, number, string][] = [
        ['/v1/plans', { code: 'neg', name: 'N', price: { amount: -100, currency: 'EUR' }, interval: 'month', creditsPerPeriod: 1 }, 400, 'INVALID_REQUEST'],
        ['/v1/plans', { code: 'wk', name: 'W', price: { amount: 100, currency: 'EUR' }, interval: 'week', creditsPerPeriod: 1 }, 400, 'INVALID_REQUEST'],
        ['/v1/plans', { code: 'xxx', name: 'X', price: { amount: 100, currency: 'XXX' }, interval: 'month', creditsPerPeriod: 1 }, 400, 'INVALID_PLAN'],
        [`/v1/plans/${eurPlan.code}/versions`, { price: { amount: 0, currency: 'EUR' } }, 400, 'INVALID_REQUEST'],
        ['/v1/subscriptions', { customerId: eurCustomer, planCode: 'no-such-plan' }, 404, 'PLAN_NOT_FOUND'],
        ['/v1/subscriptions', { customerId: eurCustomer, planCode: usdPlan.code }, 422, 'CUSTOMER_CURRENCY_MISMATCH'],
        ['/v1/subscriptions', { customerId: 'cus_unknown_to_projection', planCode: eurPlan.code }, 404, 'CUSTOMER_NOT_FOUND'],
        [`/v1/subscriptions/${created.body.id}/cancel`, { mode: 'now' }, 409, 'SUBSCRIPTION_ALREADY_CANCELED'],
        [`/v1/subscriptions/${created.body.id}/cancel`, { mode: 'at_period_end' }, 409, 'SUBSCRIPTION_ALREADY_CANCELED'],
        [`/v1/subscriptions/${created.body.id}/cancel`, { mode: 'later' }, 400, 'INVALID_REQUEST'],
        ['/v1/subscriptions/00000000-0000-4000-8000-000000000000/resume', undefined, 404, 'SUBSCRIPTION_NOT_FOUND'],
      ];
      for (const [path, body, status, code] of cases) {
        const response = await t.write(path, body);
        expect([response.status, response.body?.error?.code], `${path} ${JSON.stringify(body)}`).to.deep.equal([status, code]);
      }
      const asText = await fetch(`${t.service.httpUrl}/v1/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': 'as-text', 'content-type': 'text/plain' },
        body: JSON.stringify({ customerId: eurCustomer, planCode: eurPlan.code }),
      });
      expect([asText.status, ((await asText.json()) as { error: { code: string } }).error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(await Promise.all(tables.map((table) => t.count(table)))).to.deep.equal(before);
    });
  });

  describe('when a write is repeated', () => {
    it('replays the first response for the same key, refuses another body under it, and requires a key', async () => {
      const customerId = await registeredCustomer(t);
      const plan = await createdPlan(t);
      const headers = { 'idempotency-key': `key-${customerId}` };
      const first = await t.api('POST', '/v1/subscriptions', { customerId, planCode: plan.code }, headers);
      const replay = await t.api('POST', '/v1/subscriptions', { customerId, planCode: plan.code }, headers);
      expect(first.status).to.equal(201);
      expect(replay.status).to.equal(201);
      expect(replay.body).to.deep.equal(first.body);
      expect(replay.headers.get('idempotent-replayed')).to.equal('true');
      const other = await t.api('POST', '/v1/subscriptions', { customerId, planCode: plan.code, planVersion: 1 }, headers);
      expect([other.status, other.body.error.code]).to.deep.equal([422, 'IDEMPOTENCY_KEY_REUSED']);
      const missing = await t.api('POST', '/v1/subscriptions', { customerId, planCode: plan.code });
      expect([missing.status, missing.body.error.code]).to.deep.equal([400, 'IDEMPOTENCY_KEY_REQUIRED']);
      const listed = await t.api('GET', `/v1/customers/${customerId}/subscriptions`);
      expect(listed.body).to.deep.equal({ data: [first.body], nextCursor: null });
      expect(await t.outboxCounts(first.body.id)).to.deep.equal({ SubscriptionCreated: 1 });
    });
  });

  describe('when the customer service publishes', () => {
    it('projects CustomerRegistered and CustomerUpdated (currency) for the currency check', async () => {
      const customerId = await registeredCustomer(t, 'USD');
      const plan = await createdPlan(t);
      const refused = await t.write('/v1/subscriptions', { customerId, planCode: plan.code });
      expect(refused.body.error.code).to.equal('CUSTOMER_CURRENCY_MISMATCH');
      await t.publish('CustomerUpdated', customerId, {
        customerId,
        externalAccountId: `acct_${customerId}`,
        email: `${customerId}@example.com`,
        name: 'Renamed',
        defaultCurrency: 'EUR',
        occurredAt: new Date(Date.now() + 1_000).toISOString(),
      });
      const created = await until(
        () => t.write('/v1/subscriptions', { customerId, planCode: plan.code }),
        (response) => response.status === 201,
        'the currency change to be projected',
      );
      expect(created.body).to.include({ customerId, status: 'incomplete' });
    });
  });

  describe('GET /metrics', () => {
    it("serves each consumer group's lag per topic, 0 once what was published is consumed", async () => {
      await registeredCustomer(t, 'EUR'); // published on billing.customer.v1 and projected
      const lagOf = async () => {
        const text = await (await fetch(`${t.service.httpUrl}/metrics`)).text();
        const line = text.split('\n').find((candidate) => candidate.startsWith('consumer_lag_messages{') && candidate.includes(`consumer="${t.service.runtime.settings.service}.customer-projection"`));
        return line === undefined ? undefined : { line, lag: Number(line.split(' ').at(-1)) };
      };
      const metric = await until(lagOf, (found) => found?.lag === 0, 'the customer projection to have no lag');
      expect(metric!.line).to.equal(`consumer_lag_messages{consumer="${t.service.runtime.settings.service}.customer-projection",topic="billing.customer.v1"} 0`);
    });
  });

  describe('a subscription over REST', () => {
    it('upgrades once the prorated difference is paid, cancels at period end, resumes, and lists by customer', async () => {
      const { id, customerId, view } = await activeSubscription(t);
      const max = await createdPlan(t, { price: { amount: 9_900, currency: 'EUR' }, creditsPerPeriod: 5_000 });
      const changed = await t.write(`/v1/subscriptions/${id}/change-plan`, { planCode: max.code });
      expect(changed.status).to.equal(200);
      expect(changed.body.outcome).to.equal('payment_pending');
      expect(changed.body.subscription.plan).to.deep.equal(view.plan);
      const upgrade = changed.body.subscription.upgrade;
      expect(upgrade).to.deep.include({ status: 'payment_pending', currency: 'EUR', periodIndex: 1, failureReason: null });
      expect(upgrade.amount).to.be.within(6_990, 7_000);
      const again = await t.write(`/v1/subscriptions/${id}/change-plan`, { planCode: max.code });
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'UPGRADE_PAYMENT_PENDING']);
      const [requested] = (await t.subscriptionEvents(id, 3)).filter((event) => event.eventType === 'SubscriptionUpgradeRequested');
      expect(requested!.payload).to.include({ changeId: upgrade.changeId, amount: upgrade.amount, currency: 'EUR', toPlanId: max.planId, proratedCredits: upgrade.proratedCredits });

      await t.publish('PaymentSucceeded', id, { ...paymentSucceeded(id, customerId, 1), purpose: 'SUBSCRIPTION_UPGRADE', changeId: upgrade.changeId, amount: upgrade.amount });
      const upgraded = await subscriptionWhen(t, id, (s) => s.upgrade?.status === 'applied', 'upgrade applied');
      expect(upgraded.plan).to.deep.include({ planId: max.planId, price: { amount: 9_900, currency: 'EUR' } });
      const canceling = await t.write(`/v1/subscriptions/${id}/cancel`, { mode: 'at_period_end' });
      expect(canceling.body).to.include({ status: 'active', cancelAtPeriodEnd: true });
      const resumed = await t.write(`/v1/subscriptions/${id}/resume`);
      expect(resumed.body).to.include({ status: 'active', cancelAtPeriodEnd: false });
      const listed = await t.api('GET', `/v1/customers/${customerId}/subscriptions?limit=10`);
      expect(listed.body.data.map((s: { id: string }) => s.id)).to.deep.equal([id]);
      expect(await t.outboxCounts(id)).to.deep.equal({ SubscriptionCreated: 1, SubscriptionActivated: 1, SubscriptionUpgradeRequested: 1, SubscriptionPlanChanged: 1 });
    });

    it('keeps the old plan and says why when the upgrade payment fails', async () => {
      const { id, customerId, view } = await activeSubscription(t);
      const max = await createdPlan(t, { price: { amount: 9_900, currency: 'EUR' }, creditsPerPeriod: 5_000 });
      const changed = await t.write(`/v1/subscriptions/${id}/change-plan`, { planCode: max.code });
      const { changeId } = changed.body.subscription.upgrade;
      await t.publish('PaymentFailed', id, { ...paymentFailed(id, customerId, 1, 1), purpose: 'SUBSCRIPTION_UPGRADE', changeId, reason: 'insufficient_funds' });
      const failed = await subscriptionWhen(t, id, (s) => s.upgrade?.status === 'failed', 'upgrade failed');
      expect(failed.plan).to.deep.equal(view.plan);
      expect(failed.upgrade).to.deep.include({ failureReason: 'payment_failed', failureDetail: 'insufficient_funds' });
      expect(await t.outboxCounts(id)).to.deep.equal({ SubscriptionCreated: 1, SubscriptionActivated: 1, SubscriptionUpgradeRequested: 1, SubscriptionUpgradeFailed: 1 });
    });
  });

  describe('plans', () => {
    it('creates, versions, gets and lists plans; a new version leaves subscribers on theirs', async () => {
      const customerId = await registeredCustomer(t);
      const plan = await createdPlan(t, { trialDays: 0 });
      const subscribed = await t.write('/v1/subscriptions', { customerId, planCode: plan.code });
      const v2 = await t.write(`/v1/plans/${plan.code}/versions`, { price: { amount: 3_900, currency: 'EUR' }, lowBalanceThreshold: 120 });
      expect(v2.status).to.equal(201);
      expect(v2.body).to.include({ planId: plan.planId, version: 2, active: true, lowBalanceThreshold: 120 });
      expect((await t.write(`/v1/plans/${plan.code}/versions`, { lowBalanceThreshold: 0 })).body.error.code).to.equal('INVALID_REQUEST');
      expect((await t.api('GET', `/v1/plans/${plan.code}`)).body.price.amount).to.equal(3_900);
      expect((await t.api('GET', `/v1/plans/${plan.code}?version=1`)).body.price.amount).to.equal(2_900);
      const listed = (await t.api('GET', '/v1/plans')).body.data.filter((p: { code: string }) => p.code === plan.code);
      expect(listed.map((p: { version: number }) => p.version)).to.deep.equal([2]);
      const sub = await t.api('GET', `/v1/subscriptions/${subscribed.body.id}`);
      expect(sub.body.plan).to.deep.include({ version: 1, price: { amount: 2_900, currency: 'EUR' }, lowBalanceThreshold: null });
      expect((await t.api('GET', '/v1/plans/no-such-plan')).body.error.code).to.equal('PLAN_NOT_FOUND');
    });

    it('pages plans and a customer’s subscriptions with limit and cursor, and refuses a cursor it did not issue', async () => {
      const customerId = await registeredCustomer(t);
      const plan = await createdPlan(t);
      const ids = [];
      for (let i = 0; i < 3; i += 1) ids.push((await t.write('/v1/subscriptions', { customerId, planCode: plan.code })).body.id);
      const first = await t.api('GET', `/v1/customers/${customerId}/subscriptions?limit=2`);
      expect([first.status, first.body.data.length, typeof first.body.nextCursor]).to.deep.equal([200, 2, 'string']);
      const second = await t.api('GET', `/v1/customers/${customerId}/subscriptions?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.nextCursor).to.equal(null);
      const seen = [...first.body.data, ...second.body.data].map((s: { id: string }) => s.id);
      expect([...seen].sort()).to.deep.equal([...ids].sort());
      for (const path of [`/v1/customers/${customerId}/subscriptions?cursor=bogus`, `/v1/plans?cursor=${first.body.nextCursor}`]) {
        const refused = await t.api('GET', path);
        expect([refused.status, refused.body.error.code], path).to.deep.equal([400, 'INVALID_CURSOR']);
      }
      const plans = await t.api('GET', '/v1/plans?limit=1');
      expect([plans.body.data.length, typeof plans.body.nextCursor]).to.deep.equal([1, 'string']);
    });
  });

  describe('auth', () => {
    it('refuses a request without a token, and a customer-scoped token outside its customer', async () => {
      const anonymous = await t.api('GET', '/v1/plans', undefined, { authorization: '' });
      expect([anonymous.status, anonymous.body.error.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
      const customerId = await registeredCustomer(t);
      const scoped = await t.api('GET', `/v1/customers/${customerId}/subscriptions`, undefined, { authorization: `Bearer ${SCOPED_TOKEN}` });
      expect([scoped.status, scoped.body.error.code]).to.deep.equal([403, 'FORBIDDEN']);
      const own = await t.api('GET', `/v1/customers/${SCOPED_CUSTOMER}/subscriptions`, undefined, { authorization: `Bearer ${SCOPED_TOKEN}` });
      expect([own.status, own.body]).to.deep.equal([200, { data: [], nextCursor: null }]);
      const { id } = await activeSubscription(t);
      for (const [method, path] of [['GET', `/v1/subscriptions/${id}`], ['POST', `/v1/subscriptions/${id}/cancel`]] as const) {
        const refused = await t.api(method, path, method === 'POST' ? { mode: 'now' } : undefined, {
          authorization: `Bearer ${SCOPED_TOKEN}`,
          'idempotency-key': `scoped-${id}`,
        });
        expect([refused.status, refused.body.error.code], path).to.deep.equal([403, 'FORBIDDEN']);
      }
      expect((await t.api('GET', `/v1/subscriptions/${id}`)).body.status).to.equal('active');
      const plan = await t.write('/v1/plans', { code: 'scoped-plan', name: 'S', price: { amount: 1, currency: 'EUR' }, interval: 'day', creditsPerPeriod: 1 }, SCOPED_TOKEN);
      expect([plan.status, plan.body.error.code]).to.deep.equal([403, 'FORBIDDEN']);
    });
  });

  describe('GET /openapi.json', () => {
    it('documents every route with the very schemas the routes validate with', async () => {
      const response = await t.api('GET', '/openapi.json', undefined, { authorization: '' });
      expect(response.status).to.equal(200);
      const document = response.body;
      expect(document.openapi).to.equal('3.1.0');
      expect(Object.keys(document.paths).sort()).to.deep.equal([
        '/v1/customers/{customerId}/subscriptions',
        '/v1/plans',
        '/v1/plans/{code}',
        '/v1/plans/{code}/versions',
        '/v1/subscriptions',
        '/v1/subscriptions/{id}',
        '/v1/subscriptions/{id}/cancel',
        '/v1/subscriptions/{id}/change-plan',
        '/v1/subscriptions/{id}/resume',
      ]);
      expect(document.paths['/v1/plans'].post.requestBody.content['application/json'].schema).to.deep.equal(createPlanBody);
      expect(Object.keys(document.paths['/v1/plans'].post.responses)).to.include.members(['201', '403', '415']);
      expect(Object.keys(document.paths['/v1/subscriptions'].post.responses)).to.include.members(['201', '403', '415']);
      for (const list of ['/v1/plans', '/v1/customers/{customerId}/subscriptions']) {
        const operation = document.paths[list].get;
        expect(operation.responses['200'].content['application/json'].schema.required, list).to.deep.equal(['data', 'nextCursor']);
        expect(operation.parameters.map((p: { name: string }) => p.name), list).to.include.members(['limit', 'cursor']);
      }
      expect(document.paths['/v1/plans'].post.parameters.map((p: { name: string }) => p.name)).to.include('Idempotency-Key');
      expect(document.paths['/v1/subscriptions/{id}/cancel'].post.requestBody.content['application/json'].schema.properties.mode.enum).to.deep.equal([
        'now',
        'at_period_end',
      ]);
    });
  });
});
