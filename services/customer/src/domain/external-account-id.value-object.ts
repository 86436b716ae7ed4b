import { InvalidExternalAccountIdError } from './customer.errors';

export const MAX_EXTERNAL_ACCOUNT_ID_LENGTH = 128;
const ALLOWED = /^[A-Za-z0-9._:-]+$/;

/** The platform's own account id. Case-sensitive (it is someone else's identifier); only surrounding blanks are trimmed. */
export const ExternalAccountId = {
  of(value: unknown): string {
    if (typeof value !== 'string') throw new InvalidExternalAccountIdError(value, 'is required');
    const trimmed = value.trim();
    if (trimmed.length === 0) throw new InvalidExternalAccountIdError(value, 'is required');
    if (trimmed.length > MAX_EXTERNAL_ACCOUNT_ID_LENGTH) {
      throw new InvalidExternalAccountIdError(value, `must be at most ${MAX_EXTERNAL_ACCOUNT_ID_LENGTH} characters`);
    }
    if (!ALLOWED.test(trimmed)) throw new InvalidExternalAccountIdError(value, 'may contain only A-Z a-z 0-9 . _ : -');
    return trimmed;
  },
} as const;
