import { expect } from 'chai';
import { ApiError, post, request, setCsrfToken, uuid, whenUnauthenticated } from './client';

interface Sent {
  url: string;
  init: RequestInit;
}

describe('the console app’s API client', () => {
  const realFetch = globalThis.fetch;
  let sent: Sent[];
  let answer: () => Response;

  beforeEach(() => {
    sent = [];
    answer = () => new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'content-type': 'application/json' } });
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return answer();
    }) as typeof fetch;
    setCsrfToken('csrf-1');
    whenUnauthenticated(() => {});
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  const headersOf = (index: number) => (sent[index]?.init.headers ?? {}) as Record<string, string>;

  describe('when it writes', () => {
    it('sends the session’s CSRF token, the dialog’s Idempotency-Key and a JSON body', async () => {
      await post('/api/services/credit/v1/grants/g/revoke', { reason: 'r' }, 'key-1');
      expect(headersOf(0)).to.include({ 'X-CSRF-Token': 'csrf-1', 'Idempotency-Key': 'key-1', 'Content-Type': 'application/json' });
      expect(sent[0]?.init.body).to.equal('{"reason":"r"}');
    });
  });

  describe('when it reads', () => {
    it('sends no CSRF token', async () => {
      await request('/api/ops/status');
      expect(headersOf(0)).not.to.have.property('X-CSRF-Token');
    });
  });

  describe('when the service refuses', () => {
    it('throws its code, message and the field it blamed', async () => {
      answer = () =>
        new Response(JSON.stringify({ error: { code: 'INVALID_REQUEST', message: 'body/amount must be >= 1', details: { part: 'body', field: 'amount' } } }), {
          status: 400,
        });
      const error = await post('/api/services/credit/v1/accounts/c/grants', { amount: 0 }, 'k').catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApiError);
      expect(error).to.include({ status: 400, code: 'INVALID_REQUEST', message: 'body/amount must be >= 1' });
      expect((error as ApiError).field).to.equal('amount');
    });

    it('turns an answer that is not the error shape into an HTTP_<status> error', async () => {
      answer = () => new Response('Bad gateway', { status: 502 });
      const error = await request('/api/session').catch((caught: unknown) => caught);
      expect(error).to.include({ status: 502, code: 'HTTP_502' });
    });
  });

  describe('when the session is gone (401)', () => {
    it('calls the sign-out handler, except where a 401 is the answer itself (a wrong password)', async () => {
      let signedOut = 0;
      whenUnauthenticated(() => signedOut++);
      answer = () => new Response(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'sign in' } }), { status: 401 });
      await request('/api/ops/status').catch(() => undefined);
      await request('/api/session', { method: 'POST', body: {}, unauthenticatedIsError: true }).catch(() => undefined);
      expect(signedOut).to.equal(1);
    });
  });

  it('makes version 4 UUIDs', () => {
    expect(uuid()).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
