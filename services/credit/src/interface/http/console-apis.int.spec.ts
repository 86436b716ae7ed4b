import { randomUUID } from 'node:crypto';
import { eventually } from '@billing/testkit';
import { expect } from 'chai';
import { type CreditServiceHarness, startCreditServiceHarness } from '../../testing/credit-service.test-harness';

/** The REST reads and writes the operator console uses (issue 15), against the real service. */
describe('Credit console APIs (real PostgreSQL, Kafka and registry)', function () {
  this.timeout(120_000);
  let harness: CreditServiceHarness;

  before(async () => {
    harness = await startCreditServiceHarness();
  });

  after(async () => {
    await harness?.close();
  });

  const newCustomer = async (credits: number) => {
    const customerId = `customer-${randomUUID()}`;
    await harness.openAccount(customerId, credits);
    return customerId;
  };
  const as = (actor: string) => ({ 'billing-actor': actor });
  const get = async (path: string) => {
    const answer = await harness.rest('GET', path);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };
  const reserve = async (customerId: string, amount: number) =>
    (await harness.call('Reserve', { customerId, amount, ttlSeconds: 3_600, idempotencyKey: randomUUID() })).reservationId as string;
  const capture = (reservationId: string, amount: number) => harness.call('Capture', { reservationId, amount, idempotencyKey: randomUUID() });
  const release = (reservationId: string) => harness.call('Release', { reservationId, idempotencyKey: randomUUID() });
  /** Every page of a list, following nextCursor. */
  const allPages = async (path: string, limit: number) => {
    const pages: unknown[][] = [];
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const body: { data: unknown[]; nextCursor: string | null } = await get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(body.data);
      cursor = body.nextCursor;
    } while (cursor !== null);
    return pages;
  };
  const outboxOf = async (customerId: string, eventType: string) =>
    (
      await harness.pool.query(
        `select o.payload, o.headers, o.published_at from outbox o join credit_accounts a on o.aggregate_id = a.account_id::text
         where a.customer_id = $1 and o.event_type = $2 order by o.occurred_at`,
        [customerId, eventType],
      )
    ).rows;

  describe('when an operator gives a goodwill grant', () => {
    it('records the reason and the actor on the grant and its ledger entry', async () => {
      const customerId = await newCustomer(100);
      const granted = await harness.rest('POST', `/v1/accounts/${customerId}/grants`, {
        body: { amount: 25, source: { type: 'MANUAL', id: randomUUID() }, reason: 'sorry for the outage' },
        idempotencyKey: randomUUID(),
        headers: as('console:alice'),
      });
      expect(granted.status).to.equal(201);
      const grants = (await get(`/v1/accounts/${customerId}/grants`)).data;
      expect(grants).to.have.length(2);
      expect(grants[0]).to.deep.include({ grantId: granted.body.grantId, amount: 25, remaining: 25, held: 0, status: 'ACTIVE', reason: 'sorry for the outage', grantedBy: 'console:alice', revokedAt: null });
      expect(grants[1]).to.deep.include({ amount: 100, reason: null, grantedBy: null });
      expect(Date.parse(grants[0].grantedAt)).to.be.at.least(Date.parse(grants[1].grantedAt));
      const [newest] = (await get(`/v1/accounts/${customerId}/ledger?order=desc&limit=1`)).data;
      expect(newest).to.deep.include({ type: 'grant', grantId: granted.body.grantId, amount: 25, reason: 'sorry for the outage', actor: 'console:alice' });
    });

    it('refuses a blank or too long reason with 400 and grants nothing', async () => {
      const customerId = await newCustomer(100);
      for (const reason of ['', 'x'.repeat(501)]) {
        const answer = await harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount: 25, source: { type: 'MANUAL', id: randomUUID() }, reason }, idempotencyKey: randomUUID() });
        expect([answer.status, answer.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);
      }
      expect((await get(`/v1/accounts/${customerId}/grants`)).data).to.have.length(1);
    });
  });

  describe('when an account has several grants', () => {
    it('lists every grant newest first, spent ones too, page by page', async () => {
      const customerId = await newCustomer(10);
      for (const amount of [20, 30, 40]) {
        await harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount, source: { type: 'PROMOTION', id: randomUUID() } }, idempotencyKey: randomUUID() });
      }
      const spent = await reserve(customerId, 10);
      await capture(spent, 10);
      const pages = await allPages(`/v1/accounts/${customerId}/grants`, 2);
      expect(pages.map((page) => page.length)).to.deep.equal([2, 2]);
      const grants = pages.flat() as { amount: number; remaining: number; grantedAt: string; grantId: string }[];
      expect(new Set(grants.map((grant) => grant.grantId)).size).to.equal(4);
      const keys = grants.map((grant) => [Date.parse(grant.grantedAt), grant.grantId] as const);
      const newestFirst = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
      expect(keys).to.deep.equal(newestFirst);
      // Spent grants stay listed: the 10 captured show in whichever grants paid them.
      expect(grants.reduce((sum, grant) => sum + grant.amount - grant.remaining, 0)).to.equal(10);
    });

    it('answers 404 ACCOUNT_NOT_FOUND for a customer without an account', async () => {
      const answer = await harness.rest('GET', `/v1/accounts/customer-${randomUUID()}/grants`);
      expect([answer.status, answer.body.error.code]).to.deep.equal([404, 'ACCOUNT_NOT_FOUND']);
    });
  });

  describe('when an operator revokes a grant', () => {
    it('takes what is free now, writes a revoke entry with reason and actor and CreditsRevoked in the outbox; a replay answers the same, a second revoke is 409', async () => {
      const customerId = await newCustomer(100);
      const [grant] = (await get(`/v1/accounts/${customerId}/grants`)).data;
      const held = await reserve(customerId, 30);
      const key = randomUUID();
      const revoke = (idempotencyKey: string) =>
        harness.rest('POST', `/v1/grants/${grant.grantId}/revoke`, { body: { reason: 'chargeback fraud' }, idempotencyKey, headers: as('console:bob') });

      const first = await revoke(key);
      expect([first.status, first.body]).to.deep.equal([200, { grantId: grant.grantId, revoked: 70, status: 'REVOKED' }]);
      const [entry] = (await get(`/v1/accounts/${customerId}/ledger?order=desc&limit=1`)).data;
      expect(entry).to.deep.include({ type: 'revoke', grantId: grant.grantId, amount: 70, balanceDelta: -70, heldDelta: 0, reason: 'chargeback fraud', actor: 'console:bob' });
      const revokedEvents = await outboxOf(customerId, 'CreditsRevoked');
      expect(revokedEvents).to.have.length(1);
      expect(revokedEvents[0].payload).to.deep.include({ customerId, grantId: grant.grantId, amount: 70, reason: 'chargeback fraud' });
      expect(revokedEvents[0].headers.actor).to.equal('console:bob');
      expect((await get(`/v1/accounts/${customerId}/grants`)).data[0]).to.deep.include({ status: 'REVOKED', remaining: 30, held: 30 });
      expect(Date.parse((await get(`/v1/accounts/${customerId}/grants`)).data[0].revokedAt)).to.be.a('number').and.not.NaN;

      const replay = await revoke(key);
      expect([replay.status, replay.body]).to.deep.equal([200, first.body]);
      expect(await outboxOf(customerId, 'CreditsRevoked')).to.have.length(1);
      const again = await revoke(randomUUID());
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'GRANT_ALREADY_REVOKED']);

      // The held credits: a capture still finds them; what the capture releases is revoked at once, never spendable.
      expect(await capture(held, 20)).to.include({ captured: 20, released: 10 });
      const balance = await get(`/v1/accounts/${customerId}/balance`);
      expect(balance).to.include({ balance: 0, held: 0, available: 0 });
      const types = (await get(`/v1/accounts/${customerId}/ledger?order=desc&limit=3`)).data.map((row: { type: string; amount: number }) => [row.type, row.amount]);
      expect(types).to.deep.equal([
        ['revoke', 10],
        ['release', 10],
        ['capture', 20],
      ]);
      expect((await outboxOf(customerId, 'CreditsRevoked')).map((row) => [row.payload.amount, row.payload.reason])).to.deep.equal([
        [70, 'chargeback fraud'],
        [10, null],
      ]);
      // The relay encodes them with the registered CreditsRevoked schema and publishes them.
      const published = await eventually(() => outboxOf(customerId, 'CreditsRevoked'), (rows) => rows.every((row) => row.published_at !== null));
      expect(published.map((row) => row.published_at)).to.not.include(null);
    });

    it('answers 404 GRANT_NOT_FOUND for an unknown grant and writes nothing', async () => {
      const answer = await harness.rest('POST', `/v1/grants/${randomUUID()}/revoke`, { body: { reason: 'typo' }, idempotencyKey: randomUUID() });
      expect([answer.status, answer.body.error.code]).to.deep.equal([404, 'GRANT_NOT_FOUND']);
    });

    it('requires a reason (400) and an Idempotency-Key', async () => {
      const customerId = await newCustomer(5);
      const [grant] = (await get(`/v1/accounts/${customerId}/grants`)).data;
      const noReason = await harness.rest('POST', `/v1/grants/${grant.grantId}/revoke`, { body: {}, idempotencyKey: randomUUID() });
      expect([noReason.status, noReason.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);
      const noKey = await harness.rest('POST', `/v1/grants/${grant.grantId}/revoke`, { body: { reason: 'x' } });
      expect(noKey.status).to.equal(400);
      expect((await get(`/v1/accounts/${customerId}/balance`)).balance).to.equal(5);
    });
  });

  describe('when an account has reservations in every state', () => {
    it('lists them newest first, filtered by status, page by page', async () => {
      const customerId = await newCustomer(100);
      const capturedId = await reserve(customerId, 5);
      await capture(capturedId, 5);
      const releasedId = await reserve(customerId, 6);
      await release(releasedId);
      const heldA = await reserve(customerId, 7);
      const heldB = await reserve(customerId, 8);

      const held = (await get(`/v1/accounts/${customerId}/reservations?status=HELD`)).data;
      expect(held.map((reservation: { reservationId: string }) => reservation.reservationId)).to.have.members([heldA, heldB]);
      expect(held[0]).to.include.keys('allocations', 'resolvedAt', 'expiresAt', 'reservedAt', 'customerId');
      expect((await get(`/v1/accounts/${customerId}/reservations?status=CAPTURED`)).data.map((reservation: { reservationId: string }) => reservation.reservationId)).to.deep.equal([capturedId]);
      expect((await get(`/v1/accounts/${customerId}/reservations?status=RELEASED`)).data).to.deep.include.members([
        await harness.rest('GET', `/v1/reservations/${releasedId}`).then((answer) => answer.body),
      ]);
      expect((await get(`/v1/accounts/${customerId}/reservations?status=EXPIRED`)).data).to.deep.equal([]);
      const pages = await allPages(`/v1/accounts/${customerId}/reservations`, 3);
      expect(pages.map((page) => page.length)).to.deep.equal([3, 1]);
      const all = pages.flat() as { reservationId: string; reservedAt: string }[];
      expect(all.map((reservation) => reservation.reservationId)).to.have.members([capturedId, releasedId, heldA, heldB]);
      const times = all.map((reservation) => Date.parse(reservation.reservedAt));
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
      const bad = await harness.rest('GET', `/v1/accounts/${customerId}/reservations?status=LOST`);
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);
    });
  });

  describe('when the ledger is read newest first', () => {
    it('pages backwards through every entry; a cursor from the other order is 400 INVALID_CURSOR', async () => {
      const customerId = await newCustomer(100);
      await capture(await reserve(customerId, 10), 4);
      const ascending = (await allPages(`/v1/accounts/${customerId}/ledger`, 2)).flat() as { sequence: number }[];
      const descending = (await allPages(`/v1/accounts/${customerId}/ledger?order=desc`, 2)).flat() as { sequence: number }[];
      expect(ascending.map((entry) => entry.sequence)).to.deep.equal([1, 2, 3, 4]);
      expect(descending).to.deep.equal([...ascending].reverse());
      const ascCursor = (await get(`/v1/accounts/${customerId}/ledger?limit=1`)).nextCursor;
      const mixed = await harness.rest('GET', `/v1/accounts/${customerId}/ledger?order=desc&cursor=${encodeURIComponent(ascCursor)}`);
      expect([mixed.status, mixed.body.error.code]).to.deep.equal([400, 'INVALID_CURSOR']);
    });
  });

  describe('when the balance history is asked for', () => {
    it('answers the balance after each balance-moving entry, thinned to the points asked for, the last one now', async () => {
      const customerId = await newCustomer(100);
      await capture(await reserve(customerId, 30), 20);
      await harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount: 50, source: { type: 'MANUAL', id: randomUUID() } }, idempotencyKey: randomUUID() });
      const balances = async (query: string) => {
        const before = Date.now();
        const { data } = await get(`/v1/accounts/${customerId}/balance-history${query}`);
        expect(Date.parse(data.at(-1).at)).to.be.at.least(before - 5);
        return data.map((point: { balance: number }) => point.balance);
      };
      // Moves: grant 100 → 100, capture 20 → 80, grant 50 → 130 (the hold and the release move nothing).
      expect(await balances('')).to.deep.equal([100, 80, 130, 130]);
      expect(await balances('?points=3')).to.deep.equal([100, 130, 130]);
      expect(await balances('?points=2')).to.deep.equal([130, 130]);
      const bad = await harness.rest('GET', `/v1/accounts/${customerId}/balance-history?points=1`);
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'INVALID_REQUEST']);
    });

    it('answers in well under a quarter second on an account with 10,000 ledger entries', async () => {
      const customerId = await newCustomer(1);
      // 10,000 more entries written straight into this account's ledger (a test account nothing else touches).
      await harness.pool.query(
        `insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at)
         select gen_random_uuid(), l.account_id, l.sequence + i, 'grant', l.grant_id, null, 1, 1, 0, l.occurred_at + i * interval '1 second'
         from credit_ledger l join credit_accounts a using (account_id), generate_series(1, 10000) i
         where a.customer_id = $1`,
        [customerId],
      );
      await harness.pool.query('analyze credit_ledger');
      const timings: number[] = [];
      let data: { balance: number }[] = [];
      for (let run = 0; run < 5; run += 1) {
        const started = performance.now();
        data = (await get(`/v1/accounts/${customerId}/balance-history?points=200`)).data;
        timings.push(performance.now() - started);
      }
      timings.sort((a, b) => a - b);
      console.log(`      balance-history over 10,001 entries, 200 points: median ${timings[2]!.toFixed(1)} ms (runs: ${timings.map((ms) => ms.toFixed(1)).join(', ')})`);
      expect(data).to.have.length(200);
      expect(data.at(-2)!.balance).to.equal(10_001);
      expect(timings[2]).to.be.below(250);
    });
  });
});
