import { InvalidRequestError } from './credit.errors';

export const MAX_REASON_LENGTH = 500;

/** Why a person moved credits (a goodwill grant, a revoke): shown in the ledger, so never blank. */
export function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_REASON_LENGTH) {
    throw new InvalidRequestError(`reason must be 1..${MAX_REASON_LENGTH} characters`);
  }
  return reason;
}
