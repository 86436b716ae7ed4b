import { causedBy, type ConsumedEvent, type InboxHandlers, type MikroOrmExecutor } from '@billing/platform';
import type { CustomerRegistered, CustomerUpdated } from '@billing/platform/contracts';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';

export const CUSTOMER_PROJECTION_CONSUMER = 'customer-projection';

/** billing.customer.v1 → customer_projection (id and default currency), for CreateSubscription's checks. */
export function customerProjectionHandlers(entry: SubscriptionEntryPoint): InboxHandlers<MikroOrmExecutor> {
  const project = async (event: ConsumedEvent<CustomerRegistered | CustomerUpdated>, tx: MikroOrmExecutor) => {
    const customer = event.payload;
    await entry.useCasesIn(tx, causedBy(event.context, event.eventId)).projectCustomer.execute({
      customerId: customer.customerId,
      defaultCurrency: customer.defaultCurrency,
      occurredAt: new Date(customer.occurredAt),
    });
  };
  return { CustomerRegistered: project, CustomerUpdated: project };
}
