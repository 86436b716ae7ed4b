import { expect } from 'chai';
import { PaymentConcurrentUpdateError } from '../../../domain/payment.errors';
import { FakeGatewayWebhooks, VALID_SIGNATURE } from '../../testing/fake-gateway-webhooks';
import { disputeEvent, intentEvent, refundEvent, unhandledEvent } from '../../testing/gateway-events';
import { type PaymentTestKit, paymentTestKit, rejectionOf, T0_SECONDS, typesIn, WEBHOOK_REQUEST } from '../../testing/payment-test-kit';

const PAYMENT_ID = '00000000-0000-4000-8000-000000000001';
const INTENT_ID = 'pi_fake_1';
const t = (seconds: number): number => T0_SECONDS + seconds;

/** Given: a top-up of 1000 USD cents waiting for the customer, its PaymentCreated already in the outbox. */
async function givenOpenTopUp(): Promise<PaymentTestKit> {
  const kit = paymentTestKit();
  await kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'USD' });
  return kit;
}

/** Given: that top-up paid (payment_intent.succeeded at t+10 applied). */
async function givenSucceededTopUp(): Promise<PaymentTestKit> {
  const kit = await givenOpenTopUp();
  const intent = kit.gateway.setStatus(INTENT_ID, 'succeeded');
  await kit.deliver(intentEvent('evt_paid', 'payment_intent.succeeded', t(10), intent));
  return kit;
}

const outboxTypes = (kit: PaymentTestKit): string[] => typesIn(kit.payments.outbox);

