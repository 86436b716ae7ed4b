import type { SqlExecutor } from '@billing/platform';

/**
 * The customer_deactivations projection: customers this service has seen deactivated. Deactivation is final in the
 * customer service, so a row is never removed.
 */
export const CustomerDeactivations = {
  async record(tx: SqlExecutor, customerId: string, deactivatedAt: Date, source: 'event' | 'grpc'): Promise<void> {
    await tx.query(
      'insert into customer_deactivations (customer_id, deactivated_at, source) values ($1, $2, $3) on conflict (customer_id) do nothing',
      [customerId, deactivatedAt, source],
    );
  },

  async has(tx: SqlExecutor, customerId: string): Promise<boolean> {
    const rows = await tx.query('select 1 from customer_deactivations where customer_id = $1', [customerId]);
    return rows.length > 0;
  },
};
