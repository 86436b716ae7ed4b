import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serviceSettingsFromEnv } from '@billing/platform';
import { grpcAuthSweep, grpcMethods, restAuthSweep, type SelfSignedCertificate, selfSignedCertificate, tableRowCounts } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { type CreditServiceHarness, CreditServiceClient, startCreditServiceHarness } from '../testing/credit-service.test-harness';

const publicPaths = ['/healthz', '/readyz', '/metrics', '/openapi.json'];
const settingsEnv = (tls: Record<string, string>) => serviceSettingsFromEnv({ service: 'credit', database: 'billing_credit', httpPort: 0 }, { SERVICE_TOKENS: `tests:${randomUUID()}`, ...tls });

/** The status and error-code trailer a call was refused with, or OK. */
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => ['OK'],
    (error: grpc.ServiceError) => [grpc.status[error.code], error.metadata?.get('error-code')[0]],
  );

describe('Credit service security (real PostgreSQL, Kafka and registry; gRPC over TLS)', function () {
  this.timeout(120_000);
  let certificate: SelfSignedCertificate;
  let harness: CreditServiceHarness;
  const customerB = `customer-${randomUUID()}`;
  let heldB: string;
  let capturedB: string;

  before(async () => {
    certificate = selfSignedCertificate();
    // As a deployment configures it: the certificate and key files named in the environment.
    const { grpcTls } = settingsEnv({ GRPC_TLS_CERT_FILE: certificate.certFile, GRPC_TLS_KEY_FILE: certificate.keyFile });
    expect(grpcTls).to.deep.equal({ certFile: certificate.certFile, keyFile: certificate.keyFile });
    harness = await startCreditServiceHarness({ grpcTls });
    await harness.openAccount(harness.scopedCustomerId, 100);
    await harness.openAccount(customerB, 100);
    heldB = (await harness.call('Reserve', { customerId: customerB, amount: 10, ttlSeconds: 86_400, idempotencyKey: 'held' })).reservationId;
    capturedB = (await harness.call('Reserve', { customerId: customerB, amount: 10, ttlSeconds: 86_400, idempotencyKey: 'captured' })).reservationId;
    await harness.call('Capture', { reservationId: capturedB, amount: 5, idempotencyKey: 'capture' });
    // Other runs publish on the shared topics: from here on only the tests' requests could write.
    await harness.service.runtime.stopConsumers();
  });

  after(async () => {
    await harness?.close();
    certificate?.remove();
  });

  describe('when a call carries no token or an invalid one', () => {
    it('refuses every REST route with 401 UNAUTHENTICATED and writes nothing', async () => {
      const before = await tableRowCounts(harness.pool);
      const sweep = await restAuthSweep({ app: harness.service.runtime.http, baseUrl: harness.service.httpUrl, token: harness.token, publicPaths, params: { customerId: customerB, reservationId: heldB, grantId: randomUUID() } });
      expect(sweep.failures).to.deep.equal([]);
      expect(sweep.checked).to.be.greaterThan(50);
      expect(await tableRowCounts(harness.pool)).to.deep.equal(before);
    });

    it('refuses every CreditService method with UNAUTHENTICATED', async () => {
      const sweep = await grpcAuthSweep({ client: harness.client, methods: grpcMethods(CreditServiceClient), token: harness.token });
      expect(sweep.failures).to.deep.equal([]);
      expect(sweep.checked).to.equal(grpcMethods(CreditServiceClient).length * 7);
    });
  });

  describe('when a token is scoped to customer A', () => {
    const scoped = (method: string, path: string, body?: unknown) =>
      harness.rest(method, path, { token: harness.scopedToken, ...(body === undefined ? {} : { body }), ...(method === 'POST' ? { idempotencyKey: randomUUID() } : {}) });

    it("reads and reserves A's credits", async () => {
      expect((await scoped('GET', `/v1/accounts/${harness.scopedCustomerId}/balance`)).status).to.equal(200);
      expect((await scoped('GET', `/v1/accounts/${harness.scopedCustomerId}/ledger`)).status).to.equal(200);
      expect((await scoped('GET', `/v1/accounts/${harness.scopedCustomerId}/grants`)).status).to.equal(200);
      expect((await scoped('GET', `/v1/accounts/${harness.scopedCustomerId}/reservations`)).status).to.equal(200);
      expect((await scoped('GET', `/v1/accounts/${harness.scopedCustomerId}/balance-history`)).status).to.equal(200);
      expect((await scoped('POST', `/v1/accounts/${harness.scopedCustomerId}/reservations`, { amount: 1, ttlSeconds: 60 })).status).to.equal(201);
      expect(await harness.call('Reserve', { customerId: harness.scopedCustomerId, amount: 1, ttlSeconds: 60, idempotencyKey: 'own' }, harness.scopedToken)).to.include({ amount: 1, status: 'HELD' });
    });

    // A manual grant hands out money: a customer's own token granting itself credits was a hole (issue 15).
    it("cannot grant credits to A's own account nor revoke A's grants (403 FORBIDDEN), and writes nothing", async () => {
      const own = (await harness.rest('GET', `/v1/accounts/${harness.scopedCustomerId}/grants`)).body.data[0].grantId;
      const before = await tableRowCounts(harness.pool);
      const answers = [
        await scoped('POST', `/v1/accounts/${harness.scopedCustomerId}/grants`, { amount: 1_000, source: { type: 'MANUAL', id: randomUUID() } }),
        await scoped('POST', `/v1/grants/${own}/revoke`, { reason: 'mine' }),
      ];
      expect(answers.map((answer) => [answer.status, answer.body.error?.code])).to.deep.equal([
        [403, 'FORBIDDEN'],
        [403, 'FORBIDDEN'],
      ]);
      expect(await tableRowCounts(harness.pool)).to.deep.equal(before);
    });

    it("cannot read, reserve, grant, capture, release or refund B's credits, nor set its threshold (403 FORBIDDEN / PERMISSION_DENIED with code FORBIDDEN), and writes nothing", async () => {
      const before = await tableRowCounts(harness.pool);
      const rest = [
        await scoped('GET', `/v1/accounts/${customerB}/balance`),
        await scoped('GET', `/v1/accounts/${customerB}/ledger`),
        await scoped('GET', `/v1/accounts/${customerB}/grants`),
        await scoped('GET', `/v1/accounts/${customerB}/reservations`),
        await scoped('GET', `/v1/accounts/${customerB}/balance-history`),
        await scoped('POST', `/v1/accounts/${customerB}/reservations`, { amount: 1, ttlSeconds: 60 }),
        await scoped('POST', `/v1/accounts/${customerB}/grants`, { amount: 1, source: { type: 'MANUAL', id: randomUUID() } }),
        await scoped('GET', `/v1/reservations/${heldB}`),
        await scoped('POST', `/v1/reservations/${heldB}/capture`, { amount: 1 }),
        await scoped('POST', `/v1/reservations/${heldB}/release`),
        await scoped('POST', `/v1/reservations/${capturedB}/refund`, { amount: 1 }),
        await scoped('POST', `/v1/accounts/${customerB}/low-balance-threshold`, { threshold: 5 }),
      ];
      expect(rest.map((answer) => [answer.status, answer.body.error?.code])).to.deep.equal(Array(rest.length).fill([403, 'FORBIDDEN']));
      const grpcCalls = [
        await refusal(harness.call('GetBalance', { customerId: customerB }, harness.scopedToken)),
        await refusal(harness.call('Reserve', { customerId: customerB, amount: 1, ttlSeconds: 60, idempotencyKey: randomUUID() }, harness.scopedToken)),
        await refusal(harness.call('ListLedger', { customerId: customerB }, harness.scopedToken)),
        await refusal(harness.call('Capture', { reservationId: heldB, amount: 1, idempotencyKey: randomUUID() }, harness.scopedToken)),
        await refusal(harness.call('Release', { reservationId: heldB, idempotencyKey: randomUUID() }, harness.scopedToken)),
        await refusal(harness.call('SetLowBalanceThreshold', { customerId: customerB, threshold: 5, idempotencyKey: randomUUID() }, harness.scopedToken)),
      ];
      expect(grpcCalls).to.deep.equal(Array(grpcCalls.length).fill(['PERMISSION_DENIED', 'FORBIDDEN']));
      expect(await tableRowCounts(harness.pool)).to.deep.equal(before);
      expect(await harness.call('GetBalance', { customerId: customerB })).to.include({ balance: 95, held: 10 });
    });
  });

  describe('when gRPC is configured with a certificate', () => {
    /** GetBalance over a fresh channel with these credentials. */
    const getBalance = (credentials: grpc.ChannelCredentials) => {
      const client = new CreditServiceClient(harness.grpcAddress, credentials);
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${harness.token}`);
      const call = new Promise((resolve, reject) =>
        client.makeUnaryRequest(grpcMethods(CreditServiceClient).find((method) => method.name === 'GetBalance')!.path, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, Buffer.alloc(0), metadata, { deadline: Date.now() + 5_000 }, (error, response) =>
          error ? reject(error) : resolve(response),
        ),
      );
      return refusal(call).finally(() => client.close());
    };

    it('serves a client that trusts the certificate, and no plaintext client nor one that does not trust it', async () => {
      // An empty GetBalanceRequest: past TLS and authentication, refused for its empty customer id.
      expect(await getBalance(grpc.credentials.createSsl(readFileSync(certificate.certFile)))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_REQUEST']);
      expect((await getBalance(grpc.credentials.createInsecure()))[0]).to.equal('UNAVAILABLE');
      expect((await getBalance(grpc.credentials.createSsl()))[0]).to.equal('UNAVAILABLE');
    });

    it('refuses a certificate without its key, and a key without its certificate', () => {
      expect(() => settingsEnv({ GRPC_TLS_CERT_FILE: certificate.certFile })).to.throw(/GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE/);
      expect(() => settingsEnv({ GRPC_TLS_KEY_FILE: certificate.keyFile })).to.throw(/GRPC_TLS_CERT_FILE and GRPC_TLS_KEY_FILE/);
    });
  });
});
