import { InvalidArgumentError } from '../../domain/subscription.errors';

/** One page of a list, and the position the next page starts after (null on the last page). */
export interface Page<T, Position> {
  readonly items: T[];
  readonly next: Position | null;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;

/** The page size asked for (default 50); INVALID_ARGUMENT outside 1..100. */
export function listLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_LIST_LIMIT) {
    throw new InvalidArgumentError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`, { argument: 'limit' });
  }
  return value;
}

/** `rows` holds one row past the page when another page follows (the stores are asked for limit + 1). */
export function pageOf<Row, T, Position>(rows: readonly Row[], limit: number, view: (row: Row) => T, positionOf: (row: Row) => Position): Page<T, Position> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(view), next: rows.length > limit && last !== undefined ? positionOf(last) : null };
}
