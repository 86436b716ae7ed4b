import type { InboxHandlers, MikroOrmExecutor } from '@billing/platform';
import type { UseCasesIn } from '../payment-use-cases';

export const CUSTOMER_TOPIC = 'billing.customer.v1';
export const CUSTOMER_GATEWAY_LINKS_CONSUMER = 'customer-gateway-links';

/**
 * billing.customer.v1 → the projections payment keeps of customers, on the inbox's transaction (applied once):
 * PaymentGatewayLinked → recordGatewayLink (Stripe links only); CustomerDeactivated → recordCustomerDeactivation (a
 * deactivated customer buys no more top-ups).
 */
export function customerGatewayLinkHandlers(useCasesIn: UseCasesIn): InboxHandlers<MikroOrmExecutor> {
  return {
    PaymentGatewayLinked: async (event, tx) => {
      const payload = event.payload;
      await useCasesIn(tx, event.context).recordGatewayLink.execute({
        customerId: payload.customerId,
        gateway: payload.gateway,
        gatewayCustomerId: payload.gatewayCustomerId,
        linkedAt: payload.occurredAt,
      });
    },
    CustomerDeactivated: async (event, tx) => {
      const payload = event.payload;
      await useCasesIn(tx, event.context).recordCustomerDeactivation.execute({ customerId: payload.customerId, deactivatedAt: payload.occurredAt });
    },
  };
}
