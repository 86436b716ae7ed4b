import {
  describeHttpCase,
  endpointName,
  fuzzEndpoint,
  httpFuzzSender,
  invalidHttpRequests,
  registeredWriteRoutes,
  tableRowCounts,
  type WriteEndpoint,
} from '@billing/testkit';
import { expect } from 'chai';
import { createdPlan, registeredCustomer, startTestService, type TestService, TOKEN } from '../subscription-service.test-harness';
import { cancelBody, changePlanBody, createPlanBody, createSubscriptionBody, planRevisionBody } from './http/schemas';

// 1,000 invalid requests per REST write route, against a real plan and an incomplete subscription of a projected
// customer: every answer must be a coded 4xx, and no table may change.

describe('Subscription service interface (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let t: TestService;
  let customerId: string;
  let planCode: string;
  let otherPlanCode: string;
  let subscriptionId: string;

  before(async () => {
    // No renewal scheduler: nothing but the fuzzed requests may touch the database.
    t = await startTestService({ overrides: { runScheduler: false } });
    customerId = await registeredCustomer(t);
    planCode = (await createdPlan(t)).code;
    otherPlanCode = (await createdPlan(t, { creditsPerPeriod: 5_000 })).code;
    const created = await t.write('/v1/subscriptions', { customerId, planCode });
    if (created.status !== 201) throw new Error(`subscription not created: ${JSON.stringify(created.body)}`);
    subscriptionId = created.body.id;
    // Other runs publish on the shared topics: from here on only the fuzzed requests could write.
    await t.service.runtime.stopConsumers();
  });

  after(async () => {
    await t?.dispose();
  });

  const endpoints = (): WriteEndpoint[] => [
    {
      method: 'POST',
      url: '/v1/plans',
      body: { schema: createPlanBody, valid: { code: 'fuzz-plan', name: 'Fuzz', price: { amount: 1_000, currency: 'EUR' }, interval: 'month', creditsPerPeriod: 10, creditRollover: false, trialDays: 0 } },
    },
    { method: 'POST', url: '/v1/plans/:code/versions', params: { code: planCode }, body: { schema: planRevisionBody, valid: { name: 'Pro, revised', creditsPerPeriod: 20 } } },
    { method: 'POST', url: '/v1/subscriptions', body: { schema: createSubscriptionBody, valid: { customerId, planCode, planVersion: 1 } } },
    { method: 'POST', url: '/v1/subscriptions/:id/cancel', params: { id: subscriptionId }, body: { schema: cancelBody, valid: { mode: 'now' } } },
    { method: 'POST', url: '/v1/subscriptions/:id/resume', params: { id: subscriptionId } },
    { method: 'POST', url: '/v1/subscriptions/:id/change-plan', params: { id: subscriptionId }, body: { schema: changePlanBody, valid: { planCode: otherPlanCode } } },
  ];

  describe('when every write route gets 1,000 invalid requests', () => {
    it('fuzzes exactly the write routes the server registers', () => {
      expect(endpoints().map(endpointName)).to.have.members(registeredWriteRoutes(t.service.runtime.http).map(endpointName));
    });

    for (const name of [
      'POST /v1/plans',
      'POST /v1/plans/:code/versions',
      'POST /v1/subscriptions',
      'POST /v1/subscriptions/:id/cancel',
      'POST /v1/subscriptions/:id/resume',
      'POST /v1/subscriptions/:id/change-plan',
    ]) {
      it(`answers ${name} with a coded 4xx and writes nothing`, async () => {
        const endpoint = endpoints().find((candidate) => endpointName(candidate) === name)!;
        const report = await fuzzEndpoint({
          name,
          cases: invalidHttpRequests(endpoint),
          send: httpFuzzSender(t.service.httpUrl, TOKEN),
          describe: describeHttpCase,
          rowCounts: () => tableRowCounts(t.pool),
        });
        expect(report.serverErrors).to.equal(0);
      });
    }
  });
});
