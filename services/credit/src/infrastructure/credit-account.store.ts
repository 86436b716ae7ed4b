import { appendToOutbox, type OutboxMessage, outboxColumns, outboxLaneSql, type SqlExecutor } from '@billing/platform';
import type { RequestContext, SubmitOptions } from '../application/ports/account-command-bus.port';
import { CreditAccount } from '../domain/credit-account.aggregate';
import { type AccountCommand, type AccountCommandOutcome, decide } from '../domain/credit-account.decide';
import { AccountNotFoundError } from '../domain/credit-account.errors';
import type { CreditAccountState } from '../domain/credit-account.state';
import type { GrantState } from '../domain/grant.entity';
import type { IdGenerator } from '../domain/id-generator.port';
import type { LedgerEntry } from '../domain/ledger-entry';
import type { ReservationState } from '../domain/reservation.entity';
import { toOutboxMessages } from './integration-events';

export interface QueuedCommand {
  command: AccountCommand;
  context: RequestContext;
  options?: SubmitOptions;
}

interface AccountRow {
  account_id: string;
  customer_id: string;
  opened_at: Date;
  low_balance_threshold: string | null;
  low_balance_armed: boolean;
  low_balance_alerted: boolean;
  ledger_sequence: string;
  balance: string;
  held: string;
}

interface GrantRow {
  grant_id: string;
  source_type: string;
  source_id: string;
  source_period: number | null;
  amount: string;
  priority: number;
  granted_at: Date;
  expires_at: Date | null;
  remaining: string;
  held: string;
  consumed: string;
  expired_amount: string;
  revoked_amount: string;
  clawback_claimed: string;
  clawback_revoked: string;
  expired_at: Date | null;
  revoked_at: Date | null;
}

interface ReservationRow {
  reservation_id: string;
  amount: string;
  status: ReservationState['status'];
  reserved_at: Date;
  expires_at: Date;
  resolved_at: Date | null;
  resolution_key: string | null;
  allocations: ReservationState['allocations'];
}

/** node-postgres returns timestamptz as Date, MikroORM's connection as text: accept both. */
const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const toOptionalDate = (value: Date | string | null) => (value === null ? null : toDate(value));

const grantFromRow = (row: GrantRow): GrantState => ({
  grantId: row.grant_id,
  amount: Number(row.amount),
  source: { type: row.source_type as GrantState['source']['type'], id: row.source_id, period: row.source_period },
  priority: row.priority,
  grantedAt: toDate(row.granted_at),
  expiresAt: toOptionalDate(row.expires_at),
  remaining: Number(row.remaining),
  held: Number(row.held),
  consumed: Number(row.consumed),
  expiredAmount: Number(row.expired_amount),
  revokedAmount: Number(row.revoked_amount),
  clawbackClaimed: Number(row.clawback_claimed),
  clawbackRevoked: Number(row.clawback_revoked),
  expiredAt: toOptionalDate(row.expired_at),
  revokedAt: toOptionalDate(row.revoked_at),
});

const reservationFromRow = (row: ReservationRow): ReservationState =>
  ({
    reservationId: row.reservation_id,
    amount: Number(row.amount),
    status: row.status,
    reservedAt: toDate(row.reserved_at),
    expiresAt: toDate(row.expires_at),
    resolvedAt: toOptionalDate(row.resolved_at),
    resolutionKey: row.resolution_key,
    allocations: row.allocations,
  }) as ReservationState;

/** What was loaded of an account, to tell what a batch changed: grants and reservations report it themselves. */
interface Before {
  sequence: number;
  lowBalanceThreshold: number | null;
  lowBalanceArmed: boolean;
  lowBalanceAlerted: boolean;
}

interface AccountTotals {
  accountId: string;
  ledgerSequence: number;
  balance: number;
  held: number;
  lowBalanceThreshold: number | null;
  lowBalanceArmed: boolean;
  lowBalanceAlerted: boolean;
}

interface Changes {
  accounts: AccountTotals[];
  grants: (GrantState & { accountId: string })[];
  reservations: (ReservationState & { accountId: string })[];
  entries: LedgerEntry[];
  messages: OutboxMessage[];
}

