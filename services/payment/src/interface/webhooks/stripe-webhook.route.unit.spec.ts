import { ApiError } from '@billing/platform';
import { expect } from 'chai';
import { PaymentGatewayUnavailableError, WebhookRefusedError } from '../../application/application.errors';
import { InvariantViolationError, PaymentConcurrentUpdateError } from '../../domain/payment.errors';
import { webhookFailure } from './stripe-webhook.route';

describe('Stripe webhook failures', () => {
  describe('when the delivery is refused', () => {
    it('keeps the refusal (400 by its code)', () => {
      const refused = new WebhookRefusedError('WEBHOOK_SIGNATURE_INVALID', 'bad signature');
      expect(webhookFailure(refused)).to.equal(refused);
    });
  });

  describe('when the service could not apply it', () => {
    it('answers 503 with the code when retrying may help, 500 with the code otherwise, so Stripe delivers it again', () => {
      const answers = [new PaymentGatewayUnavailableError('retrieve'), new PaymentConcurrentUpdateError('p-1'), new InvariantViolationError(['broken'])].map(
        (error) => webhookFailure(error) as ApiError,
      );
      expect(answers.map((answer) => [answer.status, answer.code])).to.deep.equal([
        [503, 'PAYMENT_GATEWAY_UNAVAILABLE'],
        [503, 'PAYMENT_CONCURRENT_UPDATE'],
        [500, 'INVARIANT_VIOLATION'],
      ]);
    });
  });

  describe('when something else failed (the database away, a bug)', () => {
    it('leaves the answer to the platform (503 DATABASE_UNAVAILABLE, or 500 INTERNAL)', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      expect(webhookFailure(refused)).to.equal(refused);
    });
  });
});
