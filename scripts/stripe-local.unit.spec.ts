import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { findLocalStripe } from './stripe-local';

describe('findLocalStripe (where npm run stripe finds the local Stripe server)', () => {
  let dir: string;
  let runFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stripe-local-'));
    runFile = join(dir, 'stripe-local.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes STRIPE_LOCAL_URL and STRIPE_LOCAL_API_KEY over the run file', () => {
    writeFileSync(runFile, JSON.stringify({ url: 'http://127.0.0.1:1', apiKey: 'sk_test_file' }));
    expect(findLocalStripe({ STRIPE_LOCAL_URL: 'http://127.0.0.1:2', STRIPE_LOCAL_API_KEY: 'sk_test_env' }, runFile)).to.deep.equal({
      url: 'http://127.0.0.1:2', apiKey: 'sk_test_env', source: 'STRIPE_LOCAL_URL',
    });
  });

  it('reads the run file npm start writes when the environment says nothing', () => {
    writeFileSync(runFile, JSON.stringify({ url: 'http://127.0.0.1:1', apiKey: 'sk_test_file' }));
    expect(findLocalStripe({}, runFile)).to.deep.equal({ url: 'http://127.0.0.1:1', apiKey: 'sk_test_file', source: runFile });
  });

  it('says what is missing: the run file, one of the two variables, or a field of the file', () => {
    expect(() => findLocalStripe({}, runFile)).to.throw(/does not exist — is npm start running/);
    expect(() => findLocalStripe({ STRIPE_LOCAL_URL: 'http://127.0.0.1:2' }, runFile)).to.throw(/set both STRIPE_LOCAL_URL and STRIPE_LOCAL_API_KEY/);
    writeFileSync(runFile, JSON.stringify({ url: 'http://127.0.0.1:1' }));
    expect(() => findLocalStripe({}, runFile)).to.throw(/should be \{"url"/);
  });
});
