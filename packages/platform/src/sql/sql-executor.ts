/** What the shared kernel needs from a database transaction: run a statement, get rows. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Runs work in one database transaction: committed when it resolves, rolled back when it throws. */
export interface UnitOfWork<Tx extends SqlExecutor = SqlExecutor> {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}
