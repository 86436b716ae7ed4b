import type { SqlExecutor } from '@billing/platform';
import type { DisputeStates } from '../application/ports/dispute-states.port';
import type { DisputeState } from '../domain/dispute-decision';

/** credit_disputes, in the caller's transaction; the row lock serialises a dispute's opening and closing. */
export class SqlDisputeStates implements DisputeStates {
  constructor(private readonly tx: SqlExecutor) {}

  async lockedStateOf(customerId: string, disputeId: string): Promise<DisputeState | null> {
    const [row] = await this.tx.query<{ state: DisputeState }>('select state from credit_disputes where customer_id = $1 and dispute_id = $2 for update', [customerId, disputeId]);
    return row?.state ?? null;
  }

  async save(customerId: string, disputeId: string, state: DisputeState): Promise<void> {
    await this.tx.query(
      `insert into credit_disputes (customer_id, dispute_id, state, updated_at) values ($1, $2, $3, now())
       on conflict (customer_id, dispute_id) do update set state = excluded.state, updated_at = excluded.updated_at`,
      [customerId, disputeId, state],
    );
  }
}
