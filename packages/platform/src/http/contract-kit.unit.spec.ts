import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createLogger } from '../observability/logger';
import type { SqlExecutor, UnitOfWork } from '../sql/sql-executor';
import { createHttpServer } from './http-server';
import { listEnvelopeSchema, listQuerySchema, type Page } from './json-schema';
import { decodeCursor, encodeCursor } from './list-cursor';
import { registerRoutes } from './register-routes';
import { defineRoute } from './route-spec';
import { ServiceTokens } from './service-tokens';

const admin = { authorization: 'Bearer admin-token-0123456789' };
const scoped = { authorization: 'Bearer scoped-token-0123456789' };

/** Enough of a transaction for runIdempotent: every key is new, so every write runs. */
const tx: SqlExecutor = { query: async <Row>(sql: string) => (sql.startsWith('insert into idempotency_keys') ? [{ key: 'k' }] : []) as Row[] };
const unitOfWork: UnitOfWork = { transaction: (work) => work(tx) };

const item = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' } } };
const items = ['a', 'b', 'c'];

function server(): FastifyInstance {
  const http = createHttpServer({
    service: 'kit-test',
    logger: createLogger('kit-test', 'silent'),
    tokens: new ServiceTokens('admin:admin-token-0123456789,scoped:scoped-token-0123456789:customer-1'),
    errorStatus: {},
    readiness: async () => ({}),
    metrics: new Registry(),
    publicPaths: ['/v1/webhooks/test'],
  });
  registerRoutes({ http, unitOfWork }, [
    defineRoute<{ Querystring: { limit: number; cursor?: string } }>({
      kind: 'read',
      method: 'GET',
      url: '/v1/things',
      operationId: 'listThings',
      summary: 'List things',
      tag: 'things',
      access: 'unscoped',
      schema: { querystring: listQuerySchema(), success: { status: 200, body: listEnvelopeSchema(item) } },
      execute: async (request) => {
        const start = request.query.cursor === undefined ? 0 : decodeCursor(request.query.cursor, ([index]) => (typeof index === 'number' ? index : undefined));
        const data = items.slice(start, start + request.query.limit).map((id) => ({ id, internal: 'not serialised' }));
        const next = start + request.query.limit;
        return { body: { data, nextCursor: next < items.length ? encodeCursor([next]) : null } };
      },
    }),
    defineRoute<{ Params: { customerId: string }; Body: { name: string } }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/customers/:customerId/things',
      operationId: 'createThing',
      summary: 'Create a thing',
      tag: 'things',
      access: { customer: (request) => request.params.customerId },
      schema: {
        params: { type: 'object', required: ['customerId'], properties: { customerId: { type: 'string' } } },
        body: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
        success: { status: 201, body: item },
        errors: { 404: ['CUSTOMER_NOT_FOUND'] },
      },
      execute: async (request) => ({ body: { id: `${request.params.customerId}/${request.body.name}` }, headers: { location: '/v1/things/1' } }),
    }),
    defineRoute<{ Body: Buffer }>({
      kind: 'custom',
      idempotent: false,
      public: true,
      rawBody: { description: 'the event exactly as sent', bodyLimit: 64 },
      method: 'POST',
      url: '/v1/webhooks/test',
      operationId: 'receiveTestWebhook',
      summary: 'A webhook signed over its raw bytes',
      tag: 'webhooks',
      access: 'any',
      schema: { success: { status: 200, body: { type: 'object', properties: { bytes: { type: 'integer' }, raw: { type: 'boolean' } } } } },
      handle: async (request) => ({ body: { bytes: request.body.length, raw: Buffer.isBuffer(request.body) } }),
    }),
  ], { title: 'kit test', version: '1.0.0' });
  return http;
}

const jsonWrite = { ...admin, 'content-type': 'application/json', 'idempotency-key': 'key-1' };

