import { randomUUID } from 'node:crypto';
import { AvroCodec, dropDatabase, SchemaCatalog, type ServiceSettings } from '@billing/platform';
import { connectedProducer, eventually, publishEvent, testInfrastructure, uniqueName } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { loadProto } from '@billing/platform';
import { type RunningCreditService, startCreditService } from './credit-service';

const token = 'credit-test-token-0123456789';
const scopedToken = 'credit-scoped-token-0123456789';

describe('Credit service (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let service: RunningCreditService;
  let settings: ServiceSettings;
  let db: pg.Pool;
  let producer: Producer;
  let codec: AvroCodec;
  let client: any;
  const scopedCustomer = `customer-${randomUUID()}`;

  before(async () => {
    const infra = await testInfrastructure();
    settings = {
      service: uniqueName('credit-test'),
      database: uniqueName('billing_credit_test'),
      httpPort: 0,
      grpcPort: 0,
      infrastructure: infra,
      serviceTokens: `tests:${token},scoped:${scopedToken}:${scopedCustomer}`,
    };
    service = await startCreditService(settings, { consumeFromBeginning: false, sweepIntervalMs: 200 });
    await service.runtime.consumersFetching();
    db = new pg.Pool({ connectionString: service.runtime.databaseUrl, max: 4 });
    const kafka = new Kafka({ brokers: infra.kafkaBrokers, clientId: 'credit-test', logLevel: logLevel.NOTHING });
    producer = await connectedProducer(kafka);
    codec = new AvroCodec(infra.schemaRegistryUrl, SchemaCatalog.fromDirectory());
    const proto = loadProto('billing/credit/v1/credit.proto') as any;
    client = new proto.billing.credit.v1.CreditService(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await producer?.disconnect();
    await db?.end();
    await service?.close();
    await dropDatabase(settings.infrastructure.databaseUrl, settings.database);
  });

  const call = <T>(method: string, request: object, bearer: string | null = token): Promise<T> =>
    new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      if (bearer) metadata.set('authorization', `Bearer ${bearer}`);
      client[method](request, metadata, (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response)));
    });
  const rest = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const grant = (customerId: string, amount: number, id = randomUUID()) =>
    rest('POST', `/v1/accounts/${customerId}/grants`, { amount, source: { type: 'MANUAL', id } }, { 'idempotency-key': randomUUID() });
  const openAccount = async (customerId: string) => {
    await publishEvent(producer, codec, 'CustomerRegistered', { customerId, externalAccountId: customerId, email: 'a@example.com', name: null, defaultCurrency: 'EUR', occurredAt: new Date().toISOString() }, { key: customerId });
    const opened = await eventually(() => db.query('select 1 from credit_accounts where customer_id = $1', [customerId]), (result) => result.rowCount === 1);
    expect(opened.rowCount, 'account opened from CustomerRegistered').to.equal(1);
  };
  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params)).rows[0].count);
  /** The status and error-code trailer a call was refused with, or OK. */
  const codeOf = async (promise: Promise<unknown>) => {
    const error = (await promise.then(() => undefined, (caught: grpc.ServiceError) => caught)) as grpc.ServiceError | undefined;
    return error ? [grpc.status[error.code], error.metadata.get('error-code')[0]] : ['OK'];
  };
  const ledgerSum = async (customerId: string) =>
    (
      await db.query(
        'select coalesce(sum(balance_delta), 0)::int as balance, coalesce(sum(held_delta), 0)::int as held from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1',
        [customerId],
      )
    ).rows[0] as { balance: number; held: number };

  describe('when 1,000 reservations of 1 credit race for an account holding 500', () => {
    it('lets exactly 500 succeed, never overdraws, and the ledger sums to the balance', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      expect((await grant(customerId, 500)).status).to.equal(201);
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, (_, index) => call('Reserve', { customerId, amount: 1, ttlSeconds: 600, idempotencyKey: `race-${index}` })),
      );
      const succeeded = results.filter((result) => result.status === 'fulfilled');
      const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(succeeded).to.have.length(500);
      expect(refused).to.have.length(500);
      for (const refusal of refused) {
        expect(refusal.reason.code).to.equal(grpc.status.FAILED_PRECONDITION);
        expect(refusal.reason.metadata.get('error-code')[0]).to.equal('INSUFFICIENT_CREDITS');
      }
      const balance = await call<{ balance: number; available: number; held: number }>('GetBalance', { customerId });
      expect(balance).to.deep.include({ balance: 500, held: 500, available: 0 });
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 500, held: 500 });
      const [account] = (await db.query('select balance, held from credit_accounts where customer_id = $1', [customerId])).rows;
      expect(Number(account.balance) - Number(account.held), 'available never below zero').to.equal(0);
    });
  });

  describe('when a reserve is replayed with its idempotency key', () => {
    it('holds once and answers the same reservation', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 100);
      const request = { customerId, amount: 30, ttlSeconds: 60, idempotencyKey: 'once' };
      const [first, second, third] = await Promise.all([call<any>('Reserve', request), call<any>('Reserve', request), call<any>('Reserve', request)]);
      expect(second.reservationId).to.equal(first.reservationId);
      expect(first.availableAfter).to.equal(70);
      expect(third.reservationId).to.equal(first.reservationId);
      expect(await count("select count(*) from credit_ledger where type = 'hold' and reservation_id = $1", [first.reservationId])).to.equal(1);
      expect((await call<any>('GetBalance', { customerId })).held).to.equal(30);
      const otherAmount = await call('Reserve', { ...request, amount: 31 }).catch((error: grpc.ServiceError) => error);
      expect((otherAmount as grpc.ServiceError).metadata.get('error-code')[0]).to.equal('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('when a hold is captured in part', () => {
    it('captures the amount, releases the rest, and answers the capture replayed under its key with the first outcome', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 100);
      const reservation = await call<any>('Reserve', { customerId, amount: 40, ttlSeconds: 60, idempotencyKey: 'work-1' });
      const capture = { reservationId: reservation.reservationId, amount: 25, idempotencyKey: 'capture-work-1' };
      expect(await call('Capture', capture)).to.deep.equal({ reservationId: reservation.reservationId, captured: 25, released: 15 });
      expect(await call('Capture', capture)).to.deep.equal({ reservationId: reservation.reservationId, captured: 25, released: 15 });
      expect(await codeOf(call('Release', { reservationId: reservation.reservationId, idempotencyKey: 'release-work-1' }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_ALREADY_RESOLVED']);
      expect(await call<any>('GetBalance', { customerId })).to.deep.include({ balance: 75, held: 0, available: 75 });
      const ledger = await call<any>('ListLedger', { customerId, limit: 10 });
      expect(ledger.entries.map((entry: any) => entry.type)).to.deep.equal(['grant', 'hold', 'capture', 'release']);
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 75, held: 0 });
    });
  });

  describe('when Capture or Release is replayed with its idempotency key, or repeated under another', () => {
    const entriesOf = (reservationId: string, type: string) => count('select count(*) from credit_ledger where reservation_id = $1 and type = $2', [reservationId, type]);

    it('Capture: the same key answers the first result with one capture entry; another key is FAILED_PRECONDITION RESERVATION_ALREADY_RESOLVED', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 100);
      const { reservationId } = await call<any>('Reserve', { customerId, amount: 30, ttlSeconds: 60, idempotencyKey: 'capture-replay' });
      const capture = { reservationId, amount: 20, idempotencyKey: `capture-${randomUUID()}` };
      const answers = await Promise.all([call('Capture', capture), call('Capture', capture), call('Capture', capture)]);
      expect(answers).to.deep.equal(Array(3).fill({ reservationId, captured: 20, released: 10 }));
      expect(await entriesOf(reservationId, 'capture')).to.equal(1);
      expect(await codeOf(call('Capture', { ...capture, idempotencyKey: `capture-${randomUUID()}` }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_ALREADY_RESOLVED']);
      expect(await codeOf(call('Capture', { ...capture, amount: 21 })), 'the same key with another amount').to.deep.equal(['ALREADY_EXISTS', 'IDEMPOTENCY_KEY_REUSED']);
      expect(await codeOf(call('Capture', { reservationId, amount: 20 })), 'no key').to.deep.equal(['INVALID_ARGUMENT', 'INVALID_REQUEST']);
      expect(await entriesOf(reservationId, 'capture')).to.equal(1);
      expect(await call<any>('GetBalance', { customerId })).to.deep.include({ balance: 80, held: 0 });
    });

    it('Release: the same key answers the first result with one release of the hold; another key is FAILED_PRECONDITION RESERVATION_ALREADY_RESOLVED', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 100);
      const { reservationId } = await call<any>('Reserve', { customerId, amount: 30, ttlSeconds: 60, idempotencyKey: 'release-replay' });
      const release = { reservationId, idempotencyKey: `release-${randomUUID()}` };
      const answers = await Promise.all([call('Release', release), call('Release', release)]);
      expect(answers).to.deep.equal(Array(2).fill({ reservationId, released: 30 }));
      expect(await entriesOf(reservationId, 'release')).to.equal(1);
      expect(await codeOf(call('Release', { ...release, idempotencyKey: `release-${randomUUID()}` }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_ALREADY_RESOLVED']);
      expect(await codeOf(call('Capture', { reservationId, amount: 1, idempotencyKey: release.idempotencyKey })), 'the release key on a capture').to.deep.equal(['ALREADY_EXISTS', 'IDEMPOTENCY_KEY_REUSED']);
      expect(await entriesOf(reservationId, 'release')).to.equal(1);
      expect(await call<any>('GetBalance', { customerId })).to.deep.include({ balance: 100, held: 0 });
    });

    it('REST capture and release answer the same way under the Idempotency-Key header (409 RESERVATION_ALREADY_RESOLVED for another key)', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 100);
      const reserve = (key: string) => rest('POST', `/v1/accounts/${customerId}/reservations`, { amount: 30, ttlSeconds: 60 }, { 'idempotency-key': key });
      const reserved = await reserve('rest-capture');
      expect(reserved.status, 'a reserve is a create').to.equal(201);
      const captured = reserved.body.reservationId;
      const capture = (key: string, amount = 20) => rest('POST', `/v1/reservations/${captured}/capture`, { amount }, { 'idempotency-key': key });
      const captureKey = randomUUID();
      expect(await capture(captureKey)).to.deep.equal({ status: 200, body: { reservationId: captured, captured: 20, released: 10, replayed: false } });
      expect(await capture(captureKey)).to.deep.equal({ status: 200, body: { reservationId: captured, captured: 20, released: 10, replayed: true } });
      expect(await entriesOf(captured, 'capture')).to.equal(1);
      const again = await capture(randomUUID());
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'RESERVATION_ALREADY_RESOLVED']);
      const reused = await capture(captureKey, 21);
      expect([reused.status, reused.body.error.code]).to.deep.equal([422, 'IDEMPOTENCY_KEY_REUSED']);

      const released = (await reserve('rest-release')).body.reservationId;
      const release = (key: string) => rest('POST', `/v1/reservations/${released}/release`, undefined, { 'idempotency-key': key });
      const releaseKey = randomUUID();
      expect(await release(releaseKey)).to.deep.equal({ status: 200, body: { reservationId: released, released: 30, replayed: false } });
      expect(await release(releaseKey)).to.deep.equal({ status: 200, body: { reservationId: released, released: 30, replayed: true } });
      expect(await entriesOf(released, 'release')).to.equal(1);
      const releasedAgain = await release(randomUUID());
      expect([releasedAgain.status, releasedAgain.body.error.code]).to.deep.equal([409, 'RESERVATION_ALREADY_RESOLVED']);
    });
  });

  describe('when the ledger is read a page at a time', () => {
    it('REST answers { data, nextCursor } with limit coerced from the query and an opaque cursor; gRPC pages the same entries', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      for (const amount of [1, 2, 3, 4, 5]) await grant(customerId, amount);
      const page = (query: string) => rest('GET', `/v1/accounts/${customerId}/ledger${query}`);
      const first = await page('?limit=2');
      expect(first.status).to.equal(200);
      expect(Object.keys(first.body)).to.have.members(['data', 'nextCursor']);
      expect(first.body.data.map((entry: any) => [entry.sequence, entry.type, entry.amount])).to.deep.equal([[1, 'grant', 1], [2, 'grant', 2]]);
      const second = await page(`?limit=2&cursor=${first.body.nextCursor}`);
      const last = await page(`?limit=2&cursor=${second.body.nextCursor}`);
      expect(last.body.data.map((entry: any) => entry.amount)).to.deep.equal([5]);
      expect(last.body.nextCursor, 'no cursor to an empty page').to.equal(null);
      expect((await page('?limit=37')).body.data).to.have.length(5);
      expect((await page('')).body.data).to.have.length(5);
      const badCursor = await page('?cursor=37');
      expect([badCursor.status, badCursor.body.error.code]).to.deep.equal([400, 'INVALID_CURSOR']);
      const tooMany = await page('?limit=101');
      expect([tooMany.status, tooMany.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);

      const grpcFirst = await call<any>('ListLedger', { customerId, limit: 3 });
      const grpcRest = await call<any>('ListLedger', { customerId, limit: 3, cursor: grpcFirst.nextCursor });
      expect([...grpcFirst.entries, ...grpcRest.entries].map((entry: any) => Number(entry.amount))).to.deep.equal([1, 2, 3, 4, 5]);
      expect(grpcRest.nextCursor).to.equal('');
    });
  });

  describe('when subscription and payment events arrive twice and out of order', () => {
    it('applies each grant and revoke once, including a refund that arrives before its top-up', async () => {
      const customerId = `customer-${randomUUID()}`;
      const subscriptionId = randomUUID();
      const topUpId = randomUUID();
      const now = new Date();
      const periodEnd = new Date(now.getTime() + 30 * 86_400_000).toISOString();
      const renewed = { subscriptionId, customerId, planId: 'pro', planVersion: 1, periodIndex: 2, periodStart: now.toISOString(), periodEnd, amount: 1000, currency: 'EUR', credits: 300, creditRollover: false, occurredAt: now.toISOString() };
      const activated = { subscriptionId, customerId, planId: 'pro', planVersion: 1, periodIndex: 1, periodStart: now.toISOString(), periodEnd, amount: 1000, currency: 'EUR', creditsPerPeriod: 300, creditRollover: false, occurredAt: now.toISOString() };
      const payment = { paymentId: randomUUID(), customerId, purpose: 'CREDIT_TOP_UP', referenceId: topUpId, periodIndex: null, credits: 50, amount: 500, currency: 'EUR', gatewayPaymentIntentId: 'pi_123', occurredAt: now.toISOString() };
      const refunded = { ...payment, amountRefunded: 500, totalRefunded: 500 };
      const ids = { renewed: randomUUID(), activated: randomUUID(), topUp: randomUUID(), refund: randomUUID() };

      // Out of order (renewal before activation, refund before the top-up it revokes), each delivered twice.
      for (let copy = 0; copy < 2; copy += 1) {
        await publishEvent(producer, codec, 'SubscriptionRenewed', renewed, { key: subscriptionId, eventId: ids.renewed });
        await publishEvent(producer, codec, 'PaymentRefunded', refunded, { key: payment.paymentId, eventId: ids.refund });
      }
      for (let copy = 0; copy < 2; copy += 1) {
        await publishEvent(producer, codec, 'SubscriptionActivated', activated, { key: subscriptionId, eventId: ids.activated });
        await publishEvent(producer, codec, 'PaymentSucceeded', payment, { key: payment.paymentId, eventId: ids.topUp });
      }
      const grants = await eventually(
        async () => (await db.query('select source_type, source_period, amount, revoked_amount from credit_grants g join credit_accounts a using (account_id) where a.customer_id = $1 order by source_type, source_period', [customerId])).rows,
        (rows) => rows.length === 3 && rows.some((row) => Number(row.revoked_amount) === 50),
      );
      expect(grants.map((row) => [row.source_type, row.source_period, Number(row.amount), Number(row.revoked_amount)])).to.deep.equal([
        ['SUBSCRIPTION_PERIOD', 1, 300, 0],
        ['SUBSCRIPTION_PERIOD', 2, 300, 0],
        ['TOP_UP', null, 50, 50],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the duplicates arrive
      expect(await count("select count(*) from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and type = 'grant'", [customerId])).to.equal(3);
      expect(await count("select count(*) from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and type = 'revoke'", [customerId])).to.equal(1);
      expect((await call<any>('GetBalance', { customerId })).balance).to.equal(600);
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 600, held: 0 });
    });
  });

  describe("when an upgrade's payment is refunded in full", () => {
    it("revokes nothing from the period's grant it did not pay for", async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      const subscriptionId = randomUUID();
      const now = new Date();
      const activated = {
        subscriptionId, customerId, planId: 'plan', planVersion: 1, periodIndex: 1, periodStart: now.toISOString(),
        periodEnd: new Date(now.getTime() + 86_400_000).toISOString(), amount: 2_900, currency: 'EUR', creditsPerPeriod: 1_000, creditRollover: false, occurredAt: now.toISOString(),
      };
      await publishEvent(producer, codec, 'SubscriptionActivated', activated, { key: subscriptionId });
      await eventually(() => call<any>('GetBalance', { customerId }), (balance) => balance.available === 1_000);
      const upgrade = {
        paymentId: randomUUID(), customerId, purpose: 'SUBSCRIPTION_UPGRADE', referenceId: subscriptionId, periodIndex: 1, credits: null,
        amount: 500, currency: 'EUR', gatewayPaymentIntentId: 'pi_upgrade', amountRefunded: 500, totalRefunded: 500, occurredAt: now.toISOString(),
      };
      const refundEventId = randomUUID();
      await publishEvent(producer, codec, 'PaymentRefunded', upgrade, { key: upgrade.paymentId, eventId: refundEventId });
      await eventually(() => count('select count(*) from processed_messages where event_id = $1', [refundEventId]), (consumed) => consumed === 1);
      expect((await call<any>('GetBalance', { customerId })).balance).to.equal(1_000);
      expect(await count("select count(*) from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and type in ('revoke', 'shortfall')", [customerId])).to.equal(0);
    });
  });

  describe('when 40 % of a top-up is refunded, then 90 % in all, with a repeat and a stale refund after it', () => {
    it('revokes 40 % then the rest of the 90 % share that is unspent, and records the shortfall', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      const topUpId = randomUUID();
      const now = new Date().toISOString();
      const payment = { paymentId: randomUUID(), customerId, purpose: 'CREDIT_TOP_UP', referenceId: topUpId, periodIndex: null, credits: 500, amount: 1_000, currency: 'EUR', gatewayPaymentIntentId: 'pi_partial', occurredAt: now };
      await publishEvent(producer, codec, 'PaymentSucceeded', payment, { key: payment.paymentId });
      await eventually(() => call<any>('GetBalance', { customerId }), (balance) => balance.available === 500);
      const spend = await call<any>('Reserve', { customerId, amount: 200, ttlSeconds: 60, idempotencyKey: 'spend' });
      await call('Capture', { reservationId: spend.reservationId, amount: 200, idempotencyKey: 'spend' });

      const refund = (amountRefunded: number, totalRefunded: number) => ({ ...payment, amountRefunded, totalRefunded, occurredAt: new Date().toISOString() });
      const forty = { payload: refund(400, 400), eventId: randomUUID(), actor: 'console:alice' };
      await publishEvent(producer, codec, 'PaymentRefunded', forty.payload, { key: payment.paymentId, eventId: forty.eventId, actor: forty.actor });
      const afterForty = await eventually(() => call<any>('GetBalance', { customerId }), (balance) => balance.available !== 300);
      expect(afterForty.available, '40 % of 500 = 200 revoked from the 300 unspent').to.equal(100);

      const ninety = { payload: refund(500, 900), eventId: randomUUID(), actor: 'console:bob' };
      for (const delivery of [ninety, forty, ninety]) await publishEvent(producer, codec, 'PaymentRefunded', delivery.payload, { key: payment.paymentId, eventId: randomUUID(), actor: delivery.actor });
      const rows = await eventually(
        async () => (await db.query("select l.type, l.amount::int, l.actor from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and l.type in ('revoke', 'shortfall') order by l.sequence", [customerId])).rows,
        (found) => found.length === 3,
      );
      // 90 % of 500 = 450 claimed in all: 200 + 100 revoked, 150 already spent; each by the actor its event's context names.
      expect(rows.map((row) => [row.type, row.amount, row.actor])).to.deep.equal([
        ['revoke', 200, 'console:alice'],
        ['revoke', 100, 'console:bob'],
        ['shortfall', 150, 'console:bob'],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the repeated and older refunds arrive
      expect(await count("select count(*) from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and type in ('revoke', 'shortfall')", [customerId])).to.equal(3);
      expect((await call<any>('GetBalance', { customerId })).available).to.equal(0);
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 0, held: 0 });
    });
  });

  describe('when disputes of top-ups open and close, repeated and out of order', () => {
    it('a dispute won restores what its opening revoked; one won before its opening arrives revokes nothing', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      const now = new Date().toISOString();
      const topUp = (credits: number) => ({ paymentId: randomUUID(), customerId, purpose: 'CREDIT_TOP_UP', referenceId: randomUUID(), periodIndex: null, credits, amount: 1_000, currency: 'EUR', gatewayPaymentIntentId: 'pi_dispute', occurredAt: now });
      const first = topUp(300);
      const second = topUp(200);
      for (const payment of [first, second]) await publishEvent(producer, codec, 'PaymentSucceeded', payment, { key: payment.paymentId });
      await eventually(() => call<any>('GetBalance', { customerId }), (balance) => balance.available === 500);
      const disputed = (payment: typeof first, disputeId: string) => ({ ...payment, disputeId, disputeStatus: 'needs_response', amountDisputed: 1_000 });
      const closed = (payment: typeof first, disputeId: string, status: string) => ({ ...payment, disputeId, status, amountDisputed: 1_000 });

      await publishEvent(producer, codec, 'PaymentDisputed', disputed(first, 'dp_first'), { key: first.paymentId });
      await eventually(() => call<any>('GetBalance', { customerId }), (balance) => balance.available === 200);
      for (let copy = 0; copy < 2; copy += 1) await publishEvent(producer, codec, 'PaymentDisputeClosed', closed(first, 'dp_first', 'won'), { key: first.paymentId });
      // The second dispute's closing (won) overtakes its opening.
      await publishEvent(producer, codec, 'PaymentDisputeClosed', closed(second, 'dp_second', 'won'), { key: second.paymentId });
      await publishEvent(producer, codec, 'PaymentDisputed', disputed(second, 'dp_second'), { key: second.paymentId });
      await publishEvent(producer, codec, 'PaymentDisputed', disputed(first, 'dp_first'), { key: first.paymentId });
      const grants = await eventually(
        async () => (await db.query("select g.source_type, g.source_id, g.amount::int, g.remaining::int from credit_grants g join credit_accounts a using (account_id) where a.customer_id = $1 and g.source_type = 'DISPUTE_REVERSAL'", [customerId])).rows,
        (rows) => rows.length === 1,
      );
      expect(grants).to.deep.equal([{ source_type: 'DISPUTE_REVERSAL', source_id: 'dp_first', amount: 300, remaining: 300 }]);
      await new Promise((resolve) => setTimeout(resolve, 500)); // let the late and repeated events arrive
      expect((await call<any>('GetBalance', { customerId })).available).to.equal(500);
      expect(await count("select count(*) from credit_ledger l join credit_accounts a using (account_id) where a.customer_id = $1 and type = 'revoke'", [customerId])).to.equal(1);
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 500, held: 0 });
    });
  });

  describe('when low-balance thresholds are set over REST and gRPC, or come with a plan', () => {
    it('stores them idempotently, and a plan default applies only to an account without one', async () => {
      const own = `customer-${randomUUID()}`;
      await openAccount(own);
      const set = (threshold: number | null, key: string) => rest('POST', `/v1/accounts/${own}/low-balance-threshold`, { threshold }, { 'idempotency-key': key });
      expect(await set(40, 'threshold-1')).to.deep.equal({ status: 200, body: { customerId: own, lowBalanceThreshold: 40, available: 0 } });
      expect((await set(40, 'threshold-1')).status, 'a replay answers the first response').to.equal(200);
      expect((await set(41, 'threshold-1')).body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect((await set(0, 'threshold-2')).body.error.code).to.equal('INVALID_REQUEST');
      expect(await call('SetLowBalanceThreshold', { customerId: own, threshold: 30, idempotencyKey: 'threshold-3' })).to.deep.equal({ customerId: own, threshold: 30, available: 0 });

      const planned = `customer-${randomUUID()}`;
      const now = new Date();
      const activated = (customerId: string) => ({
        subscriptionId: randomUUID(), customerId, planId: 'pro', planVersion: 1, periodIndex: 1, periodStart: now.toISOString(),
        periodEnd: new Date(now.getTime() + 30 * 86_400_000).toISOString(), amount: 1000, currency: 'EUR', creditsPerPeriod: 300, creditRollover: false,
        lowBalanceThreshold: 50, occurredAt: now.toISOString(),
      });
      for (const customerId of [own, planned]) await publishEvent(producer, codec, 'SubscriptionActivated', activated(customerId), { key: customerId });
      const thresholds = await eventually(
        async () => Promise.all([own, planned].map(async (customerId) => (await rest('GET', `/v1/accounts/${customerId}/balance`)).body)),
        (balances) => balances.every((balance) => balance.balance === 300),
      );
      expect(thresholds.map((balance) => balance.lowBalanceThreshold)).to.deep.equal([30, 50]);
      expect(await count("select count(*) from outbox where event_type in ('CreditBalanceLow', 'CreditBalanceRecovered') and payload ->> 'customerId' = any($1)", [[own, planned]])).to.equal(0);
    });
  });

  describe('when the grant a resolved hold drew on is spent', () => {
    it('answers a repeated capture with the first outcome and a release with RESERVATION_ALREADY_RESOLVED, not INTERNAL', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 40);
      const reservation = await call<any>('Reserve', { customerId, amount: 40, ttlSeconds: 60, idempotencyKey: 'all-of-it' });
      const capture = { reservationId: reservation.reservationId, amount: 40, idempotencyKey: 'capture-all' };
      expect(await call('Capture', capture)).to.deep.include({ captured: 40, released: 0 });
      expect(await count('select count(*) from credit_grants g join credit_accounts a using (account_id) where a.customer_id = $1 and g.remaining = 0', [customerId])).to.equal(1);

      expect(await call('Capture', capture)).to.deep.include({ captured: 40, released: 0 });
      expect(await codeOf(call('Release', { reservationId: reservation.reservationId, idempotencyKey: 'release-all' }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_ALREADY_RESOLVED']);
      expect(await ledgerSum(customerId)).to.deep.equal({ balance: 0, held: 0 });
    });
  });

  describe('when a batch waits for the account lock while another transaction changes its grants', () => {
    it('loads the grants as that transaction left them, with the account (no stale snapshot)', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 50);
      const other = await db.connect();
      try {
        // Another writer (another instance, the sweeper) holds the account and spends part of its grant, balance with it.
        await other.query('begin');
        await other.query('select 1 from credit_accounts where customer_id = $1 for update', [customerId]);
        await other.query(
          `update credit_grants g set remaining = remaining - 20, consumed = consumed + 20 from credit_accounts a
           where a.account_id = g.account_id and a.customer_id = $1`,
          [customerId],
        );
        await other.query('update credit_accounts set balance = balance - 20 where customer_id = $1', [customerId]);
        const reserve = call<any>('Reserve', { customerId, amount: 30, ttlSeconds: 60, idempotencyKey: 'behind-the-lock' });
        const waiting = await eventually(
          () => count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%credit_accounts%for update%'", []),
          (blocked) => blocked === 1,
        );
        expect(waiting, 'the reserve waits for the row lock').to.equal(1);
        await other.query('commit');
        // Loaded stale, the grant would show 50 left against a balance of 30: an invariant violation, answered INTERNAL.
        expect(await reserve).to.deep.include({ amount: 30, status: 'HELD' });
      } finally {
        other.release();
      }
      expect(await call<any>('GetBalance', { customerId })).to.deep.include({ balance: 30, held: 30, available: 0 });
    });
  });

  describe('when two instances of the service write the same account in turn', () => {
    it('each acts on what the other wrote', async () => {
      const second = await startCreditService({ ...settings, service: uniqueName('credit-second') }, { consumeFromBeginning: false, sweepIntervalMs: 60_000 });
      const proto = loadProto('billing/credit/v1/credit.proto') as any;
      const secondClient = new proto.billing.credit.v1.CreditService(`127.0.0.1:${second.grpcPort}`, grpc.credentials.createInsecure());
      const callSecond = <T>(method: string, request: object) =>
        new Promise<T>((resolve, reject) => {
          const metadata = new grpc.Metadata();
          metadata.set('authorization', `Bearer ${token}`);
          secondClient[method](request, metadata, (error: grpc.ServiceError | null, response: T) => (error ? reject(error) : resolve(response)));
        });
      const refusal = (promise: Promise<unknown>) => promise.then(() => 'OK', (error: grpc.ServiceError) => error.metadata.get('error-code')[0]);
      try {
        const customerId = `customer-${randomUUID()}`;
        await openAccount(customerId);
        await grant(customerId, 50);
        const first = await call<any>('Reserve', { customerId, amount: 30, ttlSeconds: 60, idempotencyKey: 'first-30' });
        // Each instance's last write of the account is out of date at its next command: state kept between batches
        // (a cache of the hot account, say) would act on it.
        expect(await callSecond<any>('Release', { reservationId: first.reservationId, idempotencyKey: 'release-first-30' })).to.deep.include({ released: 30 });
        expect(await call<any>('Reserve', { customerId, amount: 40, ttlSeconds: 60, idempotencyKey: 'first-40' })).to.deep.include({ status: 'HELD', availableAfter: 10 });
        expect(await refusal(callSecond('Reserve', { customerId, amount: 20, ttlSeconds: 60, idempotencyKey: 'second-20' }))).to.equal('INSUFFICIENT_CREDITS');
        expect(await callSecond<any>('Reserve', { customerId, amount: 10, ttlSeconds: 60, idempotencyKey: 'second-10' })).to.deep.include({ status: 'HELD', availableAfter: 0 });
        expect(await refusal(call('Reserve', { customerId, amount: 1, ttlSeconds: 60, idempotencyKey: 'first-1' }))).to.equal('INSUFFICIENT_CREDITS');
        expect(await ledgerSum(customerId)).to.deep.equal({ balance: 50, held: 50 });
      } finally {
        secondClient.close();
        await second.close();
      }
    });
  });

  describe('when the input is bad', () => {
    it('answers 4xx / INVALID_ARGUMENT or FAILED_PRECONDITION with a code and writes nothing', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 10);
      const reservation = await call<any>('Reserve', { customerId, amount: 5, ttlSeconds: 60, idempotencyKey: 'bad-input' });
      const before = await count('select count(*) from credit_ledger', []);
      expect(await codeOf(call('Reserve', { customerId, amount: 0, ttlSeconds: 60, idempotencyKey: 'z' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_AMOUNT']);
      expect(await codeOf(call('Reserve', { customerId, amount: -5, ttlSeconds: 60, idempotencyKey: 'n' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_AMOUNT']);
      expect(await codeOf(call('Reserve', { customerId, amount: 2_000_000_000, ttlSeconds: 60, idempotencyKey: 'o' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_AMOUNT']);
      expect(await codeOf(call('Reserve', { customerId, amount: 1, ttlSeconds: 0, idempotencyKey: 't' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_TTL']);
      expect(await codeOf(call('Reserve', { customerId, amount: 1, ttlSeconds: 90_000, idempotencyKey: 't2' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_TTL']);
      expect(await codeOf(call('Reserve', { customerId: `nobody-${randomUUID()}`, amount: 1, ttlSeconds: 60, idempotencyKey: 'u' }))).to.deep.equal(['NOT_FOUND', 'ACCOUNT_NOT_FOUND']);
      expect(await codeOf(call('Capture', { reservationId: reservation.reservationId, amount: 6, idempotencyKey: 'c6' }))).to.deep.equal(['FAILED_PRECONDITION', 'CAPTURE_EXCEEDS_HOLD']);
      expect(await codeOf(call('Capture', { reservationId: 'not-a-uuid', amount: 1, idempotencyKey: 'c1' }))).to.deep.equal(['INVALID_ARGUMENT', 'INVALID_REQUEST']);
      expect(await codeOf(call('GetBalance', { customerId }, null))).to.deep.equal(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(await codeOf(call('GetBalance', { customerId }, 'wrong-token-0123456789'))).to.deep.equal(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(await codeOf(call('GetBalance', { customerId }, scopedToken))).to.deep.equal(['PERMISSION_DENIED', 'FORBIDDEN']);
      await call('Release', { reservationId: reservation.reservationId, idempotencyKey: 'r1' });
      expect(await codeOf(call('Capture', { reservationId: reservation.reservationId, amount: 1, idempotencyKey: 'c2' }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_ALREADY_RESOLVED']);
      const fractional = await rest('POST', `/v1/accounts/${customerId}/reservations`, { amount: 1.5, ttlSeconds: 60 }, { 'idempotency-key': 'f' });
      expect([fractional.status, fractional.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);
      const noKey = await rest('POST', `/v1/accounts/${customerId}/reservations`, { amount: 1, ttlSeconds: 60 });
      expect([noKey.status, noKey.body.error.code]).to.deep.equal([400, 'IDEMPOTENCY_KEY_REQUIRED']);
      const huge = await rest('POST', `/v1/accounts/${customerId}/reservations`, { amount: 1, ttlSeconds: 60, pad: 'x'.repeat(1_100_000) }, { 'idempotency-key': 'h' });
      expect([huge.status, huge.body.error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
      const asText = await fetch(`${service.httpUrl}/v1/accounts/${customerId}/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain', 'idempotency-key': 'text' },
        body: JSON.stringify({ amount: 1, ttlSeconds: 60 }),
      });
      expect([asText.status, ((await asText.json()) as any).error.code]).to.deep.equal([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(await count('select count(*) from credit_ledger', []), 'only the release wrote').to.equal(before + 1);
    });
  });

  describe('when a hold outlives its TTL', () => {
    it('the sweeper expires it: expire entries, ReservationExpired, and a later capture or release is RESERVATION_EXPIRED', async () => {
      const customerId = `customer-${randomUUID()}`;
      await openAccount(customerId);
      await grant(customerId, 10);
      const { reservationId } = await call<any>('Reserve', { customerId, amount: 4, ttlSeconds: 1, idempotencyKey: 'short' });
      const status = await eventually(async () => (await db.query('select status from credit_reservations where reservation_id = $1', [reservationId])).rows[0].status, (value) => value === 'EXPIRED', 10_000);
      expect(status).to.equal('EXPIRED');
      expect(await call<any>('GetBalance', { customerId })).to.deep.include({ balance: 10, held: 0, available: 10 });
      const ledger = (await db.query('select type, amount::int, balance_delta::int, held_delta::int from credit_ledger where reservation_id = $1 order by sequence', [reservationId])).rows;
      expect(ledger).to.deep.equal([
        { type: 'hold', amount: 4, balance_delta: 0, held_delta: 4 },
        { type: 'expire', amount: 4, balance_delta: 0, held_delta: -4 },
      ]);
      const events = (await db.query("select event_type, payload from outbox where payload ->> 'reservationId' = $1 order by occurred_at, event_type", [reservationId])).rows;
      // The hold itself publishes nothing (docs/event-catalogue.md, CreditsReserved): its end carries the amount.
      expect(events.map((event) => event.event_type)).to.deep.equal(['ReservationExpired']);
      expect(events[0].payload).to.deep.include({ reservationId, customerId, amount: 4 });

      expect(await codeOf(call('Capture', { reservationId, amount: 4, idempotencyKey: 'late-capture' }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_EXPIRED']);
      expect(await codeOf(call('Release', { reservationId, idempotencyKey: 'late-release' }))).to.deep.equal(['FAILED_PRECONDITION', 'RESERVATION_EXPIRED']);
      const late = await rest('POST', `/v1/reservations/${reservationId}/capture`, { amount: 4 }, { 'idempotency-key': 'late-rest-capture' });
      expect([late.status, late.body.error.code]).to.deep.equal([409, 'RESERVATION_EXPIRED']);
    });
  });
});
