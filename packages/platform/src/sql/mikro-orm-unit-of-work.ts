import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlExecutor, UnitOfWork } from './sql-executor';

/** The transaction of a MikroORM EntityManager, as the shared kernel's SqlExecutor. */
export class MikroOrmExecutor implements SqlExecutor {
  constructor(readonly em: EntityManager) {}

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.em.execute(sql, params as unknown[], 'all')) as Row[];
  }
}

/** Each transaction runs on a fresh fork, so an error never leaves a dirty identity map behind. */
export class MikroOrmUnitOfWork implements UnitOfWork<MikroOrmExecutor> {
  constructor(private readonly em: EntityManager) {}

  transaction<T>(work: (tx: MikroOrmExecutor) => Promise<T>): Promise<T> {
    return this.em.fork().transactional((em) => work(new MikroOrmExecutor(em)));
  }
}
