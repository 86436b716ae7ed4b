import { InvalidCustomerIdError } from './customer.errors';

// Any RFC 9562 layout (version and variant are not checked): ids come from our IdGenerator or from callers quoting them.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CustomerId = {
  /** Validates and lower-cases, the form PostgreSQL's uuid type returns, so lookups match however a caller spells it. */
  of(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new InvalidCustomerIdError(value);
    return value.toLowerCase();
  },
} as const;
