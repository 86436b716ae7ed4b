import { appendToOutbox, type OutboxMessage, type SqlExecutor } from '@billing/platform';
import { type AccountCommand, type AccountCommandOutcome, applyAccountCommand } from '../application/account-command';
import { AccountNotFoundError } from '../application/credit.errors';
import type { RequestContext, SubmitOptions } from '../application/ports/account-command-bus.port';
import { CreditAccount } from '../domain/credit-account.aggregate';
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
  allocations: ReservationState['allocations'];
}

/** node-postgres returns timestamptz as Date, MikroORM's connection as text: accept both. */
export const toDate = (value: Date | string) => (value instanceof Date ? value : new Date(value));
export const toOptionalDate = (value: Date | string | null) => (value === null ? null : toDate(value));

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
    allocations: row.allocations,
  }) as ReservationState;

const fingerprint = (value: unknown) => JSON.stringify(value);

interface Before {
  sequence: number;
  grants: Map<string, string>;
  reservations: Map<string, string>;
  account: string;
}

interface AccountTotals {
  accountId: string;
  ledgerSequence: number;
  balance: number;
  held: number;
  lowBalanceThreshold: number | null;
  lowBalanceArmed: boolean;
}

interface Changes {
  accounts: AccountTotals[];
  grants: (GrantState & { accountId: string })[];
  reservations: (ReservationState & { accountId: string })[];
  entries: LedgerEntry[];
  messages: OutboxMessage[];
}

/** What a batch changed on one account, by comparing with what was loaded: only that is written back. */
function collectChanges(account: CreditAccount, before: Before, changes: Changes): void {
  const state = account.toState();
  const entries = account.ledgerEntries(before.sequence);
  changes.entries.push(...entries);
  for (const grant of state.grants) if (before.grants.get(grant.grantId) !== fingerprint(grant)) changes.grants.push({ ...grant, accountId: state.accountId });
  for (const reservation of state.reservations) {
    if (before.reservations.get(reservation.reservationId) !== fingerprint(reservation)) changes.reservations.push({ ...reservation, accountId: state.accountId });
  }
  if (entries.length > 0 || before.account !== fingerprint([state.lowBalanceThreshold, state.lowBalanceArmed])) {
    changes.accounts.push({
      accountId: state.accountId,
      ledgerSequence: account.ledgerSequence,
      balance: account.balance,
      held: account.held,
      lowBalanceThreshold: state.lowBalanceThreshold,
      lowBalanceArmed: state.lowBalanceArmed,
    });
  }
}
const iso = (date: Date | null) => (date ? date.toISOString() : null);

