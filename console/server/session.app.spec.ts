import { expect } from 'chai';
import type { FastifyInstance } from 'fastify';
import { consoleTestApp, fakeOperations, passwords, sessionCookieOf, signIn } from './testing/console-test-app';

describe('console sign-in and sessions', () => {
  let app: FastifyInstance;
  let now: number;

  beforeEach(async () => {
    now = Date.parse('2026-01-01T00:00:00Z');
    app = await consoleTestApp({ now: () => now, sessionIdleMs: 3_600_000 });
  });
  afterEach(() => app.close());

  describe('when the password is right', () => {
    it('answers the name, role and a CSRF token, and sets an httpOnly SameSite=Strict session cookie on /', async () => {
      const response = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'alice', password: passwords.alice } });
      expect(response.statusCode).to.equal(200);
      const body = response.json();
      expect(body).to.include({ name: 'alice', role: 'operator' });
      expect(body.csrfToken).to.be.a('string').with.length.greaterThan(30);
      const cookie = response.cookies.find((entry) => entry.name === 'console_session')!;
      expect(cookie).to.include({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(cookie.secure, 'plain http: not Secure').to.not.equal(true);
      expect(Buffer.from(cookie.value, 'base64url')).to.have.length(32);
      const session = await app.inject({ method: 'GET', url: '/api/session', headers: { cookie: sessionCookieOf(response)! } });
      expect(session.json()).to.deep.equal(body);
    });

    it('marks the cookie Secure when the console is reached over https (behind a trusted proxy)', async () => {
      const proxied = await consoleTestApp({ trustProxy: true });
      const response = await proxied.inject({ method: 'POST', url: '/api/session', headers: { 'x-forwarded-proto': 'https' }, payload: { name: 'alice', password: passwords.alice } });
      expect(response.cookies.find((entry) => entry.name === 'console_session')!.secure).to.equal(true);
      await proxied.close();
    });
  });

  describe('when the name or password is wrong', () => {
    it('answers 401 INVALID_CREDENTIALS without a cookie, for a wrong password and an unknown name alike', async () => {
      for (const payload of [{ name: 'alice', password: 'wrong' }, { name: 'nobody', password: passwords.alice }]) {
        const response = await app.inject({ method: 'POST', url: '/api/session', payload });
        expect(response.statusCode).to.equal(401);
        expect(response.json().error.code).to.equal('INVALID_CREDENTIALS');
        expect(sessionCookieOf(response)).to.equal(undefined);
      }
    });

    it('refuses the sixth attempt on a name within 5 minutes with 429 TOO_MANY_ATTEMPTS and Retry-After, the right password too', async () => {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'alice', password: 'wrong' }, remoteAddress: `10.0.0.${attempt}` });
        expect(response.statusCode).to.equal(401);
      }
      const refused = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'alice', password: passwords.alice }, remoteAddress: '10.0.1.1' });
      expect(refused.statusCode).to.equal(429);
      expect(refused.json().error.code).to.equal('TOO_MANY_ATTEMPTS');
      expect(Number(refused.headers['retry-after'])).to.be.within(1, 300);
      now += 5 * 60_000 + 1;
      expect((await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'alice', password: passwords.alice } })).statusCode, 'after the window').to.equal(200);
    });

    it('refuses an address that failed 5 times, whatever name it tries next', async () => {
      for (const name of ['a1', 'a2', 'a3', 'a4', 'a5']) await app.inject({ method: 'POST', url: '/api/session', payload: { name, password: 'x' }, remoteAddress: '10.9.9.9' });
      const refused = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'victor', password: passwords.victor }, remoteAddress: '10.9.9.9' });
      expect(refused.statusCode).to.equal(429);
      const elsewhere = await app.inject({ method: 'POST', url: '/api/session', payload: { name: 'victor', password: passwords.victor }, remoteAddress: '10.9.9.10' });
      expect(elsewhere.statusCode).to.equal(200);
    });
  });

  describe('when signed in', () => {
    it('needs the session cookie for every /api read, however the URL is encoded: 401 UNAUTHENTICATED without it', async () => {
      for (const url of ['/api/session', '/api/ops/status', '/api/services/credit/v1/accounts/x/balance', '/%61pi/ops/status', '/%61pi/services/credit/v1/x', '/api/nothing']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, url).to.equal(401);
        expect(response.json().error.code).to.equal('UNAUTHENTICATED');
      }
    });

    it('refuses a write without the CSRF token, or with a wrong one, with 403 CSRF_TOKEN_INVALID', async () => {
      const { cookie, csrfToken } = await signIn(app, 'alice');
      for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'x'.repeat(csrfToken.length) }, { cookie, 'x-csrf-token': 'short' }]) {
        const response = await app.inject({ method: 'POST', url: '/api/ops/dead-letters/billing.payment.v1.dlq.x/replay', headers });
        expect(response.statusCode).to.equal(403);
        expect(response.json().error.code).to.equal('CSRF_TOKEN_INVALID');
      }
      const encoded = await app.inject({ method: 'POST', url: '/%61pi/ops/dead-letters/billing.payment.v1.dlq.x/replay', headers: { cookie } });
      expect(encoded.statusCode, 'an encoded /api').to.equal(403);
      const accepted = await app.inject({ method: 'POST', url: '/api/ops/dead-letters/billing.payment.v1.dlq.x/replay', headers: { cookie, 'x-csrf-token': csrfToken } });
      expect(accepted.statusCode).to.equal(200);
      expect(accepted.json()).to.deep.equal({ replayed: 1 });
    });

    it('refuses a viewer every write with 403 ROLE_FORBIDDEN, but lets them read and sign out', async () => {
      const operations = fakeOperations();
      const viewerApp = await consoleTestApp({ operations });
      const { cookie, csrfToken } = await signIn(viewerApp, 'victor');
      const headers = { cookie, 'x-csrf-token': csrfToken };
      for (const [method, url] of [
        ['POST', '/api/ops/dead-letters/billing.payment.v1.dlq.x/replay'],
        ['POST', '/api/services/credit/v1/grants/g/revoke'],
        ['DELETE', '/api/services/customer/v1/customers/c'],
      ] as const) {
        const response = await viewerApp.inject({ method, url, headers, payload: {} });
        expect(response.statusCode, `${method} ${url}`).to.equal(403);
        expect(response.json().error.code).to.equal('ROLE_FORBIDDEN');
      }
      expect(operations.replays).to.deep.equal([]);
      expect((await viewerApp.inject({ method: 'GET', url: '/api/ops/status', headers: { cookie } })).statusCode).to.equal(200);
      expect((await viewerApp.inject({ method: 'DELETE', url: '/api/session', headers })).statusCode).to.equal(204);
      expect((await viewerApp.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, 'signed out').to.equal(401);
      await viewerApp.close();
    });

    it('ends a session idle for longer than the idle timeout, and keeps one in use alive', async () => {
      const { cookie } = await signIn(app, 'alice');
      now += 50 * 60_000;
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode).to.equal(200);
      now += 50 * 60_000;
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, '100 min in use').to.equal(200);
      now += 60 * 60_000 + 1;
      expect((await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode, 'idle > 1 h').to.equal(401);
    });
  });

  it('sends the security headers: a self-only CSP without inline scripts that forbids framing, and nosniff', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/session' });
    const csp = String(response.headers['content-security-policy']);
    expect(csp).to.contain("default-src 'self'").and.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.not.contain('unsafe-inline');
    expect(response.headers['x-content-type-options']).to.equal('nosniff');
  });
});
