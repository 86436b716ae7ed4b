import type { AccountCommandResult } from '../domain/credit-account.decide';
import type { GrantSource } from '../domain/grant-source.value-object';
import type { AccountCommandBus, RequestContext } from './ports/account-command-bus.port';
import type { PendingAdjustments } from './ports/pending-adjustments.port';

export type RevokeResult = { revoked: Extract<AccountCommandResult, { type: 'Revoke' }> } | { remembered: true };

/** Revokes what is unspent of a source's grant; a grant that has not arrived yet gets the revocation when it comes. */
export async function revokeOrRemember(
  deps: { bus: AccountCommandBus; pending: PendingAdjustments },
  customerId: string,
  source: GrantSource,
  context: RequestContext,
): Promise<RevokeResult> {
  const outcome = await deps.bus.submit(customerId, { type: 'Revoke', source }, context, { openIfMissing: true });
  if (outcome.ok) return { revoked: outcome.result as Extract<AccountCommandResult, { type: 'Revoke' }> };
  if (outcome.error.code !== 'GRANT_NOT_FOUND') throw outcome.error;
  await deps.pending.rememberRevocation(customerId, source);
  return { remembered: true };
}