describe('HandleGatewayWebhook', () => {
  describe('when payment_intent.succeeded is delivered three times', () => {
    it('changes the payment once and records one PaymentSucceeded; the repeats are duplicates', async () => {
      const kit = await givenOpenTopUp();
      const event = intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.setStatus(INTENT_ID, 'succeeded'));
      const results = [];
      for (let i = 0; i < 3; i += 1) results.push(await kit.deliver(event));
      expect(results.map((result) => result.outcome)).to.deep.equal(['applied', 'duplicate', 'duplicate']);
      expect(kit.payments.saves).to.equal(2); // the intent attach on creation, then this one state change
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
      expect(kit.payments.outbox[1]).to.include({ purpose: 'CREDIT_TOP_UP', referenceId: 'top-1', credits: 500, amount: 1_000, currency: 'USD', gatewayPaymentIntentId: INTENT_ID });
    });
  });

  describe('when deliveries are recorded for operators', () => {
    it('lists each delivery of the payment newest first: applied, then the redelivery as duplicate, a stale one as ignored', async () => {
      const kit = await givenOpenTopUp();
      const processing = intentEvent('evt_processing', 'payment_intent.processing', t(5), { ...kit.gateway.snapshotOf(INTENT_ID), status: 'processing' });
      const succeeded = intentEvent('evt_succeeded', 'payment_intent.succeeded', t(6), kit.gateway.setStatus(INTENT_ID, 'succeeded'));
      await kit.deliver(succeeded);
      kit.clock.advanceSeconds(1);
      await kit.deliver(succeeded);
      kit.clock.advanceSeconds(1);
      await kit.deliver(processing);
      await kit.deliver(unhandledEvent('evt_other', 'customer.updated', t(7)));

      const page = await kit.listWebhookDeliveries.execute({ paymentId: PAYMENT_ID, limit: 10 });
      expect(page.data.map((row) => [row.eventId, row.outcome])).to.deep.equal([
        ['evt_processing', 'ignored'],
        ['evt_succeeded', 'duplicate'],
        ['evt_succeeded', 'applied'],
      ]);
      expect(page.data[2]!.detail).to.equal('payment succeeded');
      expect(page.customerId).to.equal('cus-1');
      expect(kit.processed.seen.size, 'dedup marks stay one per event id').to.equal(2);
    });
  });

  describe('when succeeded is delivered before processing', () => {
    it('ends succeeded; the late processing changes nothing', async () => {
      const kit = await givenOpenTopUp();
      const processing = intentEvent('evt_processing', 'payment_intent.processing', t(5), { ...kit.gateway.snapshotOf(INTENT_ID), status: 'processing' });
      const succeeded = intentEvent('evt_succeeded', 'payment_intent.succeeded', t(6), kit.gateway.setStatus(INTENT_ID, 'succeeded'));
      const first = await kit.deliver(succeeded);
      const late = await kit.deliver(processing);
      expect([first.outcome, late.outcome]).to.deep.equal(['applied', 'unchanged']);
      expect(kit.payments.stateOf(PAYMENT_ID)?.status).to.equal('succeeded');
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
    });
  });

  describe('when an event older than the state held would move it', () => {
    it('re-reads the intent from the gateway and applies that instead', async () => {
      const kit = await givenOpenTopUp();
      const processingSnapshot = kit.gateway.setStatus(INTENT_ID, 'processing');
      await kit.deliver(intentEvent('evt_processing', 'payment_intent.processing', t(20), processingSnapshot));
      // A failure from before the processing we hold arrives late; the gateway meanwhile says succeeded.
      const staleFailure = { ...processingSnapshot, status: 'requires_payment_method' as const, lastPaymentError: { code: 'card_declined' } };
      kit.gateway.setStatus(INTENT_ID, 'succeeded');
      const result = await kit.deliver(intentEvent('evt_old_failure', 'payment_intent.payment_failed', t(15), staleFailure));
      expect(result).to.deep.include({ outcome: 'applied', status: 'succeeded', refetched: true });
      expect(kit.gateway.retrieveCalls).to.equal(1);
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
    });
  });

  describe('when the event is from the same second as the state held', () => {
    it('re-reads a non-terminal move (the order within the second is unknown)', async () => {
      const kit = await givenOpenTopUp();
      await kit.deliver(intentEvent('evt_p', 'payment_intent.processing', t(20), kit.gateway.setStatus(INTENT_ID, 'processing')));
      const failed = kit.gateway.setStatus(INTENT_ID, 'requires_payment_method', { code: 'card_declined' });
      const result = await kit.deliver(intentEvent('evt_f', 'payment_intent.payment_failed', t(20), failed));
      expect(result).to.deep.include({ outcome: 'applied', status: 'failed', refetched: true });
      expect(kit.gateway.retrieveCalls).to.equal(1);
    });

    it('applies a terminal move as it is: succeeded never changes again at the gateway', async () => {
      const kit = await givenOpenTopUp();
      await kit.deliver(intentEvent('evt_p', 'payment_intent.processing', t(20), kit.gateway.setStatus(INTENT_ID, 'processing')));
      const result = await kit.deliver(intentEvent('evt_s', 'payment_intent.succeeded', t(20), kit.gateway.setStatus(INTENT_ID, 'succeeded')));
      expect(result).to.deep.include({ outcome: 'applied', status: 'succeeded', refetched: false });
      expect(kit.gateway.retrieveCalls).to.equal(0);
    });
  });

  describe('when the payload is ambiguous (the status contradicts the event type)', () => {
    it('re-reads the intent and applies the gateway status', async () => {
      const kit = await givenOpenTopUp();
      const contradictory = { ...kit.gateway.snapshotOf(INTENT_ID), status: 'processing' as const };
      kit.gateway.setStatus(INTENT_ID, 'succeeded');
      const result = await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), contradictory));
      expect(result).to.deep.include({ status: 'succeeded', refetched: true });
    });
  });

  describe('when the intent disagrees with the payment on the amount, even after a re-read', () => {
    it('fails with GATEWAY_INTENT_MISMATCH and stores nothing', async () => {
      const kit = await givenOpenTopUp();
      kit.gateway.overwrite(INTENT_ID, { amount: 5, status: 'succeeded' });
      const error = await rejectionOf(() =>
        kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.snapshotOf(INTENT_ID))),
      );
      expect(error).to.include({ code: 'GATEWAY_INTENT_MISMATCH', retryable: false });
      expect(kit.payments.stateOf(PAYMENT_ID)?.status).to.equal('requires_payment_method');
    });
  });

  describe('given an on-session payment that failed', () => {
    it('a newer failure with another charge is attempt 2: PaymentRetried, then PaymentFailed{attempt 2}', async () => {
      const kit = await givenOpenTopUp();
      const failure1 = kit.gateway.setStatus(INTENT_ID, 'requires_payment_method', { code: 'card_declined', chargeId: 'ch_1' });
      await kit.deliver(intentEvent('evt_f1', 'payment_intent.payment_failed', t(10), failure1));
      const failure2 = kit.gateway.setStatus(INTENT_ID, 'requires_payment_method', { code: 'expired_card', chargeId: 'ch_2' });
      await kit.deliver(intentEvent('evt_f2', 'payment_intent.payment_failed', t(30), failure2));
      const succeeded = kit.gateway.setStatus(INTENT_ID, 'succeeded');
      await kit.deliver(intentEvent('evt_ok', 'payment_intent.succeeded', t(40), succeeded));
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentFailed', 'PaymentRetried', 'PaymentFailed', 'PaymentSucceeded']);
      expect(kit.payments.outbox.map((event) => ('attempt' in event ? event.attempt : null))).to.deep.equal([1, 1, 2, 2, 2]);
    });
  });

  describe('when the payment was stored but the process died before the intent was attached', () => {
    it('finds it by metadata.paymentId, attaches the intent and applies the status', async () => {
      const kit = paymentTestKit();
      kit.payments.failNextSave = new Error('connection lost');
      await rejectionOf(() => kit.createTopUp.execute({ topUpId: 'top-1', customerId: 'cus-1', packCode: 'credits-500', currency: 'USD' }));
      const intent = kit.gateway.setStatus(INTENT_ID, 'succeeded');
      const result = await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), intent));
      expect(result).to.deep.include({ outcome: 'applied', paymentId: PAYMENT_ID, status: 'succeeded' });
      expect(kit.payments.stateOf(PAYMENT_ID)?.gatewayPaymentIntentId).to.equal(INTENT_ID);
    });
  });

  describe('when the intent is not ours', () => {
    it('acknowledges it as ignored / payment_not_found', async () => {
      const kit = await givenOpenTopUp();
      const foreign = { ...kit.gateway.snapshotOf(INTENT_ID), id: 'pi_elsewhere', metadata: {} };
      const result = await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), { ...foreign, status: 'succeeded' }));
      expect(result).to.deep.equal({ outcome: 'ignored', reason: 'payment_not_found' });
    });
  });

  describe('when charge.refunded arrives', () => {
    it('records PaymentRefunded with the refunded amount', async () => {
      const kit = await givenSucceededTopUp();
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      const result = await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [{ id: 're_1', amount: 400, status: 'succeeded' }] }));
      expect(result.outcome).to.equal('applied');
      expect(kit.payments.outbox.at(-1)).to.include({
        type: 'PaymentRefunded',
        paymentId: PAYMENT_ID,
        refundId: 're_1',
        chargeId: 'ch_1',
        amountRefunded: 400,
        totalRefunded: 400,
        fullyRefunded: false,
      });
    });

    it('records each refund id once across events; a second partial refund adds only itself', async () => {
      const kit = await givenSucceededTopUp();
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      const first = { id: 're_1', amount: 400, status: 'succeeded' as const, created: t(100) };
      const second = { id: 're_2', amount: 600, status: 'succeeded' as const, created: t(200) };
      await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [first] }));
      const again = await kit.deliver(refundEvent('evt_r1_bis', t(101), { chargeId: 'ch_1', intent, refunds: [first] }));
      await kit.deliver(refundEvent('evt_r2', t(200), { chargeId: 'ch_1', intent, refunds: [second, first] }));
      expect(again.outcome).to.equal('unchanged');
      const refunds = kit.payments.outbox.filter((event) => event.type === 'PaymentRefunded');
      expect(refunds.map((event) => [event.type === 'PaymentRefunded' && event.amountRefunded, event.type === 'PaymentRefunded' && event.totalRefunded])).to.deep.equal([
        [400, 400],
        [600, 1_000],
      ]);
    });

    it('attributes the events to the actor who asked for the refund, the newest new refund\'s when there are several', async () => {
      const kit = await givenSucceededTopUp();
      kit.givenFlow(INTENT_ID, { correlationId: 'checkout-flow', actor: 'console:opener' });
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      const alice = { id: 're_1', amount: 100, status: 'succeeded' as const, created: t(100), actor: 'console:alice' };
      const bob = { id: 're_2', amount: 200, status: 'succeeded' as const, created: t(200), actor: 'console:bob' };
      const carol = { id: 're_3', amount: 300, status: 'succeeded' as const, created: t(300), actor: 'console:carol' };
      await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [alice] }));
      expect(kit.payments.outbox.at(-1)).to.include({ type: 'PaymentRefunded', refundId: 're_1' });
      expect(kit.transactions.at(-1)).to.include({ correlationId: 'checkout-flow', causationId: 'evt_r1', actor: 'console:alice' });

      await kit.deliver(refundEvent('evt_r3', t(300), { chargeId: 'ch_1', intent, refunds: [carol, alice, bob] }));
      expect(kit.payments.outbox.slice(-2).map((event) => event.type === 'PaymentRefunded' && event.refundId)).to.deep.equal(['re_2', 're_3']);
      expect(kit.transactions.at(-1)).to.include({ causationId: 'evt_r3', actor: 'console:carol' });
    });

    it('keeps the flow\'s context when the new refund names no actor (made in the Stripe dashboard)', async () => {
      const kit = await givenSucceededTopUp();
      kit.givenFlow(INTENT_ID, { correlationId: 'checkout-flow', actor: 'console:opener' });
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [{ id: 're_1', amount: 400, status: 'succeeded' }] }));
      expect(kit.payments.outbox.at(-1)).to.include({ type: 'PaymentRefunded', refundId: 're_1' });
      expect(kit.transactions.at(-1)).to.deep.equal({ correlationId: 'checkout-flow', causationId: 'evt_r1', actor: 'console:opener' });
    });

    it('re-reads the intent first when the success webhook has not arrived yet', async () => {
      const kit = await givenOpenTopUp();
      const intent = kit.gateway.setStatus(INTENT_ID, 'succeeded');
      await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [{ id: 're_1', amount: 1_000, status: 'succeeded' }] }));
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded', 'PaymentRefunded']);
    });

    it('skips refunds that failed or were canceled', async () => {
      const kit = await givenSucceededTopUp();
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      const result = await kit.deliver(refundEvent('evt_r1', t(100), { chargeId: 'ch_1', intent, refunds: [{ id: 're_1', amount: 400, status: 'failed' }] }));
      expect(result.outcome).to.equal('unchanged');
    });
  });

  describe('when a dispute is opened and then closed', () => {
    it('records PaymentDisputed, then PaymentDisputeClosed', async () => {
      const kit = await givenSucceededTopUp();
      const intent = kit.gateway.snapshotOf(INTENT_ID);
      await kit.deliver(disputeEvent('evt_d1', 'charge.dispute.created', t(300), { disputeId: 'dp_1', intent, status: 'needs_response', amount: 1_000 }));
      expect(kit.payments.outbox.at(-1)).to.include({ type: 'PaymentDisputed', disputeId: 'dp_1', disputeStatus: 'needs_response', amountDisputed: 1_000 });
      await kit.deliver(disputeEvent('evt_d2', 'charge.dispute.closed', t(900), { disputeId: 'dp_1', intent, status: 'won', amount: 1_000 }));
      expect(outboxTypes(kit).slice(-2)).to.deep.equal(['PaymentDisputed', 'PaymentDisputeClosed']);
    });
  });

  describe('when the event type is unknown', () => {
    it('acknowledges it as ignored and changes nothing', async () => {
      const kit = await givenSucceededTopUp();
      const before = { state: kit.payments.stateOf(PAYMENT_ID), outbox: kit.payments.outbox.length, seen: kit.processed.seen.size, saves: kit.payments.saves };
      const result = await kit.deliver(unhandledEvent('evt_x', 'customer.subscription.updated', t(500)));
      expect(result).to.deep.equal({ outcome: 'ignored', reason: 'unhandled_event_type' });
      expect({ state: kit.payments.stateOf(PAYMENT_ID), outbox: kit.payments.outbox.length, seen: kit.processed.seen.size, saves: kit.payments.saves }).to.deep.equal(before);
      expect([kit.gateway.retrieveCalls]).to.deep.equal([0]);
    });
  });

  describe('when the gateway cannot be reached for a re-read', () => {
    it('fails with PAYMENT_GATEWAY_UNAVAILABLE (retryable) and stores nothing', async () => {
      const kit = await givenOpenTopUp();
      const contradictory = { ...kit.gateway.snapshotOf(INTENT_ID), status: 'processing' as const };
      kit.gateway.unavailableFor = 1;
      const error = await rejectionOf(() => kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), contradictory)));
      expect(error).to.include({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', retryable: true });
      expect(kit.payments.stateOf(PAYMENT_ID)?.status).to.equal('requires_payment_method');
    });
  });

  describe('when another writer saves the payment between our load and our save', () => {
    it('applies the event again in a new transaction and records it once', async () => {
      const kit = await givenOpenTopUp();
      kit.payments.failingSaves.push(new PaymentConcurrentUpdateError(PAYMENT_ID));
      const begun = kit.transactions.length;
      const result = await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.setStatus(INTENT_ID, 'succeeded')));
      expect(result).to.deep.include({ outcome: 'applied', status: 'succeeded' });
      expect(kit.transactions.length - begun, 'transactions').to.equal(2);
      expect(outboxTypes(kit)).to.deep.equal(['PaymentCreated', 'PaymentSucceeded']);
    });

    it('gives up after 3 attempts with PAYMENT_CONCURRENT_UPDATE (the gateway redelivers) and keeps no event-id mark', async () => {
      const kit = await givenOpenTopUp();
      kit.payments.failingSaves.push(...[1, 2, 3].map(() => new PaymentConcurrentUpdateError(PAYMENT_ID)));
      const begun = kit.transactions.length;
      const error = await rejectionOf(() => kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.setStatus(INTENT_ID, 'succeeded'))));
      expect(error).to.be.instanceOf(PaymentConcurrentUpdateError);
      expect(kit.transactions.length - begun, '3 attempts, then one recording the failed delivery').to.equal(4);
      expect(kit.processed.seen.has('evt_1')).to.equal(false);
      expect(kit.deliveries.rows.map((row) => [row.eventId, row.outcome])).to.deep.equal([['evt_1', 'failed']]);
      expect(kit.deliveries.rows[0]!.detail).to.match(/^PAYMENT_CONCURRENT_UPDATE: /);
      expect((await kit.deliver(intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.snapshotOf(INTENT_ID)))).outcome).to.equal('applied');
    });
  });

  describe('when the delivery is not signed by the gateway', () => {
    it('refuses it (WEBHOOK_SIGNATURE_INVALID) before any transaction begins', async () => {
      const kit = await givenOpenTopUp();
      const begun = kit.transactions.length;
      const event = intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.setStatus(INTENT_ID, 'succeeded'));
      const error = await rejectionOf(() => kit.handleWebhook.execute({ rawBody: FakeGatewayWebhooks.delivery(event), signatureHeader: 't=1,v1=forged', context: WEBHOOK_REQUEST }));
      expect(error).to.include({ code: 'WEBHOOK_SIGNATURE_INVALID', retryable: false });
      expect(kit.transactions.length).to.equal(begun);
      expect(kit.payments.stateOf(PAYMENT_ID)?.status).to.equal('requires_payment_method');
    });
  });

  describe('when the event is about a payment opened in a traced flow', () => {
    it('applies it in that flow, caused by the gateway event; an event about no payment keeps the request context', async () => {
      const kit = await givenOpenTopUp();
      kit.givenFlow(INTENT_ID, { correlationId: 'checkout-flow', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
      const handled = await kit.handleWebhook.execute({
        rawBody: FakeGatewayWebhooks.delivery(intentEvent('evt_1', 'payment_intent.succeeded', t(10), kit.gateway.setStatus(INTENT_ID, 'succeeded'))),
        signatureHeader: VALID_SIGNATURE,
        context: WEBHOOK_REQUEST,
      });
      expect(handled.context).to.include({ correlationId: 'checkout-flow', causationId: 'evt_1' });
      expect(kit.transactions.at(-1)).to.deep.equal(handled.context);

      const elsewhere = await kit.handleWebhook.execute({
        rawBody: FakeGatewayWebhooks.delivery(intentEvent('evt_2', 'payment_intent.succeeded', t(10), { ...kit.gateway.snapshotOf(INTENT_ID), id: 'pi_elsewhere', metadata: {} })),
        signatureHeader: VALID_SIGNATURE,
        context: WEBHOOK_REQUEST,
      });
      expect(elsewhere.context).to.deep.equal({ ...WEBHOOK_REQUEST, causationId: 'evt_2' });
      expect(elsewhere.result).to.deep.equal({ outcome: 'ignored', reason: 'payment_not_found' });
    });
  });
});
