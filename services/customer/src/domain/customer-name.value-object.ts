import { InvalidNameError } from './customer.errors';

export const MAX_NAME_LENGTH = 200;
// Control characters (newlines, NUL…) would break logs, exports and the name printed on gateway invoices.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Optional display name. undefined / null mean "no name"; a given name is trimmed and must keep at least one
 * character (an empty string is refused rather than guessed: to clear a name, send null). Length counts code points.
 */
export const CustomerName = {
  ofOptional(value: unknown): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new InvalidNameError(value, 'must be a string or null');
    const name = value.trim();
    if (name === '') throw new InvalidNameError(value, 'must not be blank (send null to clear it)');
    if ([...name].length > MAX_NAME_LENGTH) throw new InvalidNameError(value, `must be at most ${MAX_NAME_LENGTH} characters`);
    if (CONTROL.test(name)) throw new InvalidNameError(value, 'must not contain control characters');
    return name;
  },
} as const;
