import pg from 'pg';

/**
 * Opens a credit account for each customer straight in credit's database (setup is not what a benchmark measures): one
 * grant of `credits` each, with its ledger entry, exactly as the service would have written it.
 */
export async function seedCreditAccounts(databaseUrl: string, customers: readonly string[], credits = 1_000_000_000): Promise<void> {
  const seed = new pg.Client({ connectionString: databaseUrl });
  await seed.connect();
  try {
    await seed.query(
      `with accounts as (
         insert into credit_accounts (account_id, customer_id, opened_at, low_balance_threshold, low_balance_armed, ledger_sequence, balance, held)
         select gen_random_uuid(), customer_id, now(), null, false, 1, $2, 0 from unnest($1::text[]) customer_id
         returning account_id),
       grants as (
         insert into credit_grants (grant_id, account_id, source_type, source_id, source_period, amount, priority, granted_at, expires_at,
                                    remaining, held, consumed, expired_amount, revoked_amount, expired_at, revoked_at)
         select gen_random_uuid(), account_id, 'MANUAL', gen_random_uuid()::text, null, $2, 100, now(), null, $2, 0, 0, 0, 0, null, null from accounts
         returning grant_id, account_id)
       insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at)
       select gen_random_uuid(), account_id, 1, 'grant', grant_id, null, $2, $2, 0, now() from grants`,
      [customers, credits],
    );
  } finally {
    await seed.end();
  }
}
