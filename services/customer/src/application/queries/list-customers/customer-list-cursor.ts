import { CustomerId } from '../../../domain/customer-id.value-object';
import { DomainError } from '../../../domain/customer.errors';
import type { CustomerListCursor } from '../../../domain/customer.repository.port';
import { InvalidCursorError } from '../../application.errors';

// Opaque to clients (base64url), versioned so the format can change without misreading old cursors.
const PREFIX = 'v1|';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const CustomerListCursorCodec = {
  encode(cursor: CustomerListCursor): string {
    return Buffer.from(`${PREFIX}${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
  },

  /** Throws INVALID_CURSOR for anything encode() did not produce. */
  decode(value: unknown): CustomerListCursor {
    if (typeof value !== 'string' || value === '' || !/^[A-Za-z0-9_-]+$/.test(value)) throw new InvalidCursorError(value);
    const [version, createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
    if (`${version}|` !== PREFIX || createdAt === undefined || id === undefined || rest.length > 0 || !ISO_UTC.test(createdAt)) {
      throw new InvalidCursorError(value);
    }
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw new InvalidCursorError(value);
    try {
      return { createdAt: date, id: CustomerId.of(id) };
    } catch (error) {
      if (error instanceof DomainError) throw new InvalidCursorError(value);
      throw error;
    }
  },
} as const;
