import { InvariantViolationError } from './credit-account.errors';
import { copyDate, copyOptionalDate } from '@billing/platform/domain';
import type { GrantSource } from './grant-source.value-object';

export type GrantStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

/**
 * A grant's persisted state. Conservation: amount = remaining + consumed + expiredAmount + revokedAmount.
 * `held` is the part of `remaining` earmarked by active holds (0 ≤ held ≤ remaining ≤ amount).
 */
export interface GrantState {
  grantId: string;
  amount: number;
  source: GrantSource;
  /** Lower burns first; see burn-order.ts. */
  priority: number;
  grantedAt: Date;
  expiresAt: Date | null;
  remaining: number;
  held: number;
  /** Captured minus refunded: what refunds may still give back. */
  consumed: number;
  expiredAmount: number;
  /** Everything revoked: by refunds' clawback (grant stays open) and by a revocation (grant closed). */
  revokedAmount: number;
  /** What refunds of the grant's payment have claimed back so far (≤ amount): revoked by clawback plus shortfall. */
  clawbackClaimed: number;
  /** The part of clawbackClaimed actually revoked; the rest had been spent. */
  clawbackRevoked: number;
  /** When the grant was closed by expiry / revocation; once set, any credits that come back to it are written off. */
  expiredAt: Date | null;
  revokedAt: Date | null;
}

export type WriteOff = { readonly type: 'expire' | 'revoke'; readonly amount: number };

/**
 * One grant inside a CreditAccount. It guards its own arithmetic; the aggregate decides which grant to touch and
 * writes the ledger entries. Guard failures here are bugs (the aggregate checks first), hence InvariantViolationError.
 */
export class Grant {
  private constructor(
    private readonly state: GrantState,
    /** Whether anything changed since issue or reconstitute: what the repository writes back. */
    private changed: boolean,
  ) {}

  static issue(input: {
    grantId: string;
    amount: number;
    source: GrantSource;
    priority: number;
    grantedAt: Date;
    expiresAt: Date | null;
  }): Grant {
    return new Grant({
      grantId: input.grantId,
      amount: input.amount,
      source: { ...input.source },
      priority: input.priority,
      grantedAt: copyDate(input.grantedAt),
      expiresAt: copyOptionalDate(input.expiresAt),
      remaining: input.amount,
      held: 0,
      consumed: 0,
      expiredAmount: 0,
      revokedAmount: 0,
      clawbackClaimed: 0,
      clawbackRevoked: 0,
      expiredAt: null,
      revokedAt: null,
    }, true);
  }

  static reconstitute(state: GrantState): Grant {
    return new Grant(copyGrantState(state), false);
  }

  get grantId(): string {
    return this.state.grantId;
  }
  get amount(): number {
    return this.state.amount;
  }
  get source(): GrantSource {
    return this.state.source;
  }
  get priority(): number {
    return this.state.priority;
  }
  get grantedAt(): Date {
    return this.state.grantedAt;
  }
  get expiresAt(): Date | null {
    return this.state.expiresAt;
  }
  get remaining(): number {
    return this.state.remaining;
  }
  get held(): number {
    return this.state.held;
  }
  /** What a new hold could take, if the grant is open. */
  get unheld(): number {
    return this.state.remaining - this.state.held;
  }
  get isRevoked(): boolean {
    return this.state.revokedAt !== null;
  }
  /** Open = may back new holds. A closed grant keeps only the part still held, which may yet be captured. */
  get isOpen(): boolean {
    return this.state.expiredAt === null && this.state.revokedAt === null;
  }
  get isChanged(): boolean {
    return this.changed;
  }
  get status(): GrantStatus {
    if (this.state.revokedAt !== null) return 'REVOKED';
    return this.state.expiredAt !== null ? 'EXPIRED' : 'ACTIVE';
  }

  isDueToExpire(now: Date): boolean {
    return this.isOpen && this.state.expiresAt !== null && this.state.expiresAt.getTime() <= now.getTime();
  }

  earmark(amount: number): void {
    this.check(amount <= this.unheld && this.isOpen, `earmark ${amount} exceeds unheld ${this.unheld}`);
    this.changed = true;
    this.state.held += amount;
  }

  releaseEarmark(amount: number): void {
    this.check(amount <= this.state.held, `release ${amount} exceeds held ${this.state.held}`);
    this.changed = true;
    this.state.held -= amount;
  }

  consume(amount: number): void {
    this.check(amount <= this.state.held, `capture ${amount} exceeds held ${this.state.held}`);
    this.changed = true;
    this.state.held -= amount;
    this.state.remaining -= amount;
    this.state.consumed += amount;
  }

  restore(amount: number): void {
    this.check(amount <= this.state.consumed, `refund ${amount} exceeds consumed ${this.state.consumed}`);
    this.changed = true;
    this.state.consumed -= amount;
    this.state.remaining += amount;
  }

  /** Closes the grant by expiry and removes its unheld part; returns the amount expired (may be 0). */
  expire(now: Date): number {
    this.changed = true;
    this.state.expiredAt ??= copyDate(now);
    return this.dropUnheld('expire');
  }

  /** Closes the grant by revocation and removes its unheld part; returns the amount revoked (may be 0). */
  revoke(now: Date): number {
    this.changed = true;
    this.state.revokedAt ??= copyDate(now);
    return this.dropUnheld('revoke');
  }

  /**
   * Raises what refunds claim back to `target` (never lowers it: a late or repeated refund event claims nothing) and
   * revokes the newly claimed part from what is unheld. Held credits count as in use: a hold is about to be spent.
   */
  clawBack(target: number): { claimed: number; revoked: number } {
    this.check(target <= this.state.amount, `clawback target ${target} exceeds amount ${this.state.amount}`);
    const claimed = Math.max(0, target - this.state.clawbackClaimed);
    const revoked = Math.min(claimed, this.unheld);
    this.changed = true;
    this.state.clawbackClaimed += claimed;
    this.state.clawbackRevoked += revoked;
    this.state.remaining -= revoked;
    this.state.revokedAmount += revoked;
    return { claimed, revoked };
  }

  /**
   * Credits that come back to a closed grant (a released hold, a refund) must not become spendable again: they are
   * written off at once, as a revocation if the grant was revoked (revocation wins), else as an expiry.
   */
  writeOffIfClosed(): WriteOff | null {
    if (this.isOpen) return null;
    const type = this.isRevoked ? 'revoke' : 'expire';
    const amount = this.dropUnheld(type);
    return amount > 0 ? { type, amount } : null;
  }

  toState(): GrantState {
    return copyGrantState(this.state);
  }

  private dropUnheld(type: 'expire' | 'revoke'): number {
    const amount = this.unheld;
    this.changed = true;
    this.state.remaining -= amount;
    if (type === 'expire') this.state.expiredAmount += amount;
    else this.state.revokedAmount += amount;
    return amount;
  }

  private check(condition: boolean, message: string): void {
    if (!condition) throw new InvariantViolationError([`grant ${this.state.grantId}: ${message}`]);
  }
}

export function copyGrantState(state: GrantState): GrantState {
  return {
    ...state,
    source: { ...state.source },
    grantedAt: copyDate(state.grantedAt),
    expiresAt: copyOptionalDate(state.expiresAt),
    expiredAt: copyOptionalDate(state.expiredAt),
    revokedAt: copyOptionalDate(state.revokedAt),
  };
}
