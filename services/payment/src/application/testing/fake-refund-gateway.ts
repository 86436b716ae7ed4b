import { PaymentGatewayUnavailableError } from '../application.errors';
import type { CreateRefundRequest, GatewayRefund, RefundGateway } from '../ports/refund-gateway.port';

/**
 * Refunds as Stripe keeps them where the use case depends on it: one refund per idempotency key, listed per intent.
 * `refunds` may be seeded (a refund made in the dashboard); `unavailable` makes every call fail as a network error.
 */
export class FakeRefundGateway implements RefundGateway {
  readonly refunds: (GatewayRefund & { paymentIntentId: string })[] = [];
  readonly created: CreateRefundRequest[] = [];
  private readonly byKey = new Map<string, GatewayRefund>();
  unavailable = false;

  async refundsOf(paymentIntentId: string): Promise<GatewayRefund[]> {
    if (this.unavailable) throw new PaymentGatewayUnavailableError('listRefunds');
    return this.refunds.filter((refund) => refund.paymentIntentId === paymentIntentId);
  }

  async createRefund(request: CreateRefundRequest): Promise<GatewayRefund> {
    if (this.unavailable) throw new PaymentGatewayUnavailableError('createRefund');
    const earlier = this.byKey.get(request.idempotencyKey);
    if (earlier !== undefined) return earlier;
    this.created.push(request);
    const refund = {
      id: `re_fake_${this.refunds.length + 1}`,
      amount: request.amount,
      currency: request.currency.toLowerCase(),
      status: 'succeeded' as const,
      metadata: request.metadata,
      paymentIntentId: request.paymentIntentId,
    };
    this.refunds.push(refund);
    this.byKey.set(request.idempotencyKey, refund);
    return refund;
  }
}
