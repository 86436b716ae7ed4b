/** What the shared kernel needs from a database transaction: run a statement, get rows. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
}

export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name, so PostgreSQL skips parsing and planning it on later
   * runs. One name must always go with one text.
   */
  name?: string;
}

/** Runs work in one database transaction: committed when it resolves, rolled back when it throws. */
export interface UnitOfWork<Tx extends SqlExecutor = SqlExecutor> {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}
