import { expect } from 'chai';
import { AUTHENTICATION_REQUIRED, type GatewayIntentStatus, observationOf } from './gateway-intent-status';
import { expectDomainError } from './payment.test-fixtures';

const declined = { code: 'card_declined', declineCode: 'generic_decline', message: 'Declined', chargeId: 'ch_9' };

describe('gateway intent status mapping', () => {
  describe('when the intent carries no error', () => {
    const table: [GatewayIntentStatus, boolean, string][] = [
      ['requires_payment_method', false, 'requires_payment_method'],
      ['requires_confirmation', false, 'requires_payment_method'],
      ['requires_action', false, 'requires_payment_method'],
      ['requires_action', true, 'failed'],
      ['processing', false, 'processing'],
      ['requires_capture', false, 'processing'],
      ['succeeded', true, 'succeeded'],
      ['canceled', false, 'canceled'],
    ];
    for (const [gateway, offSession, ours] of table) {
      it(`maps ${gateway}${offSession ? ' (off-session)' : ''} to ${ours}`, () => {
        expect(observationOf({ status: gateway }, { offSession }).status).to.equal(ours);
      });
    }

    it('records authentication_required for an off-session intent that needs the customer', () => {
      expect(observationOf({ status: 'requires_action' }, { offSession: true }).failure).to.deep.equal(AUTHENTICATION_REQUIRED);
    });
  });

  describe('when requires_payment_method carries a last_payment_error', () => {
    it('maps to failed with the error details', () => {
      expect(observationOf({ status: 'requires_payment_method', lastPaymentError: declined }, { offSession: false })).to.deep.equal({
        status: 'failed',
        failure: declined,
        cancellationReason: null,
      });
    });
  });

  describe('when canceled with a reason', () => {
    it('keeps the cancellation reason', () => {
      expect(observationOf({ status: 'canceled', cancellationReason: 'abandoned' }, { offSession: false }).cancellationReason).to.equal('abandoned');
    });
  });

  describe('when the status is unknown', () => {
    it('refuses it with INVALID_STATUS', () => {
      expectDomainError(() => observationOf({ status: 'pending' as never }, { offSession: false }), 'INVALID_STATUS');
    });
  });
});
