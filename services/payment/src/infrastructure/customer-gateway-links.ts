import type { SqlExecutor } from '@billing/platform';
import { type GatewayLink, STRIPE_GATEWAY } from '../application/ports/customer-projections.port';

/**
 * The customer_gateway_links projection. A later link (by linked_at) replaces an earlier one, so a replayed old event
 * or a gRPC answer racing the consumer never moves the projection back.
 */
export const CustomerGatewayLinks = {
  async upsert(tx: SqlExecutor, link: GatewayLink, source: 'event' | 'grpc'): Promise<void> {
    await tx.query(
      `insert into customer_gateway_links (customer_id, gateway, gateway_customer_id, linked_at, source) values ($1, $2, $3, $4, $5)
       on conflict (customer_id, gateway) do update
         set gateway_customer_id = excluded.gateway_customer_id, linked_at = excluded.linked_at, source = excluded.source, updated_at = now()
         where customer_gateway_links.linked_at <= excluded.linked_at`,
      [link.customerId, link.gateway, link.gatewayCustomerId, link.linkedAt, source],
    );
  },

  async find(tx: SqlExecutor, customerId: string, gateway = STRIPE_GATEWAY): Promise<string | undefined> {
    const [row] = await tx.query<{ gateway_customer_id: string }>(
      'select gateway_customer_id from customer_gateway_links where customer_id = $1 and gateway = $2',
      [customerId, gateway],
    );
    return row?.gateway_customer_id;
  },
};
