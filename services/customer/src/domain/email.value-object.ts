import { InvalidEmailError } from './customer.errors';

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
// Dot-atom local part (RFC 5322 without quoted strings or comments) and a host name with at least two labels.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Trimmed and lower-cased (so the same mailbox is one value everywhere), then checked against the common,
 * deliverable subset of RFC 5321/5322: no quoted local parts, IP-literal domains or raw non-ASCII (IDNs arrive as
 * punycode).
 */
export const Email = {
  of(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') throw new InvalidEmailError(value, 'is required');
    const email = value.trim().toLowerCase();
    if (email.length > MAX_EMAIL_LENGTH) throw new InvalidEmailError(value, `must be at most ${MAX_EMAIL_LENGTH} characters`);
    const at = email.lastIndexOf('@');
    const local = email.slice(0, at);
    const domain = email.slice(at + 1);
    if (at <= 0 || local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) {
      throw new InvalidEmailError(value, 'is not a valid address');
    }
    return email;
  },
} as const;