/** What a batch changed on one account: only that is written back. */
function collectChanges(account: CreditAccount, before: Before, changes: Changes): void {
  const accountId = account.accountId;
  const entries = account.ledgerEntries(before.sequence);
  for (const entry of entries) changes.entries.push(entry);
  for (const grant of account.changedGrants()) changes.grants.push({ ...grant, accountId });
  for (const reservation of account.changedReservations()) changes.reservations.push({ ...reservation, accountId });
  const lowBalance = account.lowBalance;
  const lowBalanceChanged =
    lowBalance.lowBalanceThreshold !== before.lowBalanceThreshold ||
    lowBalance.lowBalanceArmed !== before.lowBalanceArmed ||
    lowBalance.lowBalanceAlerted !== before.lowBalanceAlerted;
  if (entries.length > 0 || lowBalanceChanged) {
    changes.accounts.push({ accountId, ledgerSequence: account.ledgerSequence, balance: account.balance, held: account.held, ...lowBalance });
  }
}
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * Applies batches of commands to customers' accounts in the caller's transaction: the accounts are locked
 * (SELECT … FOR UPDATE) and loaded in one statement, each account's commands run in order on its aggregate, and only
 * what changed — totals, touched grants and reservations, new ledger entries, outbox rows — is written back in one more
 * statement. Each command's events carry that command's tracing context. The lock and the write are named statements:
 * each connection prepares them once, so PostgreSQL does not parse and plan them for every batch (PostgreSQL CPU per
 * reserve+capture pair −15–18 %). The load is not: its generic plan cost more over many accounts than planning it.
 */
export class CreditAccountStore {
  constructor(
    private readonly ids: IdGenerator,
    private readonly now: () => Date,
  ) {}

  async apply(tx: SqlExecutor, customerId: string, batch: readonly QueuedCommand[]): Promise<AccountCommandOutcome[]> {
    return (await this.applyMany(tx, new Map([[customerId, batch]]))).get(customerId)!;
  }

  /**
   * Applies each customer's commands to its account, all in the caller's transaction: the accounts are locked in
   * customer-id order (so two batches never deadlock), loaded with one query per table, and written back with one
   * statement per table whatever the number of accounts and commands.
   */
  async applyMany(tx: SqlExecutor, work: ReadonlyMap<string, readonly QueuedCommand[]>): Promise<Map<string, AccountCommandOutcome[]>> {
    let snapshot = await this.lockAndLoad(tx, work);
    const toOpen = [...work.keys()].filter((customerId) => !snapshot.has(customerId) && work.get(customerId)!.some((item) => item.options?.openIfMissing));
    if (toOpen.length) {
      await this.open(tx, toOpen, work);
      snapshot = await this.lockAndLoad(tx, work);
    }
    const outcomes = new Map<string, AccountCommandOutcome[]>();
    const now = this.now();
    const changes: Changes = { accounts: [], grants: [], reservations: [], entries: [], messages: [] };
    for (const [customerId, batch] of work) {
      const loaded = snapshot.get(customerId);
      if (!loaded) {
        outcomes.set(customerId, batch.map(() => ({ ok: false, error: new AccountNotFoundError(customerId) })));
        continue;
      }
      const { account, before } = loaded;
      outcomes.set(
        customerId,
        batch.map((item) => {
          const outcome = decide(account, item.command, now, item.context.actor ?? null);
          changes.messages.push(...toOutboxMessages(account.pullEvents(), item.context, () => this.ids.next()));
          return outcome;
        }),
      );
      collectChanges(account, before, changes);
    }
    await this.persist(tx, changes);
    return outcomes;
  }

