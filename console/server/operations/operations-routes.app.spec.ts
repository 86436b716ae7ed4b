import { expect } from 'chai';
import { consoleTestApp, signIn } from '../testing/console-test-app';

describe('console operations routes', () => {
  it('answers the status, a dead-letter topic it knows and 404 NOT_FOUND for one it does not, and checks the limit', async () => {
    const app = await consoleTestApp();
    const { cookie, csrfToken } = await signIn(app, 'alice');
    const status = await app.inject({ method: 'GET', url: '/api/ops/status', headers: { cookie } });
    expect(status.json().deadLetters).to.deep.equal([{ topic: 'billing.payment.v1.dlq.x', messages: 1, pending: 1 }]);
    expect((await app.inject({ method: 'GET', url: '/api/ops/dead-letters/billing.payment.v1.dlq.x/messages', headers: { cookie } })).json()).to.deep.equal({ data: [] });
    const unknown = await app.inject({ method: 'GET', url: '/api/ops/dead-letters/billing.payment.v1/messages', headers: { cookie } });
    expect(unknown.statusCode).to.equal(404);
    expect(unknown.json().error.code).to.equal('NOT_FOUND');
    const tooMany = await app.inject({ method: 'GET', url: '/api/ops/dead-letters/billing.payment.v1.dlq.x/messages?limit=500', headers: { cookie } });
    expect(tooMany.statusCode).to.equal(400);
    expect(tooMany.json().error.code).to.equal('INVALID_REQUEST');
    const replayUnknown = await app.inject({ method: 'POST', url: '/api/ops/dead-letters/nope.dlq.x/replay', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(replayUnknown.statusCode).to.equal(404);
    await app.close();
  });
});
