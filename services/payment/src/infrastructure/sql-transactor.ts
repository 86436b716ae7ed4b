import type { SqlExecutor, UnitOfWork } from '@billing/platform';

/**
 * Where an adapter's SQL runs: inside a transaction the caller already holds (an idempotent request's, a consumed
 * event's: the state and the outbox rows commit with it), each call in a transaction of its own (opening a payment:
 * the row must be committed BEFORE the gateway is called, so a retry after a crash reuses its id and metadata).
 */
export type Transactor = <T>(work: (tx: SqlExecutor) => Promise<T>) => Promise<T>;

export const inTransaction =
  (tx: SqlExecutor): Transactor =>
  (work) =>
    work(tx);

export const eachInOwnTransaction =
  (unitOfWork: UnitOfWork): Transactor =>
  (work) =>
    unitOfWork.transaction(work);
