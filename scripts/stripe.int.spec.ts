import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Stripe from 'stripe';
import { startStripeTestServer, type StripeTestServer } from '@billing/stripe-test-server';
import { repoRoot } from '../infra/paths';

/**
 * Runs `tsx scripts/stripe.ts <args>` (what `npm run stripe --` runs; node --import tsx saves npx's and tsx's extra
 * process) against `server`, asynchronously: the server answers from this process.
 */
function cli(server: StripeTestServer | null, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, STRIPE_LOCAL_URL: server?.url ?? 'http://127.0.0.1:9', STRIPE_LOCAL_API_KEY: server?.apiKey ?? 'sk_test_x' };
  return run(env, args);
}

function run(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/stripe.ts', ...args], { cwd: repoRoot, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run stripe (scripts/stripe.ts) against a local Stripe server', function () {
  this.timeout(120_000);
  let server: StripeTestServer;
  let stripe: Stripe;

  before(async () => {
    server = await startStripeTestServer({ apiKey: 'sk_test_cli' });
    stripe = new Stripe(server.apiKey, { ...server.clientOptions, maxNetworkRetries: 0 });
  });
  after(() => server.close());

  const openPayment = (paymentId: string, amount = 1_000) =>
    stripe.paymentIntents.create({ amount, currency: 'eur', metadata: { paymentId, purpose: 'credits' } });

  describe('when a payment waits to be paid', () => {
    it('pays it by payment id, refunds 400 of it, disputes it, closes the dispute won, and shows it all (server found by the run file)', async () => {
      const intent = await openPayment('pay-cli-1');
      const paid = await cli(server, 'pay', 'pay-cli-1');
      expect(paid, paid.stderr).to.include({ code: 0 });
      expect(paid.stdout).to.match(new RegExp(`^succeeded  ${intent.id}  payment pay-cli-1  €10\\.00\\n$`));
      expect((await stripe.paymentIntents.retrieve(intent.id)).status).to.equal('succeeded');

      const refunded = await cli(server, 'refund', 'pay-cli-1', '400');
      expect(refunded, refunded.stderr).to.include({ code: 0 });
      expect(refunded.stdout).to.match(/^refund succeeded  re_\S+  €4\.00 of €10\.00/);
      expect(server.refunds().map((refund) => [refund.payment_intent, refund.amount])).to.deep.equal([[intent.id, 400]]);

      const disputed = await cli(server, 'dispute', intent.id, '--amount', '600');
      expect(disputed, disputed.stderr).to.include({ code: 0 });
      expect(server.disputes().map((dispute) => [dispute.payment_intent, dispute.amount, dispute.status])).to.deep.equal([[intent.id, 600, 'needs_response']]);

      const closed = await cli(server, 'dispute-close', 'pay-cli-1', 'won');
      expect(closed, closed.stderr).to.include({ code: 0 });
      expect(closed.stdout).to.match(/^dispute won  dp_/);
      expect(server.disputes()[0]!.status).to.equal('won');
      expect(server.events().map((event) => event.type)).to.include('charge.dispute.closed');

      // Found through the run file npm start writes, as a person would run it: no STRIPE_LOCAL_* variables.
      const cacheDir = mkdtempSync(join(tmpdir(), 'stripe-cli-'));
      mkdirSync(join(cacheDir, 'run'));
      writeFileSync(join(cacheDir, 'run', 'stripe-local.json'), JSON.stringify({ url: server.url, apiKey: server.apiKey }));
      const env: NodeJS.ProcessEnv = { ...process.env, INFRA_CACHE_DIR: cacheDir };
      delete env.STRIPE_LOCAL_URL;
      delete env.STRIPE_LOCAL_API_KEY;
      const shown = await run(env, ['show', 'pay-cli-1']).finally(() => rmSync(cacheDir, { recursive: true, force: true }));
      expect(shown, shown.stderr).to.include({ code: 0 });
      expect(shown.stdout.trim().split('\n').map((line) => line.split('  ')[0])).to.deep.equal([
        'intent succeeded', 'charge succeeded', 'refund succeeded', 'dispute won',
      ]);
    });

    it('declines with the card asked for and says why, and completes a payment that requires authentication', async () => {
      const intent = await openPayment('pay-cli-2');
      const declined = await cli(server, 'pay', 'pay-cli-2', '--card', 'insufficient_funds');
      expect(declined, declined.stderr).to.include({ code: 0 });
      expect(declined.stdout).to.match(/^declined  requires_payment_method  pi_\S+  payment pay-cli-2  €10\.00  last error card_declined\/insufficient_funds: /);
      const authenticated = await cli(server, 'pay', 'pay-cli-2', '--card', 'authentication_required', '--authenticate', 'complete');
      expect(authenticated, authenticated.stderr).to.include({ code: 0 });
      expect((await stripe.paymentIntents.retrieve(intent.id)).status).to.equal('succeeded');
    });
  });

  describe('when the command cannot be carried out', () => {
    it('exits 1 with one line for an unknown payment, an already paid one, and an unreachable server', async () => {
      const unknown = await cli(server, 'pay', 'no-such-payment');
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^error: no payment intent for payment no-such-payment on http:\/\/127\.0\.0\.1:\d+.*\n$/);

      await openPayment('pay-cli-3');
      await cli(server, 'pay', 'pay-cli-3');
      const again = await cli(server, 'pay', 'pay-cli-3');
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(/^error: stripe: .*status is succeeded.*\n$/);

      const down = await cli(null, 'show', 'pay-cli-3');
      expect(down.code).to.equal(1);
      expect(down.stderr).to.equal('error: cannot reach the local Stripe server at http://127.0.0.1:9 (from STRIPE_LOCAL_URL): is npm start running?\n');
    });
  });
});
