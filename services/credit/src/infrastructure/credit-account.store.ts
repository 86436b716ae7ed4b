import { appendToOutbox, type SqlExecutor } from '@billing/platform';
import { type AccountCommand, type AccountCommandOutcome, applyAccountCommand } from '../application/account-command';
import { AccountNotFoundError } from '../application/credit.errors';
import type { RequestContext, SubmitOptions } from '../application/ports/account-command-bus.port';
import { CreditAccount } from '../domain/credit-account.aggregate';
import type { CreditAccountState } from '../domain/credit-account.state';
import type { GrantState } from '../domain/grant.entity';
import type { IdGenerator } from '../domain/id-generator.port';
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
    const openIfMissing = batch.some((item) => item.options?.openIfMissing);
    const loaded = await this.lockAccount(tx, customerId, openIfMissing, batch[0]!.context);
    if (!loaded) return batch.map(() => ({ ok: false, error: new AccountNotFoundError(customerId) }));
    const { account, before } = await this.load(tx, loaded, batch);
    const now = this.now();
    const outcomes: AccountCommandOutcome[] = [];
    const messages = [];
    for (const item of batch) {
      outcomes.push(applyAccountCommand(account, item.command, now));
      messages.push(...toOutboxMessages(account.pullEvents(), item.context, () => this.ids.next()));
    }
    await this.persist(tx, account, before, messages);
    return outcomes;
  }

  /** Opens the account in the same transaction (for the sweepers and consumers that reach it first). */
  private async lockAccount(tx: SqlExecutor, customerId: string, openIfMissing: boolean, context: RequestContext) {
    const select = () => tx.query<AccountRow>('select * from credit_accounts where customer_id = $1 for update', [customerId]);
    let [row] = await select();
    if (!row && openIfMissing) {
      const account = CreditAccount.create({ accountId: this.ids.next(), customerId, now: this.now() }, this.ids);
      const state = account.toState();
      const inserted = await tx.query(
        `insert into credit_accounts (account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, ledger_sequence, balance, held)
         values ($1, $2, $3, $4, $5, 0, 0, 0) on conflict (customer_id) do nothing returning account_id`,
        [state.accountId, customerId, state.openedAt, state.lowBalanceThreshold, state.lowBalanceArmed],
      );
      if (inserted.length) await appendToOutbox(tx, toOutboxMessages(account.pullEvents(), context, () => this.ids.next()));
      [row] = await select();
    }
    return row ? { row } : undefined;
  }

  private async load(tx: SqlExecutor, loaded: { row: AccountRow }, batch: readonly QueuedCommand[]) {
    const { row } = loaded;
    const grantIds = batch.flatMap(({ command }) => (command.type === 'Grant' || command.type === 'Revoke' ? [command.grantId] : []));
    const reservationIds = batch.flatMap(({ command }) => ('reservationId' in command ? [command.reservationId] : []));
    const [grants, reservations] = await Promise.all([
      // Live grants, plus any a command names (a duplicate grant or a revoke must see a spent grant too).
      tx.query<GrantRow>('select * from credit_grants where account_id = $1 and (remaining > 0 or grant_id = any($2::uuid[]))', [row.account_id, grantIds]),
      tx.query<ReservationRow>(
        "select * from credit_reservations where account_id = $1 and (status = 'HELD' or reservation_id = any($2::uuid[]))",
        [row.account_id, reservationIds],
      ),
    ]);
    const state: CreditAccountState = {
      accountId: row.account_id,
      customerId: row.customer_id,
      openedAt: toDate(row.opened_at),
      lowBalanceThreshold: row.low_balance_threshold === null ? null : Number(row.low_balance_threshold),
      lowBalanceArmed: row.low_balance_armed,
      grants: grants.map(grantFromRow),
      reservations: reservations.map(reservationFromRow),
      ledgerBase: { sequence: Number(row.ledger_sequence), balance: Number(row.balance), held: Number(row.held) },
      ledger: [],
    };
    const before = {
      sequence: state.ledgerBase.sequence,
      grants: new Map(state.grants.map((grant) => [grant.grantId, fingerprint(grant)])),
      reservations: new Map(state.reservations.map((reservation) => [reservation.reservationId, fingerprint(reservation)])),
      account: fingerprint([state.lowBalanceThreshold, state.lowBalanceArmed]),
    };
    return { account: CreditAccount.reconstitute(state, this.ids), before };
  }

  private async persist(
    tx: SqlExecutor,
    account: CreditAccount,
    before: { sequence: number; grants: Map<string, string>; reservations: Map<string, string>; account: string },
    messages: Parameters<typeof appendToOutbox>[1],
  ): Promise<void> {
    const state = account.toState();
    const entries = account.ledgerEntries(before.sequence);
    const grants = state.grants.filter((grant) => before.grants.get(grant.grantId) !== fingerprint(grant));
    const reservations = state.reservations.filter((reservation) => before.reservations.get(reservation.reservationId) !== fingerprint(reservation));
    const accountChanged = entries.length > 0 || before.account !== fingerprint([state.lowBalanceThreshold, state.lowBalanceArmed]);
    if (accountChanged) {
      await tx.query(
          'update credit_accounts set ledger_sequence = $2, balance = $3, held = $4, low_balance_threshold = $5, low_balance_armed = $6 where account_id = $1',
          [state.accountId, account.ledgerSequence, account.balance, account.held, state.lowBalanceThreshold, state.lowBalanceArmed],
      );
    }
    if (grants.length) await this.upsertGrants(tx, state.accountId, grants);
    if (reservations.length) await this.upsertReservations(tx, state.accountId, reservations);
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

  private upsertGrants(tx: SqlExecutor, accountId: string, grants: GrantState[]) {
    return tx.query(
      `insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                  remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at)
       select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::int[], $8::timestamptz[], $9::timestamptz[],
                            $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::timestamptz[], $16::timestamptz[])
       on conflict (grant_id) do update set remaining = excluded.remaining, held = excluded.held, consumed = excluded.consumed,
         expired_amount = excluded.expired_amount, revoked_amount = excluded.revoked_amount, expired_at = excluded.expired_at, revoked_at = excluded.revoked_at`,
      [
        grants.map((grant) => grant.grantId),
        grants.map(() => accountId),
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

  private upsertReservations(tx: SqlExecutor, accountId: string, reservations: ReservationState[]) {
    return tx.query(
      `insert into credit_reservations (reservation_id, account_id, amount, status, reserved_at, expires_at, resolved_at, allocations)
       select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::jsonb[])
       on conflict (reservation_id) do update set status = excluded.status, resolved_at = excluded.resolved_at, allocations = excluded.allocations`,
      [
        reservations.map((reservation) => reservation.reservationId),
        reservations.map(() => accountId),
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
