import type { SqlExecutor } from '@billing/platform';
import type { CustomerProjections, GatewayLink } from '../application/ports/customer-projections.port';
import { CustomerDeactivations } from './customer-deactivations';
import { CustomerGatewayLinks } from './customer-gateway-links';

/** The customer projections on the consumer's transaction, written as learnt from events (source 'event'). */
export class SqlCustomerProjections implements CustomerProjections {
  constructor(private readonly tx: SqlExecutor) {}

  recordGatewayLink(link: GatewayLink): Promise<void> {
    return CustomerGatewayLinks.upsert(this.tx, link, 'event');
  }

  recordDeactivation(customerId: string, deactivatedAt: Date): Promise<void> {
    return CustomerDeactivations.record(this.tx, customerId, deactivatedAt, 'event');
  }
}