  /**
   * Two round trips: first the accounts are locked in customer-id order (so two batches never deadlock); then, in a
   * statement of its own, their live grants, held reservations and whatever grant or reservation a command names by
   * id or source (a duplicate grant, a revoke of a spent grant, a replayed capture) with the grants those reservations
   * hold or held.
   * Not one statement: under READ COMMITTED a statement that waited for a row lock sees the locked rows as committed
   * meanwhile but every other table as of its start, so grants and reservations could be older than the account.
   */
  private async lockAndLoad(tx: SqlExecutor, work: ReadonlyMap<string, readonly QueuedCommand[]>) {
    const commands = [...work.values()].flat().map((item) => item.command);
    const grantIds = commands.flatMap((command) => (command.type === 'Grant' || command.type === 'RevokeGrant' ? [command.grantId] : command.type === 'RestoreDisputed' ? [command.restoreGrantId] : []));
    const sources = commands.flatMap((command) => ('source' in command ? [command.source] : []));
    const reservationIds = commands.flatMap((command) => ('reservationId' in command ? [command.reservationId] : []));
    const accounts = await tx.query<Record<string, unknown>>(
      // Columns named, not *: a prepared statement's result type must not change under it (a migration adding a column).
      `select account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, low_balance_alerted, ledger_sequence, balance, held
       from credit_accounts where customer_id = any($1::text[]) order by customer_id for update`,
      [[...work.keys()].sort()],
      { name: 'credit_lock_accounts' },
    );
    const accountIds = accounts.map((account) => account.account_id as string);
    const rows = accountIds.length === 0 ? [] : await tx.query<{ kind: 'g' | 'r'; row: Record<string, unknown> }>(
      `with r as materialized (
         select * from credit_reservations where account_id = any($1::uuid[]) and status = 'HELD'
         union
         select * from credit_reservations where reservation_id = any($3::uuid[]) and account_id = any($1::uuid[]))
       select 'r' as kind, to_jsonb(r) as row from r
       union all
       select 'g', to_jsonb(g) from credit_grants g where g.account_id = any($1::uuid[]) and g.remaining > 0
       union all
       select 'g', to_jsonb(g) from credit_grants g
         where g.remaining = 0 and g.account_id = any($1::uuid[])
           and (g.grant_id in (select unnest($2::uuid[]) union select (a ->> 'grantId')::uuid from r, jsonb_array_elements(r.allocations) a)
                or (g.source_type, g.source_id, coalesce(g.source_period, -1)) in (select * from unnest($4::text[], $5::text[], $6::int[])))`,
      [accountIds, grantIds, reservationIds, sources.map((source) => source.type), sources.map((source) => source.id), sources.map((source) => source.period ?? -1)],
    );
    const byAccount = new Map<string, { row: AccountRow; grants: GrantState[]; reservations: ReservationState[] }>();
    for (const row of accounts) byAccount.set(row.account_id as string, { row: row as unknown as AccountRow, grants: [], reservations: [] });
    for (const { kind, row } of rows) {
      if (kind === 'g') byAccount.get(row.account_id as string)!.grants.push(grantFromRow(row as unknown as GrantRow));
      if (kind === 'r') byAccount.get(row.account_id as string)!.reservations.push(reservationFromRow(row as unknown as ReservationRow));
    }
    const snapshot = new Map<string, { account: CreditAccount; before: Before }>();
    for (const { row, grants, reservations } of byAccount.values()) {
      const state: CreditAccountState = {
        accountId: row.account_id,
        customerId: row.customer_id,
        openedAt: toDate(row.opened_at),
        lowBalanceThreshold: row.low_balance_threshold === null ? null : Number(row.low_balance_threshold),
        lowBalanceArmed: row.low_balance_armed,
        lowBalanceAlerted: row.low_balance_alerted,
        grants,
        reservations,
        ledgerBase: { sequence: Number(row.ledger_sequence), balance: Number(row.balance), held: Number(row.held) },
        ledger: [],
      };
      const before: Before = {
        sequence: state.ledgerBase.sequence,
        lowBalanceThreshold: state.lowBalanceThreshold,
        lowBalanceArmed: state.lowBalanceArmed,
        lowBalanceAlerted: state.lowBalanceAlerted,
      };
      snapshot.set(row.customer_id, { account: CreditAccount.reconstitute(state, this.ids), before });
    }
    return snapshot;
  }

  /** Opens accounts for customers that have none yet, with their CreditAccountOpened events. */
  private async open(tx: SqlExecutor, customerIds: string[], work: ReadonlyMap<string, readonly QueuedCommand[]>): Promise<void> {
    for (const customerId of customerIds) {
      const account = CreditAccount.create({ accountId: this.ids.next(), customerId, now: this.now() }, this.ids);
      const state = account.toState();
      const inserted = await tx.query(
        `insert into credit_accounts (account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, ledger_sequence, balance, held)
         values ($1, $2, $3, $4, $5, 0, 0, 0) on conflict (customer_id) do nothing returning account_id`,
        [state.accountId, customerId, state.openedAt, state.lowBalanceThreshold, state.lowBalanceArmed],
      );
      if (inserted.length) await appendToOutbox(tx, toOutboxMessages(account.pullEvents(), work.get(customerId)![0]!.context, () => this.ids.next()));
    }
  }

