/** A cursor a list route did not hand out (or a stale format): 400, whatever the service. */
export class InvalidCursorError extends Error {
  readonly code = 'INVALID_CURSOR';
  readonly details: Record<string, unknown>;
  constructor(cursor: unknown) {
    super('cursor is not a nextCursor this list returned');
    this.details = { cursor: typeof cursor === 'string' ? cursor.slice(0, 100) : String(cursor) };
  }
}

// Versioned, so the format can change without misreading cursors already handed out.
const VERSION = 'c1';

/**
 * An opaque cursor for keyset pagination: the position after the last item of a page (e.g. its createdAt and id),
 * base64url of JSON. Clients pass it back untouched; only decodeCursor reads it.
 */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([VERSION, ...position]), 'utf8').toString('base64url');
}

/**
 * The position encodeCursor stored, checked by `parse` (which returns undefined, or throws, for a wrong shape). Anything
 * encodeCursor did not produce throws InvalidCursorError (400 INVALID_CURSOR).
 */
export function decodeCursor<Position>(cursor: string, parse: (position: readonly unknown[]) => Position | undefined): Position {
  let position: Position | undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursorError(cursor);
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded[0] !== VERSION) throw new InvalidCursorError(cursor);
    position = parse(decoded.slice(1));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (position === undefined) throw new InvalidCursorError(cursor);
  return position;
}
