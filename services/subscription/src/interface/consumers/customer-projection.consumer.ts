import { causedBy, type EventHandler, type MikroOrmExecutor } from '@billing/platform';
import type { CustomerRegistered, CustomerUpdated } from '@billing/platform/contracts';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';

export const CUSTOMER_PROJECTION_CONSUMER = 'customer-projection';

/** billing.customer.v1 → customer_projection (id and default currency), for CreateSubscription's checks. */
export function customerProjectionHandlers(entry: SubscriptionEntryPoint): Record<string, EventHandler<MikroOrmExecutor>> {
  const project: EventHandler<MikroOrmExecutor> = async (event, tx) => {
    const customer = event.payload as unknown as CustomerRegistered | CustomerUpdated;
    await entry.useCasesIn(tx, causedBy(event.context, event.eventId)).projectCustomer.execute({
      customerId: customer.customerId,
      defaultCurrency: customer.defaultCurrency,
      occurredAt: new Date(customer.occurredAt),
    });
  };
  return { CustomerRegistered: project, CustomerUpdated: project };
}
