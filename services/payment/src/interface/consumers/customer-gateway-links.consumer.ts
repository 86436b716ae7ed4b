import type { ConsumedEvent, EventHandler, MikroOrmExecutor } from '@billing/platform';
import type { CustomerDeactivated, PaymentGatewayLinked } from '@billing/platform/contracts';
import { CustomerDeactivations } from '../../infrastructure/customer-deactivations';
import { CustomerGatewayLinks, STRIPE_GATEWAY } from '../../infrastructure/customer-gateway-links';

export const CUSTOMER_TOPIC = 'billing.customer.v1';
export const CUSTOMER_GATEWAY_LINKS_CONSUMER = 'customer-gateway-links';

/**
 * billing.customer.v1 → the projections payment keeps of customers: PaymentGatewayLinked → customer_gateway_links
 * (Stripe links only); CustomerDeactivated → customer_deactivations (a deactivated customer buys no more top-ups).
 */
export function customerGatewayLinkHandlers(): Record<string, EventHandler<MikroOrmExecutor>> {
  return {
    PaymentGatewayLinked: async (event: ConsumedEvent, tx) => {
      const payload = event.payload as unknown as PaymentGatewayLinked;
      if (payload.gateway !== STRIPE_GATEWAY) return;
      const linkedAt = Number.isNaN(Date.parse(payload.occurredAt)) ? new Date() : new Date(payload.occurredAt);
      await CustomerGatewayLinks.upsert(tx, { customerId: payload.customerId, gateway: STRIPE_GATEWAY, gatewayCustomerId: payload.gatewayCustomerId, linkedAt }, 'event');
    },
    CustomerDeactivated: async (event: ConsumedEvent, tx) => {
      const payload = event.payload as unknown as CustomerDeactivated;
      const deactivatedAt = Number.isNaN(Date.parse(payload.occurredAt)) ? new Date() : new Date(payload.occurredAt);
      await CustomerDeactivations.record(tx, payload.customerId, deactivatedAt, 'event');
    },
  };
}