describe('HTTP contract kit', () => {
  let http: FastifyInstance;
  before(async () => {
    http = server();
    await http.ready();
  });
  after(() => http.close());

  describe('when a list is read', () => {
    it('coerces limit from the query string, defaults it to 50, and pages with an opaque cursor', async () => {
      const first = await http.inject({ url: '/v1/things?limit=2', headers: admin });
      expect(first.statusCode).to.equal(200);
      const page = first.json<Page<{ id: string }>>();
      expect(page.data).to.deep.equal([{ id: 'a' }, { id: 'b' }]);
      const second = await http.inject({ url: `/v1/things?limit=2&cursor=${page.nextCursor}`, headers: admin });
      expect(second.json()).to.deep.equal({ data: [{ id: 'c' }], nextCursor: null });
      expect((await http.inject({ url: '/v1/things', headers: admin })).json<Page<unknown>>().data).to.have.length(3);
    });

    it('refuses a limit outside 1–100 with INVALID_REQUEST and a cursor it never returned with INVALID_CURSOR', async () => {
      for (const limit of ['0', '101', 'ten']) {
        const answer = await http.inject({ url: `/v1/things?limit=${limit}`, headers: admin });
        expect(answer.statusCode, limit).to.equal(400);
        expect(answer.json().error).to.include({ code: 'INVALID_REQUEST' });
      }
      for (const cursor of ['bm90LWEtY3Vyc29y', 'a+b', encodeCursor(['x'])]) {
        const answer = await http.inject({ url: `/v1/things?cursor=${encodeURIComponent(cursor)}`, headers: admin });
        expect(answer.statusCode, cursor).to.equal(400);
        expect(answer.json().error.code, cursor).to.equal('INVALID_CURSOR');
      }
    });

    it('answers 403 FORBIDDEN to a token scoped to a customer', async () => {
      const answer = await http.inject({ url: '/v1/things', headers: scoped });
      expect(answer.statusCode).to.equal(403);
      expect(answer.json().error.code).to.equal('FORBIDDEN');
    });
  });

  describe('when a resource is created', () => {
    it('answers the success status with the body serialised by its schema', async () => {
      const answer = await http.inject({ method: 'POST', url: '/v1/customers/customer-1/things', headers: jsonWrite, payload: '{"name":"x"}' });
      expect(answer.statusCode).to.equal(201);
      expect(answer.json()).to.deep.equal({ id: 'customer-1/x' });
      expect(answer.headers.location).to.equal('/v1/things/1');
    });

    it("answers 403 FORBIDDEN to a token scoped to another customer, before the body's work runs", async () => {
      const answer = await http.inject({ method: 'POST', url: '/v1/customers/customer-2/things', headers: { ...scoped, 'content-type': 'application/json' }, payload: '{"name":"x"}' });
      expect(answer.statusCode).to.equal(403);
      expect(answer.json().error.code).to.equal('FORBIDDEN');
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body that is not declared JSON', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
        const headers: Record<string, string> = { ...admin, 'idempotency-key': 'key-1' };
        if (contentType) headers['content-type'] = contentType;
        const answer = await http.inject({ method: 'POST', url: '/v1/customers/customer-1/things', headers, payload: '{"name":"x"}' });
        expect(answer.statusCode, String(contentType)).to.equal(415);
        expect(answer.json().error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
      }
    });

    it('answers 400 INVALID_TEXT to invalid UTF-8 bytes instead of storing U+FFFD', async () => {
      const payload = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
      const answer = await http.inject({ method: 'POST', url: '/v1/customers/customer-1/things', headers: jsonWrite, payload });
      expect(answer.statusCode).to.equal(400);
      expect(answer.json().error.code).to.equal('INVALID_TEXT');
    });
  });

  describe('when a public route takes its body raw', () => {
    it('hands over the bytes as sent, whatever the content type, without a token, within its own body limit', async () => {
      const answer = await http.inject({ method: 'POST', url: '/v1/webhooks/test', headers: { 'content-type': 'text/plain' }, payload: '{"id":"evt_1"}' });
      expect([answer.statusCode, answer.json()]).to.deep.equal([200, { bytes: 14, raw: true }]);
      const tooLarge = await http.inject({ method: 'POST', url: '/v1/webhooks/test', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(65) });
      expect([tooLarge.statusCode, tooLarge.json().error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    });

    it('is documented without security and without 401', async () => {
      const webhook = (await http.inject({ url: '/openapi.json' })).json().paths['/v1/webhooks/test'].post;
      expect(webhook.security).to.deep.equal([]);
      expect(Object.keys(webhook.responses)).to.deep.equal(['200', '413', '503']);
      expect(webhook.requestBody.description).to.equal('the event exactly as sent');
    });
  });

  describe('GET /openapi.json', () => {
    it('is public OpenAPI 3.1.0 with the success schema and every error status in the one error body', async () => {
      const answer = await http.inject({ url: '/openapi.json' });
      expect(answer.statusCode).to.equal(200);
      const document = answer.json();
      expect(document.openapi).to.equal('3.1.0');
      const create = document.paths['/v1/customers/{customerId}/things'].post;
      expect(create.responses['201'].content['application/json'].schema).to.deep.equal(item);
      expect(Object.keys(create.responses)).to.deep.equal(['201', '400', '401', '403', '404', '409', '413', '415', '422', '503']);
      expect(create.responses['403'].description).to.equal('FORBIDDEN');
      expect(create.responses['415'].content['application/json'].schema).to.deep.equal({ $ref: '#/components/schemas/Error' });
      expect(create.parameters.map((parameter: { name: string }) => parameter.name)).to.deep.equal(['customerId', 'Idempotency-Key']);
      const list = document.paths['/v1/things'].get;
      expect(list.parameters.map((parameter: { name: string; schema: { type: string } }) => [parameter.name, parameter.schema.type])).to.deep.equal([
        ['limit', 'integer'],
        ['cursor', 'string'],
      ]);
      expect(list.responses['400'].description).to.equal('INVALID_REQUEST, INVALID_TEXT, INVALID_CURSOR');
    });
  });
});
