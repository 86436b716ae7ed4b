import { expect } from 'chai';
import { SchemaCatalog } from '@billing/platform';
import { Payment } from '../domain/payment.aggregate';
import { toIntegrationEvent, toOutboxMessages } from './integration-events';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);

/** A top-up that succeeded, was refunded in part, disputed, then lost the dispute; and a renewal that failed. */
function recordedEvents() {
  const topUp = Payment.create({
    paymentId: '00000000-0000-4000-8000-000000000001',
    customerId: 'cus-1',
    reference: { purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: 500 },
    amount: 1_000,
    currency: 'eur',
    offSession: false,
    now: T0,
  });
  topUp.attachIntent({ gatewayPaymentIntentId: 'pi_1', clientSecret: 'pi_1_secret', observedAt: T0 });
  topUp.observeIntentStatus('succeeded', { observedAt: at(1) });
  topUp.recordRefund('re_1', 400, { observedAt: at(2), chargeId: 'ch_1' });
  topUp.recordDispute('dp_1', 'needs_response', 600, { observedAt: at(3), chargeId: 'ch_1' });
  topUp.recordDispute('dp_1', 'lost', 600, { observedAt: at(4), chargeId: 'ch_1' });
  const renewal = Payment.create({
    paymentId: '00000000-0000-4000-8000-000000000002',
    customerId: 'cus-1',
    reference: { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: 'sub-1', periodIndex: 3 },
    amount: 2_900,
    currency: 'EUR',
    offSession: true,
    attempt: 2,
    now: T0,
  });
  renewal.attachIntent({ gatewayPaymentIntentId: 'pi_2', observedAt: T0 });
  renewal.observeIntentStatus('failed', { observedAt: at(1), failure: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'no', chargeId: 'ch_2' } });
  return [...topUp.pullEvents(), ...renewal.pullEvents()];
}

describe('Payment integration events', () => {
  const catalog = SchemaCatalog.fromDirectory();

  describe('when a payment has succeeded, been refunded, disputed, and another failed', () => {
    const events = recordedEvents();

    it('maps exactly the events with a contract, keyed by payment id', () => {
      const messages = toOutboxMessages(events, { correlationId: 'c-1' });
      expect(messages.map((message) => message.eventType)).to.deep.equal(['PaymentSucceeded', 'PaymentRefunded', 'PaymentDisputed', 'PaymentDisputeClosed', 'PaymentFailed']);
      expect(messages.map((message) => message.aggregateId)).to.deep.equal([
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000001',
        '00000000-0000-4000-8000-000000000002',
      ]);
      expect(new Set(messages.map((message) => message.eventId)).size).to.equal(5);
    });

    it('gives each payload exactly the fields of its Avro schema', () => {
      for (const event of events) {
        const mapped = toIntegrationEvent(event);
        if (mapped === null) continue;
        const fields = catalog.get(mapped.eventType).schema.fields.map((field) => field.name);
        expect(Object.keys(mapped.payload).sort(), mapped.eventType).to.deep.equal([...fields].sort());
      }
    });

    it('carries the amounts consumers act on', () => {
      const byType = Object.fromEntries(events.map(toIntegrationEvent).filter((mapped) => mapped !== null).map((mapped) => [mapped!.eventType, mapped!.payload]));
      expect(byType.PaymentSucceeded).to.include({ purpose: 'CREDIT_TOP_UP', referenceId: 'top-1', credits: 500, periodIndex: null, currency: 'EUR', occurredAt: at(1).toISOString() });
      expect(byType.PaymentRefunded).to.include({ amountRefunded: 400, totalRefunded: 400 });
      expect(byType.PaymentDisputed).to.include({ disputeId: 'dp_1', disputeStatus: 'needs_response', amountDisputed: 600 });
      expect(byType.PaymentDisputeClosed).to.include({ disputeId: 'dp_1', status: 'lost', amountDisputed: 600, referenceId: 'top-1' });
      expect(byType.PaymentFailed).to.include({ purpose: 'SUBSCRIPTION_PERIOD', periodIndex: 3, reason: 'insufficient_funds', attempt: 2 });
    });
  });
});
