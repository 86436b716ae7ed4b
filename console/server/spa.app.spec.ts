import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { consoleTestApp, signIn } from './testing/console-test-app';

describe('console app serving', () => {
  describe('when the app is built', () => {
    const appDir = mkdtempSync(join(tmpdir(), 'console-built-'));
    mkdirSync(join(appDir, 'assets'));
    writeFileSync(join(appDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/app-1.js"></script>');
    writeFileSync(join(appDir, 'assets', 'app-1.js'), 'console.log(1)');

    it('serves its files, and index.html for any other page (SPA fallback), not for /api', async () => {
      const app = await consoleTestApp({ appDir });
      const script = await app.inject({ method: 'GET', url: '/assets/app-1.js' });
      expect(script.statusCode).to.equal(200);
      expect(script.headers['content-type']).to.match(/javascript/);
      expect(script.headers['cache-control']).to.contain('immutable');
      for (const url of ['/', '/customers/42', '/operations?x=1']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode, url).to.equal(200);
        expect(page.body, url).to.contain('<div id="root">');
        expect(page.headers['content-security-policy'], url).to.contain("script-src 'self'");
      }
      const { cookie } = await signIn(app, 'alice');
      const api = await app.inject({ method: 'GET', url: '/api/unknown', headers: { cookie } });
      expect(api.statusCode).to.equal(404);
      expect(api.json().error.code).to.equal('NOT_FOUND');
      await app.close();
    });
  });

  describe('when the app is not built', () => {
    it('answers 503 with a page that says how to build it', async () => {
      const app = await consoleTestApp();
      const page = await app.inject({ method: 'GET', url: '/customers' });
      expect(page.statusCode).to.equal(503);
      expect(page.headers['content-type']).to.match(/text\/html/);
      expect(page.body).to.contain('npm run build -w console');
      await app.close();
    });
  });
});
