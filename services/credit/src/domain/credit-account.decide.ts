import { type CreditAccount, DEFAULT_GRANT_PRIORITY } from './credit-account.aggregate';
import { DomainError, GrantAlreadyRevokedError, GrantNotFoundError, IdempotencyKeyReusedError } from './credit-account.errors';
import { GrantSource } from './grant-source.value-object';
import type { ReservationState } from './reservation.entity';

/**
 * What can be asked of one account. Commands on one account are applied in order inside one locked transaction.
 * Capture and Release carry the caller's idempotency key: the reservation remembers the key that resolved it.
 */
export type AccountCommand =
  | { type: 'Open' }
  | { type: 'Grant'; grantId: string; amount: number; source: GrantSource; expiresAt: Date | null; priority?: number; reason?: string | null }
  | { type: 'Reserve'; reservationId: string; amount: number; ttlMs: number }
  | { type: 'Capture'; reservationId: string; amount: number; idempotencyKey: string }
  | { type: 'Release'; reservationId: string; idempotencyKey: string }
  | { type: 'Refund'; reservationId: string; amount: number }
  | { type: 'Revoke'; source: GrantSource }
  /** A person revoking a grant by id (the console): unlike a refund's Revoke, a second one is refused. */
  | { type: 'RevokeGrant'; grantId: string; reason: string }
  | { type: 'ClawBack'; source: GrantSource; paymentAmount: number; totalRefunded: number }
  | { type: 'RestoreDisputed'; source: GrantSource; disputeId: string; restoreGrantId: string }
  | { type: 'SetLowBalanceThreshold'; threshold: number | null }
  | { type: 'AdoptLowBalanceThreshold'; threshold: number }
  | { type: 'Expire' };

export type AccountCommandResult =
  | { type: 'Open'; accountId: string }
  | { type: 'Grant'; grantId: string; created: boolean }
  | { type: 'Reserve'; reservation: ReservationState; replayed: boolean; availableAfter: number }
  | { type: 'Capture'; reservationId: string; captured: number; released: number; replayed: boolean }
  | { type: 'Release'; reservationId: string; released: number; replayed: boolean }
  | { type: 'Refund'; reservationId: string; refunded: number }
  | { type: 'Revoke'; grantId: string; revoked: number }
  | { type: 'RevokeGrant'; grantId: string; revoked: number }
  | { type: 'ClawBack'; grantId: string; claimed: number; revoked: number; shortfall: number }
  | { type: 'RestoreDisputed'; grantId: string | null; restored: number }
  | { type: 'SetLowBalanceThreshold'; lowBalanceThreshold: number | null; available: number }
  | { type: 'AdoptLowBalanceThreshold'; adopted: boolean }
  | { type: 'Expire'; expiredGrants: number; expiredReservations: number };

export type AccountCommandOutcome = { ok: true; result: AccountCommandResult } | { ok: false; error: DomainError };

/** Events name a grant by its source; the account knows which of its grants that is. */
function grantOf(account: CreditAccount, source: GrantSource): string {
  const grant = account.findGrantBySource(source);
  if (grant === undefined) throw new GrantNotFoundError(GrantSource.key(source));
  return grant.grantId;
}

const capturedOf = (reservation: ReservationState) => reservation.allocations.reduce((sum, allocation) => sum + allocation.captured, 0);

/**
 * The account's decision on one command (emmett's `decide`): infrastructure loads the account, calls this, and
 * persists what the account then holds. Replays are answered from the account's state: a reserve whose reservation
 * exists (its id derives from the idempotency key), a capture or release under the key that resolved the reservation.
 * The same key with another request is IDEMPOTENCY_KEY_REUSED; a reservation resolved under another key is
 * RESERVATION_ALREADY_RESOLVED (RESERVATION_EXPIRED once its hold expired). A domain refusal is this command's outcome
 * only; it never aborts the others in the batch. `actor` (who asked, if anyone said) and the command's reason are
 * stamped on the ledger entries the command writes.
 */
