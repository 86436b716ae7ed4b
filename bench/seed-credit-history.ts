import pg from 'pg';

/**
 * A grown credit database, written set-based straight into credit's tables (not through the API): `accounts` accounts
 * with ten ledger entries each, consistent with the ledger invariant — two grants of 1,000 credits, then four
 * reservations of 10 credits on the first grant, each held and captured (2 + 4 × 2 entries). Every account ends at
 * balance 1,960 = Σ its entries, nothing held, its first grant at 960 remaining. Ids are built from the row number in
 * ascending order, so each chunk appends to the indexes instead of splitting pages all over them; the accounts the
 * benchmark then drives have random ids, as the service makes them. Returns the seconds it took.
 */
export async function seedCreditHistory(databaseUrl: string, accounts: number, chunk = 50_000): Promise<number> {
  const started = performance.now();
  const seed = new pg.Client({ connectionString: databaseUrl });
  await seed.connect();
  try {
    // A bulk load that is lost in a crash is simply made again; its rows reference only rows it writes itself, so
    // the foreign-key triggers (one lookup per row) are skipped for it (replica role; needs a superuser, as a bench has).
    await seed.query('set synchronous_commit = off');
    await seed.query('set session_replication_role = replica');
    for (let first = 1; first <= accounts; first += chunk) {
      await seed.query(
        `with n as (select i from generate_series($1::int, $2::int) i),
         ids as (
           select i, ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid as account_id,
                  ('00000000-0001-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid as grant1,
                  ('00000000-0002-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid as grant2,
                  now() - interval '30 days' as at
           from n),
         accounts as (
           insert into credit_accounts (account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, ledger_sequence, balance, held)
           select account_id, 'scale-' || lpad(i::text, 8, '0'), at, null, false, 10, 1960, 0 from ids),
         grants as (
           insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                      remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at)
           select g.grant_id, account_id, 'MANUAL', 'scale-' || g.grant_id, null, 1000, 100, at, null, g.remaining, 0, 1000 - g.remaining, 0, 0, null, null
           from ids, lateral (values (grant1, 960), (grant2, 1000)) g(grant_id, remaining)),
         holds as (
           select ids.*, k, ('00000000-0003-4000-8' || to_hex(k) || '00-' || lpad(to_hex(i), 12, '0'))::uuid as reservation_id,
                  at + k * interval '1 hour' as held_at
           from ids, generate_series(0, 3) k),
         reservations as (
           insert into credit_reservations (reservation_id, account_id, amount, status, reserved_at, expires_at, resolved_at, allocations, resolution_key)
           select reservation_id, account_id, 10, 'CAPTURED', held_at, held_at + interval '1 minute', held_at + interval '1 second',
                  jsonb_build_array(jsonb_build_object('grantId', grant1, 'amount', 10, 'captured', 10, 'refunded', 0)), 'seed-' || reservation_id
           from holds)
         insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at)
         select ('00000000-0004-4000-8000-' || lpad(to_hex(i * 10 + e.sequence), 12, '0'))::uuid, account_id, e.sequence, e.type, e.grant_id, e.reservation_id,
                e.amount, e.balance_delta, e.held_delta, e.at
         from (
           select i, account_id, 1 as sequence, 'grant' as type, grant1 as grant_id, null::uuid as reservation_id, 1000 as amount, 1000 as balance_delta, 0 as held_delta, at from ids
           union all select i, account_id, 2, 'grant', grant2, null, 1000, 1000, 0, at from ids
           union all select i, account_id, 3 + 2 * k, 'hold', grant1, reservation_id, 10, 0, 10, held_at from holds
           union all select i, account_id, 4 + 2 * k, 'capture', grant1, reservation_id, 10, -10, -10, held_at + interval '1 second' from holds) e
         order by i, e.sequence`,
        [first, Math.min(accounts, first + chunk - 1)],
      );
    }
    // What a database that grew over months has had: its rows vacuumed (visibility map, hint bits) and analysed, and
    // checkpointed — else autovacuum and the checkpoint of the bulk load's WAL run during the measured phases.
    await seed.query('vacuum (analyze) credit_accounts, credit_grants, credit_reservations, credit_ledger');
    await seed.query('checkpoint');
  } finally {
    await seed.end();
  }
  return (performance.now() - started) / 1000;
}