/**
 * Loads one customer's account under its row lock (SELECT … FOR UPDATE), applies a batch of commands to the aggregate
 * in order, and writes back only what changed — account totals, touched grants and reservations, the new ledger entries
 * and the events, all in the caller's transaction. Each command's events carry that command's tracing context.
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
    const rows = await this.lockAccounts(tx, work);
    const outcomes = new Map<string, AccountCommandOutcome[]>();
    for (const [customerId, batch] of work) {
      if (!rows.has(customerId)) outcomes.set(customerId, batch.map(() => ({ ok: false, error: new AccountNotFoundError(customerId) })));
    }
    const loaded = await this.load(tx, [...rows.values()], work);
    const now = this.now();
    const changes: Changes = { accounts: [], grants: [], reservations: [], entries: [], messages: [] };
    for (const { account, before } of loaded) {
      const results: AccountCommandOutcome[] = [];
      for (const item of work.get(account.customerId)!) {
        results.push(applyAccountCommand(account, item.command, now));
        changes.messages.push(...toOutboxMessages(account.pullEvents(), item.context, () => this.ids.next()));
      }
      outcomes.set(account.customerId, results);
      collectChanges(account, before, changes);
    }
    await this.persist(tx, changes);
    return outcomes;
  }

  /** Locks every account of the batch; opens, in the same transaction, those a command may open. */
  private async lockAccounts(tx: SqlExecutor, work: ReadonlyMap<string, readonly QueuedCommand[]>): Promise<Map<string, AccountRow>> {
    const customerIds = [...work.keys()].sort();
    const select = async () =>
      new Map(
        (await tx.query<AccountRow>('select * from credit_accounts where customer_id = any($1::text[]) order by customer_id for update', [customerIds])).map((row) => [
          row.customer_id,
          row,
        ]),
      );
    let rows = await select();
    const toOpen = customerIds.filter((customerId) => !rows.has(customerId) && work.get(customerId)!.some((item) => item.options?.openIfMissing));
    if (toOpen.length === 0) return rows;
    for (const customerId of toOpen) {
      const account = CreditAccount.create({ accountId: this.ids.next(), customerId, now: this.now() }, this.ids);
      const state = account.toState();
      const inserted = await tx.query(
        `insert into credit_accounts (account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, ledger_sequence, balance, held)
         values ($1, $2, $3, $4, $5, 0, 0, 0) on conflict (customer_id) do nothing returning account_id`,
        [state.accountId, customerId, state.openedAt, state.lowBalanceThreshold, state.lowBalanceArmed],
      );
      if (inserted.length) await appendToOutbox(tx, toOutboxMessages(account.pullEvents(), work.get(customerId)![0]!.context, () => this.ids.next()));
    }
    rows = await select();
    return rows;
  }

  private async load(tx: SqlExecutor, rows: AccountRow[], work: ReadonlyMap<string, readonly QueuedCommand[]>) {
    const commands = rows.flatMap((row) => work.get(row.customer_id)!.map((item) => item.command));
    const accountIds = rows.map((row) => row.account_id);
    const grantIds = commands.flatMap((command) => (command.type === 'Grant' || command.type === 'Revoke' ? [command.grantId] : []));
    const reservationIds = commands.flatMap((command) => ('reservationId' in command ? [command.reservationId] : []));
    // Live grants, plus any a command names (a duplicate grant or a revoke must see a spent grant too); held
    // reservations, plus any a command names (a replayed capture must see the captured one).
    const grants = await tx.query<GrantRow & { account_id: string }>(
      // A union, not an OR: each half has its index (the live-grants partial index, the primary key).
      `select * from credit_grants where account_id = any($1::uuid[]) and remaining > 0
       union select * from credit_grants where grant_id = any($2::uuid[]) and account_id = any($1::uuid[])`,
      [accountIds, grantIds],
    );
    const reservations = await tx.query<ReservationRow & { account_id: string }>(
      `select * from credit_reservations where account_id = any($1::uuid[]) and status = 'HELD'
       union select * from credit_reservations where reservation_id = any($2::uuid[]) and account_id = any($1::uuid[])`,
      [accountIds, reservationIds],
    );
    return rows.map((row) => {
      const state: CreditAccountState = {
        accountId: row.account_id,
        customerId: row.customer_id,
        openedAt: toDate(row.opened_at),
        lowBalanceThreshold: row.low_balance_threshold === null ? null : Number(row.low_balance_threshold),
        lowBalanceArmed: row.low_balance_armed,
        grants: grants.filter((grant) => grant.account_id === row.account_id).map(grantFromRow),
        reservations: reservations.filter((reservation) => reservation.account_id === row.account_id).map(reservationFromRow),
        ledgerBase: { sequence: Number(row.ledger_sequence), balance: Number(row.balance), held: Number(row.held) },
        ledger: [],
      };
      const before: Before = {
        sequence: state.ledgerBase.sequence,
        grants: new Map(state.grants.map((grant) => [grant.grantId, fingerprint(grant)])),
        reservations: new Map(state.reservations.map((reservation) => [reservation.reservationId, fingerprint(reservation)])),
        account: fingerprint([state.lowBalanceThreshold, state.lowBalanceArmed]),
      };
      return { account: CreditAccount.reconstitute(state, this.ids), before };
    });
  }

  private async persist(tx: SqlExecutor, changes: Changes): Promise<void> {
    const { accounts, grants, reservations, entries, messages } = changes;
    if (accounts.length) {
      await tx.query(
        `update credit_accounts a set ledger_sequence = u.ledger_sequence, balance = u.balance, held = u.held,
           low_balance_threshold = u.low_balance_threshold, low_balance_armed = u.low_balance_armed
         from unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[])
           as u(account_id, ledger_sequence, balance, held, low_balance_threshold, low_balance_armed)
         where a.account_id = u.account_id`,
        [
          accounts.map((account) => account.accountId),
          accounts.map((account) => account.ledgerSequence),
          accounts.map((account) => account.balance),
          accounts.map((account) => account.held),
          accounts.map((account) => account.lowBalanceThreshold),
          accounts.map((account) => account.lowBalanceArmed),
        ],
      );
    }
    if (grants.length) await this.upsertGrants(tx, grants);
    if (reservations.length) await this.upsertReservations(tx, reservations);
    if (entries.length) {
      await tx.query(
        `insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at)
         select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::uuid[], $6::uuid[], $7::bigint[], $8::bigint[], $9::bigint[], $10::timestamptz[])`,
        [
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
        ],
      );
    }
    if (messages.length) await appendToOutbox(tx, messages);
  }

  private upsertGrants(tx: SqlExecutor, grants: (GrantState & { accountId: string })[]) {
    return tx.query(
      `insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                  remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::timestamptz[], $9::timestamptz[],
                            $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::timestamptz[], $16::timestamptz[])
       on conflict (grant_id) do update set remaining = excluded.remaining, held = excluded.held, consumed = excluded.consumed,
         expired_amount = excluded.expired_amount, revoked_amount = excluded.revoked_amount, expired_at = excluded.expired_at, revoked_at = excluded.revoked_at`,
      [
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
      ],
    );
  }

  private upsertReservations(tx: SqlExecutor, reservations: (ReservationState & { accountId: string })[]) {
    return tx.query(
      `insert into credit_reservations (reservation_id, account_id, amount, status, reserved_at, expires_at, resolved_at, allocations)
       select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
       on conflict (reservation_id) do update set status = excluded.status, resolved_at = excluded.resolved_at, allocations = excluded.allocations`,
      [
        reservations.map((reservation) => reservation.reservationId),
        reservations.map((reservation) => reservation.accountId),
        reservations.map((reservation) => reservation.amount),
        reservations.map((reservation) => reservation.status),
        reservations.map((reservation) => iso(reservation.reservedAt)),
        reservations.map((reservation) => iso(reservation.expiresAt)),
        reservations.map((reservation) => iso(reservation.resolvedAt)),
        reservations.map((reservation) => JSON.stringify(reservation.allocations)),
      ],
    );
  }
}
