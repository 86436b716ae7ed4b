import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { servicePath } from './service-proxy';
import { consoleTestApp, type SignedIn, signIn } from './testing/console-test-app';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe('console service proxy', () => {
  let upstream: FastifyInstance;
  let app: FastifyInstance;
  let seen: Seen[];
  let operator: SignedIn;

  before(async () => {
    // forceCloseConnections: the console's pooled keep-alive connections must not hold the fake open after the tests.
    upstream = Fastify({ forceCloseConnections: true });
    upstream.removeAllContentTypeParsers();
    upstream.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    upstream.all('/*', async (request, reply) => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' });
      if (request.url.startsWith('/v1/slow')) await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (request.url.startsWith('/v1/refused')) return reply.status(422).header('x-correlation-id', 'from-service').send({ error: { code: 'REFUND_EXCEEDS_PAYMENT', message: 'too much', details: { field: 'amount' } } });
      return reply.status(request.method === 'POST' ? 201 : 200).send({ echoed: true });
    });
    const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
    app = await consoleTestApp({ serviceUrls: { customer: url, credit: url, subscription: url, payment: 'http://127.0.0.1:9' }, serviceTimeoutMs: 300 });
    operator = await signIn(app, 'alice');
  });
  beforeEach(() => (seen = []));
  after(async () => {
    await app.close();
    await upstream.close();
  });

  const write = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { cookie: operator.cookie, 'x-csrf-token': operator.csrfToken, 'content-type': 'application/json', ...headers } });

  it('passes a write on with the same path, query and body bytes, its Idempotency-Key and Content-Type, plus the token, the actor and a correlation id', async () => {
    const body = '{"amount":500,"reason":"goodwill",  "source":{"type":"MANUAL"}}';
    const response = await write('/api/services/credit/v1/accounts/c-1/grants?x=1', body, { 'idempotency-key': 'key-1', 'x-custom': 'not passed' });
    expect(response.statusCode).to.equal(201);
    expect(response.json()).to.deep.equal({ echoed: true });
    expect(seen).to.have.length(1);
    const [call] = seen;
    expect(call!.method).to.equal('POST');
    expect(call!.url).to.equal('/v1/accounts/c-1/grants?x=1');
    expect(call!.body).to.equal(body);
    expect(call!.headers).to.include({
      authorization: 'Bearer console-service-token',
      'billing-actor': 'console:alice',
      'idempotency-key': 'key-1',
      'content-type': 'application/json',
    });
    expect(call!.headers['x-correlation-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(call!.headers).to.not.have.property('cookie');
    expect(call!.headers).to.not.have.property('x-csrf-token');
    expect(call!.headers).to.not.have.property('x-custom');
  });

  it("answers the service's status and error body unchanged", async () => {
    const response = await write('/api/services/payment/v1/refused', '{}');
    expect(response.statusCode, 'payment is down in this test').to.equal(503);
    const refused = await app.inject({ method: 'GET', url: '/api/services/subscription/v1/refused?limit=5', headers: { cookie: operator.cookie } });
    expect(refused.statusCode).to.equal(422);
    expect(refused.json()).to.deep.equal({ error: { code: 'REFUND_EXCEEDS_PAYMENT', message: 'too much', details: { field: 'amount' } } });
    expect(refused.headers['x-correlation-id']).to.equal('from-service');
    expect(seen[0]!.url).to.equal('/v1/refused?limit=5');
  });

  it('answers 503 SERVICE_UNAVAILABLE for a service that does not answer, and 504 SERVICE_TIMEOUT for one too slow', async () => {
    const down = await app.inject({ method: 'GET', url: '/api/services/payment/v1/payments/p', headers: { cookie: operator.cookie } });
    expect(down.statusCode).to.equal(503);
    expect(down.json().error.code).to.equal('SERVICE_UNAVAILABLE');
    const slow = await app.inject({ method: 'GET', url: '/api/services/credit/v1/slow', headers: { cookie: operator.cookie } });
    expect(slow.statusCode).to.equal(504);
    expect(slow.json().error.code).to.equal('SERVICE_TIMEOUT');
  });

  it('answers 404 for a service it does not know, and passes nothing on', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/services/billing/v1/anything', headers: { cookie: operator.cookie } });
    expect(response.statusCode).to.equal(404);
    expect(response.json().error.code).to.equal('NOT_FOUND');
    expect(seen).to.deep.equal([]);
  });

  it('refuses paths outside /v1, dot segments and encoded slashes or dots with 400, and passes nothing on', async () => {
    // Over a real socket: inject() would normalise the dot segments before the console ever saw them.
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { hostname, port } = new URL(address);
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest({ host: hostname, port, path, agent: false, headers: { cookie: operator.cookie } }, (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode!, body }));
        });
        request.on('error', reject).end();
      });
    for (const path of ['/metrics', '/v2/x', '/v1/../metrics', '/v1/a/../../readyz', '/v1/%2e%2e/metrics', '/v1/%2E%2e/x', '/v1/a%2f..%2fmetrics', '/v1/a%5c..', '/v1/./x', '/v1//x', '/v1/a\\..\\x', '/v1/a%00']) {
      const response = await get(`/api/services/credit${path}`);
      expect(response.status, path).to.equal(400);
      expect(JSON.parse(response.body).error.code, path).to.be.oneOf(['INVALID_PATH', 'INVALID_REQUEST']);
    }
    expect(seen).to.deep.equal([]);
  });

  describe('servicePath', () => {
    it('keeps a /v1 path and its query as they came', () => {
      expect(servicePath('/api/services/credit/v1/accounts/a%40b/ledger?order=desc&cursor=x%2Fy', 'credit')).to.equal('/v1/accounts/a%40b/ledger?order=desc&cursor=x%2Fy');
      expect(servicePath('/api/services/credit/v1', 'credit')).to.equal('/v1');
    });

    it('refuses what could leave /v1 on the service', () => {
      for (const url of ['/api/services/credit/v1/..', '/api/services/credit/v1/%2E%2E/x', '/api/services/credit/v1x', '/api/services/credit', '/api/services/creditx/v1/a']) {
        expect(servicePath(url, 'credit'), url).to.equal(undefined);
      }
    });
  });
});
