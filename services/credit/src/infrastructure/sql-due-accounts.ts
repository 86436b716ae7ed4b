import type { SqlExecutor } from '@billing/platform';
import type { DueAccounts } from '../application/ports/due-accounts.port';

/** Accounts with a hold past its TTL or a grant past its expiry, locked FOR UPDATE SKIP LOCKED in the caller's transaction. */
export class SqlDueAccounts implements DueAccounts {
  constructor(private readonly tx: SqlExecutor) {}

  async claim(now: Date, limit: number): Promise<string[]> {
    const due = await this.tx.query<{ customer_id: string }>(
      `select customer_id from credit_accounts where account_id in (
         select account_id from credit_reservations where status = 'HELD' and expires_at <= $1
         union
         select account_id from credit_grants where remaining > held and expires_at <= $1)
       limit $2 for update skip locked`,
      [now, limit],
    );
    return due.map((row) => row.customer_id);
  }
}
