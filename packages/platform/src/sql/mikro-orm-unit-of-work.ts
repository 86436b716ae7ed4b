import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueryOptions, SqlExecutor, UnitOfWork } from './sql-executor';

/**
 * The transaction of a MikroORM EntityManager, as the shared kernel's SqlExecutor. Statements use PostgreSQL's own
 * `$1, $2…` parameters, so they go to the transaction's pg connection directly: `em.execute` only understands `?`
 * placeholders (it inlines values into the text and sends `$n` statements without parameters).
 */
export class MikroOrmExecutor implements SqlExecutor {
  constructor(readonly em: EntityManager) {}

  async query<Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    // Inside em.transactional the knex transaction's client hands out that transaction's connection (and its release is
    // a no-op); outside one, a pooled connection is borrowed for this statement.
    const client = (this.em.getTransactionContext() ?? this.em.getKnex()).client;
    const connection = await client.acquireConnection();
    try {
      const result = (await connection.query({ text: sql, values: params as unknown[], name: options?.name })) as { rows: Row[] };
      return result.rows;
    } finally {
      await client.releaseConnection(connection);
    }
  }
}

/** Each transaction runs on a fresh fork, so an error never leaves a dirty identity map behind. */
export class MikroOrmUnitOfWork implements UnitOfWork<MikroOrmExecutor> {
  constructor(private readonly em: EntityManager) {}

  transaction<T>(work: (tx: MikroOrmExecutor) => Promise<T>): Promise<T> {
    return this.em.fork().transactional((em) => work(new MikroOrmExecutor(em)));
  }
}
