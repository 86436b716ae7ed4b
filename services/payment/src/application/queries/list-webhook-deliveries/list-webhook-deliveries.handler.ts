import { isUuid } from '../../../domain/domain-guards';
import type { PaymentRepository } from '../../../domain/payment.repository.port';
import { PaymentNotFoundError } from '../../application.errors';
import type { WebhookDeliveries, WebhookDeliveryPage } from '../../ports/webhook-deliveries.port';
import type { ListWebhookDeliveries } from './list-webhook-deliveries.query';

export class ListWebhookDeliveriesHandler {
  constructor(private readonly deps: { payments: PaymentRepository; deliveries: WebhookDeliveries }) {}

  /** PAYMENT_NOT_FOUND for an unknown id; whose payment it is, the caller checks (customerId). */
  async execute(query: ListWebhookDeliveries): Promise<WebhookDeliveryPage & { customerId: string }> {
    const payment = isUuid(query.paymentId) ? await this.deps.payments.findById(query.paymentId.toLowerCase()) : null;
    if (payment === null) throw new PaymentNotFoundError(query.paymentId);
    const page = await this.deps.deliveries.listFor({ paymentId: payment.paymentId, paymentIntentId: payment.gatewayPaymentIntentId }, query.limit, query.after);
    return { ...page, customerId: payment.customerId };
  }
}
