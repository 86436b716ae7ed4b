import { InvalidArgumentError } from '../../domain/subscription.errors';
import { InvalidCursorError } from '../application.errors';

/** One page of a list; `nextCursor` goes back as `cursor` for the next page and is null on the last one. */
export interface Page<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
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

// Opaque to clients (base64url of a JSON array tagged with the list and a format version), so the format can change
// without misreading old cursors, and a cursor of one list is refused by another.
const VERSION = 1;

export const listCursor = {
  encode(list: string, position: readonly string[]): string {
    return Buffer.from(JSON.stringify([VERSION, list, ...position]), 'utf8').toString('base64url');
  },

  /** The position encode() was given for `list`; INVALID_CURSOR for anything else. */
  decode(list: string, value: string, arity: number): string[] {
    if (!/^[A-Za-z0-9_-]{1,2000}$/.test(value)) throw new InvalidCursorError();
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError();
    }
    if (!Array.isArray(parsed) || parsed.length !== arity + 2 || parsed[0] !== VERSION || parsed[1] !== list) throw new InvalidCursorError();
    const position = parsed.slice(2);
    if (!position.every((part): part is string => typeof part === 'string' && part !== '')) throw new InvalidCursorError();
    return position;
  },
} as const;

/** Reads one row past the page to learn whether another page follows; `positionOf` makes the next cursor. */
export function pageOf<Row, T>(rows: readonly Row[], limit: number, view: (row: Row) => T, positionOf: (row: Row) => string): Page<T> {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data: data.map(view), nextCursor: rows.length > limit && last !== undefined ? positionOf(last) : null };
}
