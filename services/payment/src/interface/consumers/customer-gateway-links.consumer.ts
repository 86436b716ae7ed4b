import type { ConsumedEvent, EventHandler, MikroOrmExecutor } from '@billing/platform';
import type { PaymentGatewayLinked } from '@billing/platform/contracts';
import { CustomerGatewayLinks, STRIPE_GATEWAY } from '../../infrastructure/customer-gateway-links';

export const CUSTOMER_TOPIC = 'billing.customer.v1';
export const CUSTOMER_GATEWAY_LINKS_CONSUMER = 'customer-gateway-links';

/** billing.customer.v1 PaymentGatewayLinked → the customer_gateway_links projection (Stripe links only). */
export function customerGatewayLinkHandlers(): Record<string, EventHandler<MikroOrmExecutor>> {
  return {
    PaymentGatewayLinked: async (event: ConsumedEvent, tx) => {
      const payload = event.payload as unknown as PaymentGatewayLinked;
      if (payload.gateway !== STRIPE_GATEWAY) return;
      const linkedAt = Number.isNaN(Date.parse(payload.occurredAt)) ? new Date() : new Date(payload.occurredAt);
      await CustomerGatewayLinks.upsert(tx, { customerId: payload.customerId, gateway: STRIPE_GATEWAY, gatewayCustomerId: payload.gatewayCustomerId, linkedAt }, 'event');
    },
  };
}
