import { expect } from 'chai';
import { requireEventEnvelope, toGatewayEvent } from './stripe-event.mapper';

const noRefundLookups = async (): Promise<never> => {
  throw new Error('refunds should have come from the payload');
};

const intent = {
  id: 'pi_1',
  object: 'payment_intent',
  amount: 1_000,
  currency: 'eur',
  status: 'requires_payment_method',
  client_secret: 'pi_1_secret',
  metadata: { paymentId: '00000000-0000-4000-8000-000000000001', purpose: 'CREDIT_TOP_UP' },
  last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  latest_charge: 'ch_1',
  cancellation_reason: null,
};
const event = (type: string, object: unknown) => requireEventEnvelope({ id: 'evt_1', object: 'event', type, created: 1_900_000_000, data: { object } });

describe('Stripe event mapping', () => {
  describe('when the event is about a PaymentIntent', () => {
    it('keeps status, terms, metadata and the failure with its charge', async () => {
      const mapped = await toGatewayEvent(event('payment_intent.payment_failed', intent), noRefundLookups);
      expect(mapped).to.deep.equal({
        kind: 'payment_intent',
        eventId: 'evt_1',
        type: 'payment_intent.payment_failed',
        created: 1_900_000_000,
        intent: {
          id: 'pi_1',
          status: 'requires_payment_method',
          amount: 1_000,
          currency: 'eur',
          clientSecret: 'pi_1_secret',
          metadata: intent.metadata,
          lastPaymentError: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.', chargeId: 'ch_1' },
          cancellationReason: null,
        },
      });
    });
  });

  describe('when a charge is refunded', () => {
    it('uses the refunds the payload embeds when the list is complete', async () => {
      const charge = { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount: 1_000, amount_refunded: 400, currency: 'eur', metadata: {}, refunds: { object: 'list', has_more: false, data: [{ id: 're_1', amount: 400, status: 'succeeded', created: 5 }] } };
      const mapped = await toGatewayEvent(event('charge.refunded', charge), noRefundLookups);
      expect(mapped).to.deep.include({ kind: 'charge_refunded' });
      expect(mapped.kind === 'charge_refunded' && mapped.charge).to.deep.include({ id: 'ch_1', paymentIntentId: 'pi_1', amountRefunded: 400, refunds: [{ id: 're_1', amount: 400, status: 'succeeded', created: 5 }] });
    });

    it('lists them from Stripe when the payload does not carry them (current API versions)', async () => {
      const charge = { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount: 1_000, amount_refunded: 400, currency: 'eur', metadata: {} };
      const asked: string[] = [];
      const mapped = await toGatewayEvent(event('charge.refunded', charge), async (chargeId) => {
        asked.push(chargeId);
        return [{ id: 're_9', amount: 400, status: 'succeeded' }];
      });
      expect(asked).to.deep.equal(['ch_1']);
      expect(mapped.kind === 'charge_refunded' && mapped.charge.refunds).to.deep.equal([{ id: 're_9', amount: 400, status: 'succeeded' }]);
    });

    it('keeps the actor a refund names in metadata.actor, only when it is a well-formed short text', async () => {
      const refund = (id: string, metadata: unknown) => ({ id, amount: 100, status: 'succeeded', created: 5, metadata });
      const refunds = [
        refund('re_1', { actor: 'console:alice', refundRequest: 'k1' }),
        refund('re_2', { actor: 'x'.repeat(201) }),
        refund('re_3', { actor: ' console:bob' }),
        refund('re_4', { actor: 'console:eve\nAudit: forged' }),
        refund('re_5', { actor: 42 }),
        refund('re_6', null),
      ];
      const charge = { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount: 1_000, amount_refunded: 600, currency: 'eur', metadata: {}, refunds: { object: 'list', has_more: false, data: refunds } };
      const mapped = await toGatewayEvent(event('charge.refunded', charge), noRefundLookups);
      expect(mapped.kind === 'charge_refunded' && mapped.charge.refunds.map((snapshot) => [snapshot.id, snapshot.actor])).to.deep.equal([
        ['re_1', 'console:alice'],
        ['re_2', undefined],
        ['re_3', undefined],
        ['re_4', undefined],
        ['re_5', undefined],
        ['re_6', undefined],
      ]);
      expect(mapped.kind === 'charge_refunded' && mapped.charge.refunds[1]).to.not.have.property('actor');
    });
  });

  describe('when a dispute is opened or closed', () => {
    it('maps charge.dispute.* to a dispute snapshot', async () => {
      const dispute = { id: 'dp_1', object: 'dispute', charge: 'ch_1', payment_intent: 'pi_1', status: 'needs_response', amount: 1_000, currency: 'eur' };
      for (const type of ['charge.dispute.created', 'charge.dispute.closed']) {
        const mapped = await toGatewayEvent(event(type, dispute), noRefundLookups);
        expect(mapped).to.deep.include({ kind: 'dispute', dispute: { id: 'dp_1', chargeId: 'ch_1', paymentIntentId: 'pi_1', status: 'needs_response', amount: 1_000, currency: 'eur' } });
      }
    });
  });

  describe('when the type is not one we handle', () => {
    it('is unhandled, whatever its object', async () => {
      expect(await toGatewayEvent(event('customer.created', { id: 'cus_1' }), noRefundLookups)).to.deep.equal({
        kind: 'unhandled',
        eventId: 'evt_1',
        type: 'customer.created',
        created: 1_900_000_000,
        paymentIntentId: null,
      });
    });

    it('keeps the payment intent its object names (refund.created), so the delivery is listed with the payment', async () => {
      const mapped = await toGatewayEvent(event('refund.created', { id: 're_1', payment_intent: 'pi_1', amount: 400 }), noRefundLookups);
      expect(mapped).to.deep.include({ kind: 'unhandled', paymentIntentId: 'pi_1' });
    });
  });

  describe('when the payload is not a Stripe event', () => {
    it('refuses it with INVALID_WEBHOOK_PAYLOAD', async () => {
      for (const payload of [null, [], { type: 'x', created: 1, data: { object: {} } }, { id: 'evt_1', created: 1, data: { object: {} } }, { id: 'evt_1', type: 'x', data: { object: {} } }, { id: 'evt_1', type: 'x', created: 1 }]) {
        expect(() => requireEventEnvelope(payload), JSON.stringify(payload)).to.throw().with.property('code', 'INVALID_WEBHOOK_PAYLOAD');
      }
      await toGatewayEvent(event('payment_intent.succeeded', { id: 'pi_1' }), noRefundLookups).then(
        () => expect.fail('an intent without amount must be refused'),
        (error: { code?: string }) => expect(error.code).to.equal('INVALID_WEBHOOK_PAYLOAD'),
      );
    });
  });
});
