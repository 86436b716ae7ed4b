import type pg from 'pg';
import type { QueryOptions, SqlExecutor, UnitOfWork } from './sql-executor';

export class PgExecutor implements SqlExecutor {
  constructor(private readonly client: pg.ClientBase | pg.Pool) {}

  async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    const result = await this.client.query({ text: sql, values: params as unknown[], name: options?.name });
    return result.rows as Row[];
  }
}

/** Transactions on a node-postgres pool: one pooled client per transaction. */
export class PgUnitOfWork implements UnitOfWork<PgExecutor> {
  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(work: (tx: PgExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // pg-pool takes its error listener off a checked-out client: a connection lost between two statements (PostgreSQL
    // restarting) would be an unhandled 'error' event and end the process. The next statement fails instead.
    const ignoreLost = () => undefined;
    client.on('error', ignoreLost);
    try {
      await client.query('begin');
      const result = await work(new PgExecutor(client));
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', ignoreLost);
      client.release();
    }
  }
}
