import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import Stripe from 'stripe';
import { startStripeTestServer, type StripeTestServer } from './stripe-test-server';

describe('Stripe test server: state kept in a state file across restarts', () => {
  let dir: string;
  let stateFile: string;
  const servers: StripeTestServer[] = [];

  const start = async (options: { port?: number; apiKey?: string } = {}) => {
    const server = await startStripeTestServer({ stateFile, ...options });
    servers.push(server);
    return { server, stripe: new Stripe(server.apiKey, { ...server.clientOptions, maxNetworkRetries: 0 }) };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stripe-state-'));
    stateFile = join(dir, 'state.json');
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a server with a state file is closed and another starts on the same file', () => {
    it('retrieves, lists and searches what the first one created, replays its idempotency keys, and makes new ids', async () => {
      const first = await start({ apiKey: 'sk_test_kept' });
      const customer = await first.stripe.customers.create({ email: 'ada@example.com', metadata: { customerId: 'c1' } }, { idempotencyKey: 'cust-c1' });
      const intent = await first.stripe.paymentIntents.create({
        amount: 1_000, currency: 'eur', customer: customer.id, payment_method: 'pm_card_visa', confirm: true, metadata: { paymentId: 'pay-1' },
      });
      const refund = await first.stripe.refunds.create({ payment_intent: intent.id, amount: 400 });
      const dispute = first.server.createDispute(intent.id, { amount: 600 });
      const eventIds = first.server.events().map((event) => event.id);
      const port = first.server.port;
      await first.server.close();
      expect(existsSync(stateFile)).to.equal(true);
      expect(readdirSync(dir)).to.deep.equal(['state.json']); // the temporary file was renamed, not left behind

      const second = await start({ apiKey: 'sk_test_kept', port });
      expect(second.server.url).to.equal(first.server.url);
      expect((await second.stripe.customers.retrieve(customer.id)).id).to.equal(customer.id);
      expect((await second.stripe.customers.search({ query: "metadata['customerId']:'c1'" })).data.map((c) => c.id)).to.deep.equal([customer.id]);
      const kept = await second.stripe.paymentIntents.retrieve(intent.id);
      expect(kept.status).to.equal('succeeded');
      expect((await second.stripe.paymentIntents.search({ query: "metadata['paymentId']:'pay-1'" })).data).to.have.length(1);
      expect((await second.stripe.charges.retrieve(kept.latest_charge as string)).amount_refunded).to.equal(400);
      expect((await second.stripe.refunds.retrieve(refund.id)).amount).to.equal(400);
      expect((await second.stripe.disputes.retrieve(dispute.id)).amount).to.equal(600);
      expect(second.server.events().map((event) => event.id)).to.deep.equal(eventIds);
      const replay = await second.stripe.customers.create({ email: 'ada@example.com', metadata: { customerId: 'c1' } }, { idempotencyKey: 'cust-c1' });
      expect(replay.id).to.equal(customer.id);
      expect(replay.lastResponse.headers['idempotent-replayed']).to.equal('true');

      const other = await second.stripe.customers.create({ email: 'bob@example.com' });
      expect(other.id).to.not.equal(customer.id);
      expect(second.server.customers().map((c) => c.id)).to.deep.equal([customer.id, other.id]);
      // A refund after the restart still sees what was refunded before it.
      const tooMuch = await second.stripe.refunds.create({ payment_intent: intent.id, amount: 700 }).catch((error: unknown) => error);
      expect((tooMuch as Stripe.errors.StripeError).code).to.equal('amount_too_large');
    });

    it('saves changes made while it runs (coalesced), not only at close, creating the file’s folder', async () => {
      stateFile = join(dir, 'stripe-local', 'state.json');
      const { stripe } = await start();
      const customer = await stripe.customers.create({ email: 'ada@example.com' });
      for (let waited = 0; !(existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes(customer.id)); waited += 10) {
        if (waited > 2_000) throw new Error('the state file was not written within 2 s of the change');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
  });

  describe('when the state file cannot be read', () => {
    it('refuses to start rather than overwrite it', async () => {
      writeFileSync(stateFile, '{not json');
      const error = await startStripeTestServer({ stateFile }).catch((e: unknown) => e);
      expect(String(error)).to.match(/state file .* is not JSON/);
      expect(readFileSync(stateFile, 'utf8')).to.equal('{not json');
    });
  });
});
