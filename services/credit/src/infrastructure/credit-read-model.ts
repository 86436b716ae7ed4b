import type { SqlExecutor } from '@billing/platform';
import type {
  BalancePoint,
  CreditReadModel,
  GrantRecord,
  LedgerOrder,
  NewestFirstKey,
  ReservationRecord,
} from '../application/ports/credit-read-model.port';
import type { DeterministicIds, ReservationDirectory } from '../application/ports/reservation-directory.port';
import type { BalanceView } from '../domain/balance-view';
import { compareBurnOrder } from '../domain/burn-order';
import type { LedgerEntry } from '../domain/ledger-entry';
import type { ReservationStatus } from '../domain/reservation.entity';
import { createHash } from 'node:crypto';

const reservationFromRow = (row: Record<string, any>): ReservationRecord =>
  ({
    reservationId: row.reservation_id,
    customerId: row.customer_id,
    amount: Number(row.amount),
    status: row.status,
    reservedAt: row.reserved_at,
    expiresAt: row.expires_at,
    resolvedAt: row.resolved_at,
    allocations: row.allocations,
  }) as ReservationRecord;

/** Reads straight from the tables, without the account lock. */
export class SqlCreditReadModel implements CreditReadModel, ReservationDirectory {
  constructor(private readonly db: () => SqlExecutor) {}

  async balance(customerId: string): Promise<BalanceView | undefined> {
    const [account] = await this.db().query<{ account_id: string; balance: string; held: string; low_balance_threshold: string | null }>(
      'select account_id, balance, held, low_balance_threshold from credit_accounts where customer_id = $1',
      [customerId],
    );
    if (!account) return undefined;
    const grants = await this.db().query<Record<string, any>>('select * from credit_grants where account_id = $1 and remaining > 0', [account.account_id]);
    const views = grants.map((grant) => ({
      grantId: grant.grant_id as string,
      amount: Number(grant.amount),
      remaining: Number(grant.remaining),
      held: Number(grant.held),
      expiresAt: grant.expires_at as Date | null,
      grantedAt: grant.granted_at as Date,
      source: { type: grant.source_type, id: grant.source_id, period: grant.source_period },
      priority: grant.priority as number,
      status: 'ACTIVE' as const,
    }));
    views.sort((a, b) => compareBurnOrder(a, b));
    return {
      accountId: account.account_id,
      customerId,
      balance: Number(account.balance),
      held: Number(account.held),
      available: Number(account.balance) - Number(account.held),
      lowBalanceThreshold: account.low_balance_threshold === null ? null : Number(account.low_balance_threshold),
      grants: views.map(({ grantedAt: _grantedAt, ...view }) => view),
    };
  }

  async ledger(customerId: string, page: { limit: number; afterSequence: number; order?: LedgerOrder }): Promise<LedgerEntry[] | undefined> {
    const accountId = await this.accountOf(customerId);
    if (accountId === undefined) return undefined;
    const rows = await this.db().query<Record<string, any>>(
      page.order === 'desc'
        ? 'select * from credit_ledger where account_id = $1 and ($2 = 0 or sequence < $2) order by sequence desc limit $3'
        : 'select * from credit_ledger where account_id = $1 and sequence > $2 order by sequence limit $3',
      [accountId, page.afterSequence, page.limit],
    );
    return rows.map((row) => ({
      entryId: row.entry_id,
      accountId: row.account_id,
      sequence: Number(row.sequence),
      type: row.type,
      grantId: row.grant_id,
      reservationId: row.reservation_id,
      amount: Number(row.amount),
      balanceDelta: Number(row.balance_delta),
      heldDelta: Number(row.held_delta),
      occurredAt: row.occurred_at,
      reason: row.reason,
      actor: row.actor,
    }));
  }

  /** Paged on the grant time to the millisecond, as the cursor carries it (a repair migration wrote grants with now()'s microseconds). */
  async grants(customerId: string, page: { limit: number; before?: NewestFirstKey }): Promise<GrantRecord[] | undefined> {
    const accountId = await this.accountOf(customerId);
    if (accountId === undefined) return undefined;
    const rows = await this.db().query<Record<string, any>>(
      `select g.*, l.reason, l.actor from credit_grants g
       left join lateral (select reason, actor from credit_ledger l where l.account_id = g.account_id and l.grant_id = g.grant_id and l.type = 'grant' limit 1) l on true
       where g.account_id = $1 and ($2::timestamptz is null or (date_trunc('milliseconds', g.granted_at), g.grant_id) < ($2::timestamptz, $3::uuid))
       order by date_trunc('milliseconds', g.granted_at) desc, g.grant_id desc limit $4`,
      [accountId, page.before?.at.toISOString() ?? null, page.before?.id ?? null, page.limit],
    );
    return rows.map((grant) => ({
      grantId: grant.grant_id,
      amount: Number(grant.amount),
      remaining: Number(grant.remaining),
      held: Number(grant.held),
      expiresAt: grant.expires_at,
      source: { type: grant.source_type, id: grant.source_id, period: grant.source_period },
      priority: grant.priority,
      status: grant.revoked_at !== null ? 'REVOKED' : grant.expired_at !== null ? 'EXPIRED' : 'ACTIVE',
      reason: grant.reason,
      grantedBy: grant.actor,
      grantedAt: grant.granted_at,
      revokedAt: grant.revoked_at,
    }));
  }

