import type pg from 'pg';

/** Row count of every table of the database (the service's own, outbox, inbox and idempotency keys included). */
export async function tableRowCounts(pool: Pick<pg.Pool, 'query'>): Promise<Record<string, number>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables
     where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) counts[name] = (await pool.query<{ n: number }>(`select count(*)::int as n from ${name}`)).rows[0]!.n;
  return counts;
}

/** Tables whose row count differs, with the difference. */
export function rowCountChanges(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return Object.fromEntries([...tables].map((table) => [table, (after[table] ?? 0) - (before[table] ?? 0)]).filter(([, change]) => change !== 0));
}