export function decide(account: CreditAccount, command: AccountCommand, now: Date, actor: string | null = null): AccountCommandOutcome {
  const reason = 'reason' in command ? (command.reason ?? null) : null;
  try {
    return { ok: true, result: account.noted({ reason, actor }, () => apply(account, command, now)) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

function apply(account: CreditAccount, command: AccountCommand, now: Date): AccountCommandResult {
  switch (command.type) {
    case 'Open':
      return { type: 'Open', accountId: account.accountId };
    case 'Grant': {
      const { created, grant } = account.grant({ ...command, priority: command.priority ?? DEFAULT_GRANT_PRIORITY, now });
      return { type: 'Grant', grantId: grant.grantId, created };
    }
    case 'Reserve': {
      const existing = account.findReservation(command.reservationId);
      if (existing) {
        if (existing.amount !== command.amount) throw new IdempotencyKeyReusedError(`reserved ${command.reservationId} with a different amount`);
        return { type: 'Reserve', reservation: existing, replayed: true, availableAfter: account.available };
      }
      const reservation = account.reserve({ ...command, now });
      return { type: 'Reserve', reservation, replayed: false, availableAfter: account.available };
    }
    case 'Capture': {
      const existing = account.findReservation(command.reservationId);
      if (existing !== undefined && existing.resolutionKey === command.idempotencyKey) {
        if (existing.status !== 'CAPTURED' || capturedOf(existing) !== command.amount) {
          throw new IdempotencyKeyReusedError(`resolved ${command.reservationId} (${existing.status}) with another request`);
        }
        return { type: 'Capture', reservationId: command.reservationId, captured: command.amount, released: existing.amount - command.amount, replayed: true };
      }
      const { captured, released } = account.capture({ ...command, now });
      return { type: 'Capture', reservationId: command.reservationId, captured, released, replayed: false };
    }
    case 'Release': {
      const existing = account.findReservation(command.reservationId);
      if (existing !== undefined && existing.resolutionKey === command.idempotencyKey) {
        if (existing.status !== 'RELEASED') throw new IdempotencyKeyReusedError(`resolved ${command.reservationId} (${existing.status}) with another request`);
        return { type: 'Release', reservationId: command.reservationId, released: existing.amount, replayed: true };
      }
      const { released } = account.release({ ...command, now });
      return { type: 'Release', reservationId: command.reservationId, released, replayed: false };
    }
    case 'Refund': {
      const { refunded } = account.refundCapture({ ...command, now });
      return { type: 'Refund', reservationId: command.reservationId, refunded };
    }
    case 'Revoke': {
      const grantId = grantOf(account, command.source);
      const { revoked } = account.revokeGrant({ grantId, now });
      return { type: 'Revoke', grantId, revoked };
    }
    case 'RevokeGrant': {
      const grant = account.findGrant(command.grantId);
      if (grant === undefined) throw new GrantNotFoundError(command.grantId);
      if (grant.revokedAt !== null) throw new GrantAlreadyRevokedError(command.grantId);
      const { revoked } = account.revokeGrant({ grantId: command.grantId, now });
      return { type: 'RevokeGrant', grantId: command.grantId, revoked };
    }
    case 'ClawBack': {
      const grantId = grantOf(account, command.source);
      return { type: 'ClawBack', grantId, ...account.clawBack({ grantId, paymentAmount: command.paymentAmount, totalRefunded: command.totalRefunded, now }) };
    }
    case 'RestoreDisputed': {
      const outcome = account.restoreRevoked({ grantId: grantOf(account, command.source), restoreGrantId: command.restoreGrantId, disputeId: command.disputeId, now });
      return { type: 'RestoreDisputed', grantId: outcome?.grant.grantId ?? null, restored: outcome?.created ? outcome.grant.amount : 0 };
    }
    case 'SetLowBalanceThreshold':
      account.changeLowBalanceThreshold({ threshold: command.threshold, now });
      return { type: 'SetLowBalanceThreshold', lowBalanceThreshold: command.threshold, available: account.available };
    case 'AdoptLowBalanceThreshold':
      return { type: 'AdoptLowBalanceThreshold', adopted: account.adoptLowBalanceThreshold({ threshold: command.threshold, now }) };
    case 'Expire': {
      const { reservations, grants } = account.expireDue(now);
      return { type: 'Expire', expiredGrants: grants.length, expiredReservations: reservations.length };
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown account command ${JSON.stringify(unknown)}`);
    }
  }
}
