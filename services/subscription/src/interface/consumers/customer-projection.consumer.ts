import { causedBy, type EventHandler, type MikroOrmExecutor } from '@billing/platform';
import type { CustomerRegistered, CustomerUpdated } from '@billing/platform/contracts';
import { ProjectCustomerHandler } from '../../application/commands/project-customer/project-customer.handler';
import type { Clock } from '../../application/ports/clock.port';
import { sqlStores } from '../../infrastructure/sql-stores';

export const CUSTOMER_PROJECTION_CONSUMER = 'customer-projection';

/** billing.customer.v1 → customer_projection (id and default currency), for CreateSubscription's checks. */
export function customerProjectionHandlers(deps: { clock: Clock }): Record<string, EventHandler<MikroOrmExecutor>> {
  const project: EventHandler<MikroOrmExecutor> = async (event, tx) => {
    const customer = event.payload as unknown as CustomerRegistered | CustomerUpdated;
    const { customers } = sqlStores(tx, causedBy(event.context, event.eventId), deps.clock);
    await new ProjectCustomerHandler({ customers }).execute({
      customerId: customer.customerId,
      defaultCurrency: customer.defaultCurrency,
      occurredAt: new Date(customer.occurredAt),
    });
  };
  return { CustomerRegistered: project, CustomerUpdated: project };
}