  async reservations(customerId: string, page: { limit: number; status?: ReservationStatus; before?: NewestFirstKey }): Promise<ReservationRecord[] | undefined> {
    const accountId = await this.accountOf(customerId);
    if (accountId === undefined) return undefined;
    const rows = await this.db().query<Record<string, any>>(
      `select * from credit_reservations
       where account_id = $1 and ($2::text is null or status = $2) and ($3::timestamptz is null or (reserved_at, reservation_id) < ($3::timestamptz, $4::uuid))
       order by reserved_at desc, reservation_id desc limit $5`,
      [accountId, page.status ?? null, page.before?.at.toISOString() ?? null, page.before?.id ?? null, page.limit],
    );
    return rows.map((row) => reservationFromRow({ ...row, customer_id: customerId }));
  }

  async customerOfGrant(grantId: string): Promise<string | undefined> {
    const [row] = await this.db().query<{ customer_id: string }>(
      'select a.customer_id from credit_grants g join credit_accounts a using (account_id) where g.grant_id = $1 limit 1',
      [grantId],
    );
    return row?.customer_id;
  }

  /**
   * One statement: a window sum over the entries that move the balance (holds and releases do not), numbered, and of
   * each of `maxPoints` equal runs only the last entry kept (integer ceilings: run of entry n = ⌈n·k / total⌉).
   */
  async balanceHistory(customerId: string, maxPoints: number): Promise<{ points: BalancePoint[]; balance: number } | undefined> {
    const [account] = await this.db().query<{ account_id: string; balance: string }>('select account_id, balance from credit_accounts where customer_id = $1', [customerId]);
    if (!account) return undefined;
    const rows = await this.db().query<{ at: Date; balance: string }>(
      `with moves as (
         select sequence, occurred_at, sum(balance_delta) over (order by sequence) as balance,
                row_number() over (order by sequence) as n, count(*) over () as total
         from credit_ledger where account_id = $1 and balance_delta <> 0)
       select occurred_at as at, balance from moves
       where n = total or (n * $2 + total - 1) / total <> ((n + 1) * $2 + total - 1) / total
       order by sequence`,
      [account.account_id, maxPoints],
    );
    return { points: rows.map((row) => ({ at: new Date(row.at), balance: Number(row.balance) })), balance: Number(account.balance) };
  }

  private async accountOf(customerId: string): Promise<string | undefined> {
    const [account] = await this.db().query<{ account_id: string }>('select account_id from credit_accounts where customer_id = $1', [customerId]);
    return account?.account_id;
  }

  async reservation(reservationId: string): Promise<ReservationRecord | undefined> {
    const [row] = await this.db().query<Record<string, any>>(
      'select r.*, a.customer_id from credit_reservations r join credit_accounts a using (account_id) where r.reservation_id = $1',
      [reservationId],
    );
    return row ? reservationFromRow(row) : undefined;
  }

  async customerOf(reservationId: string): Promise<string | undefined> {
    const [row] = await this.db().query<{ customer_id: string }>(
      'select a.customer_id from credit_reservations r join credit_accounts a using (account_id) where r.reservation_id = $1',
      [reservationId],
    );
    return row?.customer_id;
  }
}

/** Name-based UUIDs (RFC 4122 version 5): the same scope and key give the same id on every process. */
export class UuidV5Ids implements DeterministicIds {
  private static readonly namespace = Buffer.from('6f1c1a0e4b7d4c2e9a3f5b8d7c6e5a41', 'hex');

  forKey(scope: string, key: string): string {
    const hash = createHash('sha1').update(UuidV5Ids.namespace).update(`${scope}\u0000${key}`).digest();
    hash[6] = (hash[6]! & 0x0f) | 0x50;
    hash[8] = (hash[8]! & 0x3f) | 0x80;
    const hex = hash.subarray(0, 16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
