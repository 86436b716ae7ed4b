import { InvalidDisputeStatusError } from './credit-account.errors';

/** What credit remembers of a payment dispute: seen opened, or closed one way or the other. */
export type DisputeState = 'open' | 'won' | 'lost';
export type DisputeOutcome = 'won' | 'lost';

/**
 * A closed Stripe dispute's status as credit acts on it: `won`, and `warning_closed` (an inquiry that ended without
 * a chargeback), leave the money with us; `lost` does not.
 */
export function disputeOutcome(status: unknown): DisputeOutcome {
  if (status === 'won' || status === 'warning_closed') return 'won';
  if (status === 'lost') return 'lost';
  throw new InvalidDisputeStatusError(status);
}

export interface DisputeDecision {
  /** Revoke what is unspent of the disputed payment's grant. */
  readonly revoke: boolean;
  /** Grant back what the dispute's revocation took. */
  readonly restore: boolean;
  readonly next: DisputeState;
}

/**
 * The opening of a dispute revokes the grant, unless the dispute is already known: opened (a repeat) or closed (the
 * closing overtook it; a lost one was revoked then, a won one must end with nothing revoked).
 */
export function onDisputeOpened(state: DisputeState | null): DisputeDecision {
  if (state === null) return { revoke: true, restore: false, next: 'open' };
  return { revoke: false, restore: false, next: state };
}

/**
 * The closing: won restores what the opening revoked, lost keeps it revoked. Closed before it was seen opened: won
 * does nothing (nothing was revoked), lost revokes as the opening would have. A second closing changes nothing.
 */
export function onDisputeClosed(state: DisputeState | null, outcome: DisputeOutcome): DisputeDecision {
  if (state === 'won' || state === 'lost') return { revoke: false, restore: false, next: state };
  if (outcome === 'won') return { revoke: false, restore: state === 'open', next: 'won' };
  return { revoke: state === null, restore: false, next: 'lost' };
}
