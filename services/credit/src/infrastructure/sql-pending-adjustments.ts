import type { SqlExecutor } from '@billing/platform';
import type { ClawbackClaim, PendingAdjustments } from '../application/ports/pending-adjustments.port';
import type { GrantSource } from '../domain/grant-source.value-object';

// The tables key a source by (type, id, period) with -1 for "no period", so the primary key covers it.
const keyOf = (source: GrantSource) => [source.type, source.id, source.period ?? -1] as const;

/** credit_pending_revocations and credit_pending_clawbacks, in the caller's transaction. */
export class SqlPendingAdjustments implements PendingAdjustments {
  constructor(private readonly tx: SqlExecutor) {}

  async rememberRevocation(customerId: string, source: GrantSource): Promise<void> {
    await this.tx.query(
      `insert into credit_pending_revocations (customer_id, source_type, source_id, source_period, recorded_at) values ($1, $2, $3, $4, now())
       on conflict do nothing`,
      [customerId, ...keyOf(source)],
    );
  }

  async takeRevocation(customerId: string, source: GrantSource): Promise<boolean> {
    const taken = await this.tx.query(
      'delete from credit_pending_revocations where customer_id = $1 and source_type = $2 and source_id = $3 and source_period = $4 returning source_id',
      [customerId, ...keyOf(source)],
    );
    return taken.length > 0;
  }

  async rememberClawback(customerId: string, source: GrantSource, claim: ClawbackClaim): Promise<void> {
    await this.tx.query(
      `insert into credit_pending_clawbacks (customer_id, source_type, source_id, source_period, payment_amount, total_refunded, recorded_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (customer_id, source_type, source_id, source_period) do update set total_refunded = greatest(credit_pending_clawbacks.total_refunded, excluded.total_refunded)`,
      [customerId, ...keyOf(source), claim.paymentAmount, claim.totalRefunded],
    );
  }

  async takeClawback(customerId: string, source: GrantSource): Promise<ClawbackClaim | undefined> {
    const [row] = await this.tx.query<{ payment_amount: string; total_refunded: string }>(
      `delete from credit_pending_clawbacks where customer_id = $1 and source_type = $2 and source_id = $3 and source_period = $4
       returning payment_amount, total_refunded`,
      [customerId, ...keyOf(source)],
    );
    return row ? { paymentAmount: Number(row.payment_amount), totalRefunded: Number(row.total_refunded) } : undefined;
  }
}