  /**
   * One round trip for every write of the batch: account totals, touched grants and reservations, new ledger entries
   * and the outbox rows, as data-modifying CTEs of a single statement (an empty array writes nothing).
   */
  private async persist(tx: SqlExecutor, changes: Changes): Promise<void> {
    const { accounts, grants, reservations, entries, messages } = changes;
    if (accounts.length + grants.length + reservations.length + entries.length + messages.length === 0) return;
    await tx.query(
      `with accounts as (
         update credit_accounts a set ledger_sequence = u.ledger_sequence, balance = u.balance, held = u.held,
           low_balance_threshold = u.low_balance_threshold, low_balance_armed = u.low_balance_armed, low_balance_alerted = u.low_balance_alerted
         from unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[], $50::boolean[])
           as u(account_id, ledger_sequence, balance, held, low_balance_threshold, low_balance_armed, low_balance_alerted)
         where a.account_id = u.account_id),
       grants as (
         insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                    remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at, clawback_claimed, clawback_revoked)
         select * from unnest($7::uuid[], $8::uuid[], $9::text[], $10::text[], $11::int[], $12::bigint[], $13::int[], $14::timestamptz[],
                              $15::timestamptz[], $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[], $21::timestamptz[], $22::timestamptz[],
                              $48::bigint[], $49::bigint[])
         on conflict (account_id, grant_id) do update set remaining = excluded.remaining, held = excluded.held, consumed = excluded.consumed,
           expired_amount = excluded.expired_amount, revoked_amount = excluded.revoked_amount, expired_at = excluded.expired_at, revoked_at = excluded.revoked_at,
           clawback_claimed = excluded.clawback_claimed, clawback_revoked = excluded.clawback_revoked),
       reservations as (
         insert into credit_reservations (reservation_id, account_id, amount, status, reserved_at, expires_at, resolved_at, allocations, resolution_key)
         select * from unnest($23::uuid[], $24::uuid[], $25::bigint[], $26::text[], $27::timestamptz[], $28::timestamptz[], $29::timestamptz[], $30::jsonb[], $51::text[])
         on conflict (reservation_id) do update set status = excluded.status, resolved_at = excluded.resolved_at, allocations = excluded.allocations,
           resolution_key = excluded.resolution_key),
       ledger as (
         insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at, reason, actor)
         select * from unnest($31::uuid[], $32::uuid[], $33::bigint[], $34::text[], $35::uuid[], $36::uuid[], $37::bigint[], $38::bigint[], $39::bigint[], $40::timestamptz[],
                              $52::text[], $53::text[]))
       insert into outbox (${outboxColumns.join(', ')})
       select id, ${outboxLaneSql('aggregate_id')}, aggregate_type, aggregate_id, event_type, payload, headers, occurred_at
       from unnest($41::uuid[], $42::text[], $43::text[], $44::text[], $45::jsonb[], $46::jsonb[], $47::timestamptz[])
         as m(id, aggregate_type, aggregate_id, event_type, payload, headers, occurred_at)`,
      [
        accounts.map((account) => account.accountId),
        accounts.map((account) => account.ledgerSequence),
        accounts.map((account) => account.balance),
        accounts.map((account) => account.held),
        accounts.map((account) => account.lowBalanceThreshold),
        accounts.map((account) => account.lowBalanceArmed),
        grants.map((grant) => grant.grantId),
        grants.map((grant) => grant.accountId),
        grants.map((grant) => grant.source.type),
        grants.map((grant) => grant.source.id),
        grants.map((grant) => grant.source.period),
        grants.map((grant) => grant.amount),
        grants.map((grant) => grant.priority),
        grants.map((grant) => iso(grant.grantedAt)),
        grants.map((grant) => iso(grant.expiresAt)),
        grants.map((grant) => grant.remaining),
        grants.map((grant) => grant.held),
        grants.map((grant) => grant.consumed),
        grants.map((grant) => grant.expiredAmount),
        grants.map((grant) => grant.revokedAmount),
        grants.map((grant) => iso(grant.expiredAt)),
        grants.map((grant) => iso(grant.revokedAt)),
        reservations.map((reservation) => reservation.reservationId),
        reservations.map((reservation) => reservation.accountId),
        reservations.map((reservation) => reservation.amount),
        reservations.map((reservation) => reservation.status),
        reservations.map((reservation) => iso(reservation.reservedAt)),
        reservations.map((reservation) => iso(reservation.expiresAt)),
        reservations.map((reservation) => iso(reservation.resolvedAt)),
        reservations.map((reservation) => JSON.stringify(reservation.allocations)),
        entries.map((entry) => entry.entryId),
        entries.map((entry) => entry.accountId),
        entries.map((entry) => entry.sequence),
        entries.map((entry) => entry.type),
        entries.map((entry) => entry.grantId),
        entries.map((entry) => entry.reservationId),
        entries.map((entry) => entry.amount),
        entries.map((entry) => entry.balanceDelta),
        entries.map((entry) => entry.heldDelta),
        entries.map((entry) => entry.occurredAt.toISOString()),
        messages.map((message) => message.eventId),
        messages.map((message) => message.aggregateType),
        messages.map((message) => message.aggregateId),
        messages.map((message) => message.eventType),
        messages.map((message) => JSON.stringify(message.payload)),
        messages.map((message) => JSON.stringify(message.context)),
        messages.map((message) => message.occurredAt.toISOString()),
        grants.map((grant) => grant.clawbackClaimed),
        grants.map((grant) => grant.clawbackRevoked),
        accounts.map((account) => account.lowBalanceAlerted),
        reservations.map((reservation) => reservation.resolutionKey),
        entries.map((entry) => entry.reason),
        entries.map((entry) => entry.actor),
      ],
      { name: 'credit_persist_batch' },
    );
  }
}
