import { expect } from 'chai';
import { eventually } from '@billing/testkit';
import { uniqueName } from '@billing/testkit';
import { type CustomerServiceHarness, newKey, registrationBody, startCustomerServiceHarness } from '../../testing/customer-service.test-harness';

const stripeCustomersOf = (harness: CustomerServiceHarness, customerId: string) =>
  harness.stripe.customers().filter((customer) => customer.metadata.customerId === customerId);
const stripeCreates = (harness: CustomerServiceHarness) =>
  harness.stripe.requests().filter((request) => request.method === 'POST' && request.path === '/v1/customers').length;

describe('Customer REST API (real PostgreSQL, Kafka and registry; Stripe = the local Stripe-compatible server)', function () {
  this.timeout(60_000);
  let harness: CustomerServiceHarness;

  before(async () => {
    harness = await startCustomerServiceHarness();
  });
  after(async () => {
    await harness?.close();
  });

  const register = (body: Record<string, unknown> = registrationBody(), idempotencyKey: string = newKey()) =>
    harness.http('POST', '/v1/customers', { body, idempotencyKey });

  describe('POST /v1/customers', () => {
    it('registers the customer, creates one Stripe customer keyed and tagged with our id, and links it', async () => {
      const body = registrationBody({ email: 'grace@example.com', name: 'Grace Hopper', defaultCurrency: 'USD' });
      const answer = await register(body);
      expect(answer.status).to.equal(201);
      expect(answer.body.gatewayLink).to.equal('linked');
      const customer = answer.body.customer;
      expect(customer).to.deep.include({ externalAccountId: body.externalAccountId, email: 'grace@example.com', name: 'Grace Hopper', defaultCurrency: 'USD', status: 'active', deactivatedAt: null });
      expect(answer.headers.get('location')).to.equal(`/v1/customers/${customer.id}`);
      const [stripeCustomer, ...others] = stripeCustomersOf(harness, customer.id);
      expect(others).to.have.length(0);
      expect(stripeCustomer!.email).to.equal('grace@example.com');
      expect(stripeCustomer!.metadata).to.deep.equal({ customerId: customer.id, externalAccountId: body.externalAccountId });
      expect(customer.gatewayLinks).to.deep.equal([{ gateway: 'stripe', gatewayCustomerId: stripeCustomer!.id, linkedAt: customer.gatewayLinks[0].linkedAt }]);
      const create = harness.stripe.requests().find((request) => request.method === 'POST' && request.path === '/v1/customers' && request.status === 200);
      expect(harness.stripe.requests().filter((request) => request.idempotencyKey === customer.id)).to.have.length(1);
      expect(create).to.not.equal(undefined);
      expect(await harness.outboxEventTypes(customer.id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
      const fetched = await harness.http('GET', `/v1/customers/${customer.id}`);
      expect(fetched.body).to.deep.equal(customer);
    });

    it('sent twice with one Idempotency-Key: one customer, one Stripe customer, the same response', async () => {
      const before = await harness.counts();
      const creates = stripeCreates(harness);
      const key = newKey();
      const body = registrationBody();
      const first = await register(body, key);
      const second = await register(body, key);
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(201);
      expect(second.body).to.deep.equal(first.body);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
      expect(first.headers.get('idempotent-replayed')).to.equal(null);
      const after = await harness.counts();
      expect(after.customers).to.equal(before.customers + 1);
      expect(after.idempotencyKeys).to.equal(before.idempotencyKeys + 1);
      expect(stripeCustomersOf(harness, first.body.customer.id)).to.have.length(1);
      expect(stripeCreates(harness)).to.equal(creates + 1);
      expect(await harness.outboxEventTypes(first.body.customer.id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });

    it('sent twice at once with one Idempotency-Key: still one customer and one Stripe customer', async () => {
      const before = await harness.counts();
      const key = newKey();
      const body = registrationBody();
      const answers = await Promise.all([register(body, key), register(body, key)]);
      expect(answers.map((answer) => answer.status)).to.deep.equal([201, 201]);
      expect(answers[0]!.body.customer.id).to.equal(answers[1]!.body.customer.id);
      expect((await harness.counts()).customers).to.equal(before.customers + 1);
      expect(stripeCustomersOf(harness, answers[0]!.body.customer.id)).to.have.length(1);
    });

    it('the same Idempotency-Key with another body → 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
      const key = newKey();
      await register(registrationBody(), key);
      const before = await harness.counts();
      const creates = stripeCreates(harness);
      const answer = await register(registrationBody({ email: 'someone.else@example.com' }), key);
      expect(answer.status).to.equal(422);
      expect(answer.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(await harness.counts()).to.deep.equal(before);
      expect(stripeCreates(harness)).to.equal(creates);
    });

    it('refuses a write without Idempotency-Key (400 IDEMPOTENCY_KEY_REQUIRED) or with a malformed one', async () => {
      const before = await harness.counts();
      const missing = await harness.http('POST', '/v1/customers', { body: registrationBody() });
      expect([missing.status, missing.body.error.code]).to.deep.equal([400, 'IDEMPOTENCY_KEY_REQUIRED']);
      const malformed = await register(registrationBody(), 'has spaces in it');
      expect([malformed.status, malformed.body.error.code]).to.deep.equal([400, 'INVALID_IDEMPOTENCY_KEY']);
      expect(await harness.counts()).to.deep.equal(before);
    });
  });

  describe('bad input: a 4xx with an error code, and no row, no outbox event, no key, no Stripe call', () => {
    const invalid = (field: string | undefined) => ({ status: 400, code: 'INVALID_REQUEST', ...(field ? { field } : {}) });
    const cases: { name: string; send: () => Promise<{ status: number; body: { error: { code: string; details?: { field?: string } } } }>; status: number; code: string; field?: string }[] = [
      { name: 'missing email', send: () => register(registrationBody({ email: undefined })), ...invalid('email') },
      { name: 'malformed email', send: () => register(registrationBody({ email: 'ada.example.com' })), ...invalid('email') },
      { name: 'email with a space', send: () => register(registrationBody({ email: 'ada @example.com' })), ...invalid('email') },
      { name: 'email as a number', send: () => register(registrationBody({ email: 42 })), ...invalid('email') },
      { name: 'unknown currency', send: () => register(registrationBody({ defaultCurrency: 'XXX' })), ...invalid('defaultCurrency') },
      { name: 'missing currency', send: () => register(registrationBody({ defaultCurrency: undefined })), ...invalid('defaultCurrency') },
      { name: 'malformed externalAccountId', send: () => register(registrationBody({ externalAccountId: 'has space' })), ...invalid('externalAccountId') },
      { name: 'blank name', send: () => register(registrationBody({ name: '' })), ...invalid('name') },
      { name: 'an unknown field', send: () => register(registrationBody({ admin: true })), ...invalid(undefined) },
      { name: 'a body that is not an object', send: () => harness.http('POST', '/v1/customers', { body: ['x'], idempotencyKey: newKey() }), ...invalid(undefined) },
      { name: 'a body that is not JSON', send: () => harness.http('POST', '/v1/customers', { rawBody: '{"email":', idempotencyKey: newKey() }), status: 400, code: 'INVALID_JSON' },
      {
        name: 'a name of invalid UTF-8 bytes',
        send: () =>
          harness.http('POST', '/v1/customers', {
            rawBody: Buffer.concat([Buffer.from(JSON.stringify(registrationBody({ name: 'X' })).replace('"name":"X"', '"name":"')), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
            idempotencyKey: newKey(),
          }),
        status: 400,
        code: 'INVALID_TEXT',
      },
      { name: 'a name with NUL', send: () => register(registrationBody({ name: 'A\u0000B' })), status: 400, code: 'INVALID_TEXT' },
      {
        name: 'a 1 MB body',
        send: () => harness.http('POST', '/v1/customers', { rawBody: JSON.stringify(registrationBody({ name: 'x'.repeat(1024 * 1024) })), idempotencyKey: newKey() }),
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      },
      {
        name: 'a body that is not application/json',
        send: () => harness.http('POST', '/v1/customers', { rawBody: 'email=a@b.c', idempotencyKey: newKey(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'a JSON body sent as text/plain',
        send: () => harness.http('POST', '/v1/customers', { rawBody: JSON.stringify(registrationBody()), idempotencyKey: newKey(), headers: { 'content-type': 'text/plain' } }),
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
    ];
    for (const testCase of cases) {
      it(`${testCase.name} → ${testCase.status} ${testCase.code}`, async () => {
        const before = await harness.counts();
        const creates = stripeCreates(harness);
        const answer = await testCase.send();
        expect([answer.status, answer.body.error.code]).to.deep.equal([testCase.status, testCase.code]);
        if (testCase.field) expect(answer.body.error.details?.field).to.equal(testCase.field);
        expect(await harness.counts()).to.deep.equal(before);
        expect(stripeCreates(harness)).to.equal(creates);
      });
    }

    it('duplicate externalAccountId → 409 DUPLICATE_EXTERNAL_ACCOUNT_ID, nothing written (key released too)', async () => {
      const body = registrationBody();
      expect((await register(body)).status).to.equal(201);
      const before = await harness.counts();
      const creates = stripeCreates(harness);
      const answer = await register({ ...body, email: 'other@example.com' });
      expect([answer.status, answer.body.error.code]).to.deep.equal([409, 'DUPLICATE_EXTERNAL_ACCOUNT_ID']);
      expect(await harness.counts()).to.deep.equal(before);
      expect(stripeCreates(harness)).to.equal(creates);
    });

    it('duplicate externalAccountId registered at the same moment: one 201, one 409, one customer', async () => {
      const before = await harness.counts();
      const externalAccountId = registrationBody().externalAccountId;
      const answers = await Promise.all(
        ['a@example.com', 'b@example.com'].map((email) => register(registrationBody({ externalAccountId, email }))),
      );
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([201, 409]);
      const after = await harness.counts();
      expect(after.customers).to.equal(before.customers + 1);
      expect(after.outbox).to.equal(before.outbox + 2);
    });
  });

  describe('GET /v1/customers/{id} and GET /v1/customers', () => {
    it('finds a customer by id; unknown → 404 CUSTOMER_NOT_FOUND; malformed → 400 INVALID_REQUEST', async () => {
      const { body } = await register();
      expect((await harness.http('GET', `/v1/customers/${body.customer.id}`)).body.id).to.equal(body.customer.id);
      const unknown = await harness.http('GET', '/v1/customers/99999999-9999-4999-8999-999999999999');
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'CUSTOMER_NOT_FOUND']);
      const malformed = await harness.http('GET', '/v1/customers/not-a-uuid');
      expect([malformed.status, malformed.body.error.code, malformed.body.error.details.field]).to.deep.equal([400, 'INVALID_REQUEST', 'customerId']);
    });

    it('finds a customer by externalAccountId (a page of one), and an empty page for an unknown one', async () => {
      const { body } = await register();
      const found = await harness.http('GET', `/v1/customers?externalAccountId=${body.customer.externalAccountId}`);
      expect(found.status).to.equal(200);
      expect(found.body).to.deep.equal({ data: [body.customer], nextCursor: null });
      const unknown = await harness.http('GET', '/v1/customers?externalAccountId=nobody_at_all');
      expect(unknown.body).to.deep.equal({ data: [], nextCursor: null });
    });

    it('walks every customer exactly once with cursor pagination', async () => {
      const mine = [];
      for (let i = 0; i < 3; i += 1) mine.push((await register()).body.customer.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await harness.http(
          'GET',
          `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.body.data.length).to.be.at.most(2);
        seen.push(...page.body.data.map((item) => item.id));
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      expect(new Set(seen).size).to.equal(seen.length);
      expect(seen).to.include.members(mine);
      expect(seen.length).to.equal((await harness.counts()).customers);
    });

    it('takes limit as the query string gives it (?limit=37), 50 by default', async () => {
      for (let i = 0; i < 2; i += 1) await register();
      const total = (await harness.counts()).customers;
      const page = await harness.http('GET', '/v1/customers?limit=37');
      expect(page.status).to.equal(200);
      expect(page.body.data).to.have.length(Math.min(37, total));
      const one = await harness.http('GET', '/v1/customers?limit=1');
      expect(one.body.data).to.have.length(1);
      expect(one.body.nextCursor).to.be.a('string');
    });

    it('searches email, name and externalAccountId for a part of them, ignoring case, paged by cursor', async () => {
      const tag = uniqueName('zq').replaceAll('_', '');
      const byEmail = (await register(registrationBody({ email: `${tag}.one@Example.com`, name: 'Somebody' }))).body.customer;
      const byName = (await register(registrationBody({ name: `Ms ${tag.toUpperCase()} Two` }))).body.customer;
      const byAccount = (await register(registrationBody({ externalAccountId: `acct-${tag}-3` }))).body.customer;
      const unrelated = (await register(registrationBody({ name: 'Unrelated' }))).body.customer;
      const pattern = tag.slice(1, -1).toUpperCase();

      const first = await harness.http('GET', `/v1/customers?query=${encodeURIComponent(pattern)}&limit=2`);
      expect(first.status, JSON.stringify(first.body)).to.equal(200);
      expect(first.body.data.map((customer: { id: string }) => customer.id)).to.deep.equal([byEmail.id, byName.id]);
      const second = await harness.http('GET', `/v1/customers?query=${encodeURIComponent(pattern)}&limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).to.deep.equal({ data: [byAccount], nextCursor: null });

      const both = await harness.http('GET', `/v1/customers?query=${pattern}&externalAccountId=${byAccount.externalAccountId}`);
      expect(both.body).to.deep.equal({ data: [byAccount], nextCursor: null });
      const notBoth = await harness.http('GET', `/v1/customers?query=${pattern}&externalAccountId=${unrelated.externalAccountId}`);
      expect(notBoth.body).to.deep.equal({ data: [], nextCursor: null });
      // LIKE's wildcards match themselves only.
      expect((await harness.http('GET', `/v1/customers?query=${encodeURIComponent(`${tag.slice(0, 3)}%${tag.slice(-3)}`)}`)).body.data).to.deep.equal([]);
      expect((await harness.http('GET', '/v1/customers?query=_&limit=100')).body.data.every((customer: { email: string; name: string | null; externalAccountId: string }) =>
        [customer.email, customer.name ?? '', customer.externalAccountId].some((text) => text.includes('_')),
      )).to.equal(true);
    });

    it('uses the trigram indexes for a search (pg_trgm is available here)', async () => {
      const { rows } = await harness.pool.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'customers' and indexname like '%_trgm' order by 1");
      expect(rows.map((row) => row.indexname)).to.deep.equal(['customers_email_trgm', 'customers_external_account_id_trgm', 'customers_name_trgm']);
      const client = await harness.pool.connect();
      try {
        await client.query('begin');
        await client.query('set local enable_seqscan = off');
        const plan = await client.query("explain select id from customers where email ilike '%xyzabc%' or name ilike '%xyzabc%' or external_account_id ilike '%xyzabc%'");
        expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).to.match(/customers_email_trgm/);
      } finally {
        await client.query('rollback');
        client.release();
      }
    });

    it('refuses a bad limit, cursor or query parameter with a coded 400', async () => {
      for (const [query, code] of [
        ['limit=0', 'INVALID_REQUEST'],
        ['limit=101', 'INVALID_REQUEST'],
        ['limit=ten', 'INVALID_REQUEST'],
        ['cursor=not*base64', 'INVALID_CURSOR'],
        ['cursor=bm90LWEtY3Vyc29y', 'INVALID_CURSOR'],
        ['colour=red', 'INVALID_REQUEST'],
        ['externalAccountId=has%20space', 'INVALID_REQUEST'],
        ['query=', 'INVALID_REQUEST'],
        [`query=${'a'.repeat(201)}`, 'INVALID_REQUEST'],
      ] as const) {
        const answer = await harness.http('GET', `/v1/customers?${query}`);
        expect([query, answer.status, answer.body.error.code]).to.deep.equal([query, 400, code]);
      }
    });
  });

  describe('PATCH /v1/customers/{id}', () => {
    it('updates, records CustomerUpdated, replays under the same key and refuses the key with another body', async () => {
      const { body } = await register();
      const id = body.customer.id;
      const key = newKey();
      const updated = await harness.http('PATCH', `/v1/customers/${id}`, { body: { email: 'New@Example.com', name: null }, idempotencyKey: key });
      expect(updated.status).to.equal(200);
      expect(updated.body).to.deep.include({ id, email: 'new@example.com', name: null });
      const replay = await harness.http('PATCH', `/v1/customers/${id}`, { body: { email: 'New@Example.com', name: null }, idempotencyKey: key });
      expect(replay.body).to.deep.equal(updated.body);
      expect(replay.headers.get('idempotent-replayed')).to.equal('true');
      const reused = await harness.http('PATCH', `/v1/customers/${id}`, { body: { email: 'other@example.com' }, idempotencyKey: key });
      expect([reused.status, reused.body.error.code]).to.deep.equal([422, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked', 'CustomerUpdated']);
    });

    it('refuses an empty change, an unknown field or currency, and an unknown customer, writing nothing', async () => {
      const { body } = await register();
      const before = await harness.counts();
      for (const [patch, status, code] of [
        [{}, 400, 'INVALID_REQUEST'],
        [{ status: 'deactivated' }, 400, 'INVALID_REQUEST'],
        [{ defaultCurrency: 'BTC' }, 400, 'INVALID_REQUEST'],
        [{ email: 'nope' }, 400, 'INVALID_REQUEST'],
      ] as const) {
        const answer = await harness.http('PATCH', `/v1/customers/${body.customer.id}`, { body: patch, idempotencyKey: newKey() });
        expect([JSON.stringify(patch), answer.status, answer.body.error.code]).to.deep.equal([JSON.stringify(patch), status, code]);
      }
      const unknown = await harness.http('PATCH', '/v1/customers/99999999-9999-4999-8999-999999999999', { body: { name: 'X' }, idempotencyKey: newKey() });
      expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'CUSTOMER_NOT_FOUND']);
      expect(await harness.counts()).to.deep.equal(before);
    });
  });

  describe('POST /v1/customers/{id}/deactivate', () => {
    it('deactivates once (replayable), then refuses to deactivate or update again', async () => {
      const { body } = await register();
      const id = body.customer.id;
      const key = newKey();
      const first = await harness.http('POST', `/v1/customers/${id}/deactivate`, { idempotencyKey: key });
      expect(first.status).to.equal(200);
      expect(first.body.status).to.equal('deactivated');
      expect(first.body.deactivatedAt).to.be.a('string');
      const replay = await harness.http('POST', `/v1/customers/${id}/deactivate`, { idempotencyKey: key });
      expect([replay.status, replay.body]).to.deep.equal([200, first.body]);
      const again = await harness.http('POST', `/v1/customers/${id}/deactivate`, { idempotencyKey: newKey() });
      expect([again.status, again.body.error.code]).to.deep.equal([409, 'CUSTOMER_ALREADY_DEACTIVATED']);
      const update = await harness.http('PATCH', `/v1/customers/${id}`, { body: { name: 'Late' }, idempotencyKey: newKey() });
      expect([update.status, update.body.error.code]).to.deep.equal([422, 'CUSTOMER_DEACTIVATED']);
      expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked', 'CustomerDeactivated']);
    });
  });

  describe('authentication and the OpenAPI document', () => {
    it('answers 401 UNAUTHENTICATED without a token or with a wrong one, on reads and writes', async () => {
      for (const token of [null, 'wrong-token-wrong-token-wrong']) {
        const read = await harness.http('GET', '/v1/customers', { token });
        const write = await harness.http('POST', '/v1/customers', { token, body: registrationBody(), idempotencyKey: newKey() });
        expect([read.status, read.body.error.code, write.status, write.body.error.code]).to.deep.equal([401, 'UNAUTHENTICATED', 401, 'UNAUTHENTICATED']);
      }
    });

    it('answers 403 FORBIDDEN to a token scoped to another customer on every route, writing nothing', async () => {
      const { body } = await register();
      const id = body.customer.id;
      const before = await harness.counts();
      const scoped = { token: harness.scopedToken };
      for (const [method, path, call] of [
        ['GET', `/v1/customers/${id}`, scoped],
        ['GET', `/v1/customers/${id.toUpperCase()}`, scoped],
        ['PATCH', `/v1/customers/${id}`, { ...scoped, body: { name: 'Mallory' }, idempotencyKey: newKey() }],
        ['POST', `/v1/customers/${id}/deactivate`, { ...scoped, idempotencyKey: newKey() }],
        ['GET', '/v1/customers', scoped],
        ['GET', `/v1/customers?externalAccountId=${body.customer.externalAccountId}`, scoped],
        ['POST', '/v1/customers', { ...scoped, body: registrationBody(), idempotencyKey: newKey() }],
      ] as const) {
        const answer = await harness.http(method, path, call);
        expect([method, path, answer.status, answer.body.error.code]).to.deep.equal([method, path, 403, 'FORBIDDEN']);
      }
      expect(await harness.counts()).to.deep.equal(before);
      const own = await harness.http('GET', `/v1/customers/${harness.scopedCustomerId}`, scoped);
      expect([own.status, own.body.error.code]).to.deep.equal([404, 'CUSTOMER_NOT_FOUND']);
    });

    it('serves an OpenAPI 3.1.0 document at /openapi.json without a token, documenting exactly the routes it serves', async () => {
      const answer = await harness.http('GET', '/openapi.json', { token: null });
      expect(answer.status).to.equal(200);
      expect(answer.body.openapi).to.equal('3.1.0');
      const documented = Object.entries(answer.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replaceAll(/\{(\w+)\}/g, ':$1')}`),
      );
      expect(documented).to.have.members([
        'POST /v1/customers',
        'GET /v1/customers',
        'GET /v1/customers/:customerId',
        'PATCH /v1/customers/:customerId',
        'POST /v1/customers/:customerId/deactivate',
      ]);
      for (const route of documented) {
        const [method, url] = route.split(' ') as ['GET', string];
        expect(harness.service.runtime.http.hasRoute({ method, url }), route).to.equal(true);
      }
      expect(answer.body.paths['/v1/customers'].post.responses['201'].content['application/json'].schema.required).to.deep.equal(['customer', 'gatewayLink']);
    });
  });

  describe('when Stripe created the customer but its answer was lost', () => {
    const registerLosingStripeAnswer = async () => {
      // Two: stripe-node retries a closed connection once by itself.
      harness.stripe.dropResponses(2, { method: 'POST', path: '/v1/customers' });
      const answer = await register();
      expect(answer.status).to.equal(201);
      expect(answer.body.gatewayLink).to.equal('pending');
      const id = answer.body.customer.id;
      expect(stripeCustomersOf(harness, id), 'Stripe did create it').to.have.length(1);
      return id as string;
    };

    const expectLinkedToTheOneStripeCustomer = async (id: string) => {
      const run = await harness.service.linkJob.runOnce();
      expect(run?.linked).to.be.at.least(1);
      const [stripeCustomer, ...others] = stripeCustomersOf(harness, id);
      expect(others).to.have.length(0);
      const fetched = await harness.http('GET', `/v1/customers/${id}`);
      expect(fetched.body.gatewayLinks.map((link: { gatewayCustomerId: string }) => link.gatewayCustomerId)).to.deep.equal([stripeCustomer!.id]);
      expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    };

    it('answers 201 pending; after Stripe forgot the idempotency key (24 h) the job finds that customer by metadata', async () => {
      const id = await registerLosingStripeAnswer();
      harness.stripe.expireIdempotencyKeys();
      await expectLinkedToTheOneStripeCustomer(id);
    });

    it('answers 201 pending; while Stripe search still lags, the job gets that customer back through the idempotency key', async () => {
      harness.stripe.setSearchLag(60_000);
      try {
        const id = await registerLosingStripeAnswer();
        await expectLinkedToTheOneStripeCustomer(id);
      } finally {
        harness.stripe.setSearchLag(0);
      }
    });
  });
});

describe('Customer REST API while Stripe is down (the scheduled link job)', function () {
  this.timeout(60_000);
  let harness: CustomerServiceHarness;

  before(async () => {
    harness = await startCustomerServiceHarness({ linkIntervalMs: 200 });
  });
  after(async () => {
    await harness?.close();
  });

  for (const mode of ['http-500', 'connection-refused'] as const) {
    it(`${mode}: 201 with the link pending; the link appears once Stripe is back; exactly one Stripe customer`, async () => {
      await harness.stripe.setDown(true, mode);
      const key = newKey();
      const body = registrationBody();
      let first;
      try {
        first = await harness.http('POST', '/v1/customers', { body, idempotencyKey: key });
        expect(first.status).to.equal(201);
        expect(first.body.gatewayLink).to.equal('pending');
        expect(first.body.customer.gatewayLinks).to.deep.equal([]);
        const id = first.body.customer.id;
        expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered']);
        // The job keeps failing while Stripe is down: nothing linked, nothing created.
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect((await harness.http('GET', `/v1/customers/${id}`)).body.gatewayLinks).to.deep.equal([]);
        expect(stripeCustomersOf(harness, id)).to.have.length(0);
      } finally {
        await harness.stripe.setDown(false);
      }
      const id = first.body.customer.id;
      const linked = await eventually(
        () => harness.http('GET', `/v1/customers/${id}`),
        (answer) => answer.body.gatewayLinks.length === 1,
        15_000,
      );
      const stripeCustomers = stripeCustomersOf(harness, id);
      expect(stripeCustomers).to.have.length(1);
      expect(linked.body.gatewayLinks[0].gatewayCustomerId).to.equal(stripeCustomers[0]!.id);
      expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
      // A replay still answers the first response: the link is read with GET.
      const replay = await harness.http('POST', '/v1/customers', { body, idempotencyKey: key });
      expect([replay.status, replay.body]).to.deep.equal([201, first.body]);
      // More job runs change nothing.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stripeCustomersOf(harness, id)).to.have.length(1);
      expect(await harness.outboxEventTypes(id)).to.deep.equal(['CustomerRegistered', 'PaymentGatewayLinked']);
    });
  }
});
