import { randomUUID } from 'node:crypto';
import {
  describeHttpCase,
  endpointName,
  fuzzEndpoint,
  fuzzGrpcMethod,
  type GrpcMethodCases,
  grpcMethods,
  httpFuzzSender,
  invalidHttpRequests,
  registeredWriteRoutes,
  tableRowCounts,
  type WriteEndpoint,
} from '@billing/testkit';
import { expect } from 'chai';
import { MAX_CREDIT_AMOUNT } from '../domain/credit-amount.value-object';
import { type CreditServiceHarness, CreditServiceClient, startCreditServiceHarness } from '../testing/credit-service.test-harness';
import { captureBody, grantBody, lowBalanceThresholdBody, refundBody, reserveBody, revokeBody } from './http/credit-routes';

// 1,000 invalid requests per REST write route and per CreditService method, against an account that holds credits,
// a held reservation and a captured one: every answer must be a coded 4xx / client-error status, no table may change.

const customerId = `customer-${randomUUID()}`;
const credits = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_CREDIT_AMOUNT;
const sameId = (value: unknown, id: string) => typeof value === 'string' && value.toLowerCase() === id;
const idempotencyKey = (value: unknown) => typeof value === 'string' && /^[\x21-\x7e]{1,255}$/.test(value);

describe('Credit service interface (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let harness: CreditServiceHarness;
  let held: string;
  let captured: string;
  let grantId: string;
  const rowCounts = () => tableRowCounts(harness.pool);

  before(async () => {
    harness = await startCreditServiceHarness();
    await harness.openAccount(customerId, 1_000);
    held = (await harness.call('Reserve', { customerId, amount: 10, ttlSeconds: 86_400, idempotencyKey: 'held' })).reservationId;
    captured = (await harness.call('Reserve', { customerId, amount: 10, ttlSeconds: 86_400, idempotencyKey: 'captured' })).reservationId;
    await harness.call('Capture', { reservationId: captured, amount: 5, idempotencyKey: 'capture' });
    grantId = (await harness.rest('GET', `/v1/accounts/${customerId}/grants`)).body.data[0].grantId;
    // Other runs publish on the shared topics: from here on only the fuzzed requests could write.
    await harness.service.runtime.stopConsumers();
  });

  after(async () => {
    await harness?.close();
  });

  const restEndpoints = (): WriteEndpoint[] => [
    { method: 'POST', url: '/v1/accounts/:customerId/reservations', params: { customerId }, body: { schema: reserveBody, valid: { amount: 1, ttlSeconds: 60 } } },
    { method: 'POST', url: '/v1/accounts/:customerId/grants', params: { customerId }, body: { schema: grantBody, valid: { amount: 1, source: { type: 'MANUAL', id: 'fuzz' }, priority: 1 } } },
    { method: 'POST', url: '/v1/reservations/:reservationId/capture', params: { reservationId: held }, body: { schema: captureBody, valid: { amount: 1 } } },
    { method: 'POST', url: '/v1/reservations/:reservationId/release', params: { reservationId: held } },
    { method: 'POST', url: '/v1/reservations/:reservationId/refund', params: { reservationId: captured }, body: { schema: refundBody, valid: { amount: 1 } } },
    { method: 'POST', url: '/v1/accounts/:customerId/low-balance-threshold', params: { customerId }, body: { schema: lowBalanceThresholdBody, valid: { threshold: 1 } } },
    { method: 'POST', url: '/v1/grants/:grantId/revoke', params: { grantId }, body: { schema: revokeBody, valid: { reason: 'fuzz' } } },
  ];

  // What each method must accept (so it is never generated): the contract in proto/billing/credit/v1/credit.proto.
  const grpcCases = (): Record<string, GrpcMethodCases> => ({
    GetBalance: { valid: { customerId }, accepts: (m) => m.customerId === customerId },
    Reserve: {
      valid: { customerId, amount: 1, ttlSeconds: 60, idempotencyKey: 'fuzz' },
      accepts: (m) => m.customerId === customerId && credits(m.amount) && m.ttlSeconds >= 1 && m.ttlSeconds <= 86_400 && /^[\x21-\x7e]{1,255}$/.test(m.idempotencyKey),
    },
    Capture: {
      valid: { reservationId: held, amount: 1, idempotencyKey: 'fuzz' },
      accepts: (m) => (sameId(m.reservationId, held) || sameId(m.reservationId, captured)) && credits(m.amount) && idempotencyKey(m.idempotencyKey),
    },
    Release: { valid: { reservationId: held, idempotencyKey: 'fuzz' }, accepts: (m) => (sameId(m.reservationId, held) || sameId(m.reservationId, captured)) && idempotencyKey(m.idempotencyKey) },
    SetLowBalanceThreshold: {
      valid: { customerId, threshold: 1, idempotencyKey: 'fuzz' },
      accepts: (m) => m.customerId === customerId && (m.threshold === 0 || credits(m.threshold)) && /^[\x21-\x7e]{1,255}$/.test(m.idempotencyKey),
    },
    ListLedger: {
      valid: { customerId, limit: 10, cursor: '' },
      accepts: (m) => m.customerId === customerId && m.limit >= 0 && m.limit <= 500 && (m.cursor === '' || (Number.isSafeInteger(Number(m.cursor)) && Number(m.cursor) >= 0)),
    },
  });

  describe('when every write route gets 1,000 invalid requests', () => {
    it('fuzzes exactly the write routes the server registers', () => {
      const registered = registeredWriteRoutes(harness.service.runtime.http).map(endpointName);
      expect(restEndpoints().map(endpointName)).to.have.members(registered);
    });

    // The endpoints name ids made in before(): each is looked up when its test runs.
    const writeUrls = ['/v1/accounts/:customerId/reservations', '/v1/accounts/:customerId/grants', '/v1/reservations/:reservationId/capture', '/v1/reservations/:reservationId/release', '/v1/reservations/:reservationId/refund', '/v1/accounts/:customerId/low-balance-threshold', '/v1/grants/:grantId/revoke'];
    for (const url of writeUrls) {
      it(`answers POST ${url} with a coded 4xx and writes nothing`, async () => {
        const endpoint = restEndpoints().find((candidate) => candidate.url === url)!;
        const report = await fuzzEndpoint({
          name: endpointName(endpoint),
          cases: invalidHttpRequests(endpoint),
          send: httpFuzzSender(harness.service.httpUrl, harness.token),
          describe: describeHttpCase,
          rowCounts,
        });
        expect(report.serverErrors).to.equal(0);
      });
    }
  });

  describe('when every CreditService method gets 1,000 invalid messages', () => {
    it('fuzzes exactly the methods of the service', () => {
      expect(Object.keys(grpcCases())).to.have.members(grpcMethods(CreditServiceClient).map((method) => method.name));
    });

    for (const method of grpcMethods(CreditServiceClient)) {
      it(`answers ${method.name} with a coded client error and writes nothing`, async () => {
        const report = await fuzzGrpcMethod({ method, cases: grpcCases()[method.name]!, client: harness.client, token: harness.token, rowCounts });
        expect(report.serverErrors).to.equal(0);
      });
    }
  });
});
