import { restAuthSweep, tableRowCounts } from '@billing/testkit';
import { expect } from 'chai';
import { createdPlan, startTestService, type TestService, TOKEN } from '../subscription-service.test-harness';

describe('Subscription service security (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(60_000);
  let t: TestService;
  let planCode: string;

  before(async () => {
    t = await startTestService({ overrides: { runScheduler: false } });
    planCode = (await createdPlan(t)).code;
    // Other runs publish on the shared topics: from here on only the tests' requests could write.
    await t.service.runtime.stopConsumers();
  });

  after(async () => {
    await t?.dispose();
  });

  describe('when a call carries no token or an invalid one', () => {
    it('refuses every REST route with 401 UNAUTHENTICATED and writes nothing', async () => {
      const before = await tableRowCounts(t.pool);
      const sweep = await restAuthSweep({ app: t.service.runtime.http, baseUrl: t.service.httpUrl, token: TOKEN, publicPaths: ['/healthz', '/readyz', '/metrics', '/openapi.json'], params: { code: planCode } });
      expect(sweep.failures).to.deep.equal([]);
      expect(sweep.checked).to.equal(10 * 7);
      expect(await tableRowCounts(t.pool)).to.deep.equal(before);
    });
  });
});
