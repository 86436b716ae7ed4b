import type { BalanceView } from './balance-view';
import { sortInBurnOrder } from './burn-order';
import type {
  AdoptLowBalanceThreshold,
  CaptureReservation,
  ChangeLowBalanceThreshold,
  ClawBackGrant,
  GrantCredits,
  OpenCreditAccount,
  RefundCapture,
  ReleaseReservation,
  ReserveCredits,
  RestoreRevokedCredits,
  RevokeGrant,
} from './credit-account.commands';
import {
  GrantAlreadyExistsError,
  GrantNotFoundError,
  InsufficientCreditsError,
  InvalidPriorityError,
  InvariantViolationError,
  ReservationAlreadyExistsError,
  ReservationNotFoundError,
} from './credit-account.errors';
import { findInvariantViolations } from './credit-account.invariants';
import type { CreditAccountState } from './credit-account.state';
import { clawbackTarget } from './clawback';
import { CreditAmount } from './credit-amount.value-object';
import { copyDate, copyOptionalDate, requireDate, requireId } from '@billing/platform/domain';
import type { CreditAccountEvent, CreditAccountEventBase } from './events/credit-account.domain-event';
import { Grant, type GrantState } from './grant.entity';
import { GrantSource } from './grant-source.value-object';
import {
  EMPTY_LEDGER_TOTALS,
  type LedgerEntry,
  type LedgerEntryType,
  type LedgerExpiry,
  type LedgerNote,
  type LedgerTotals,
  ledgerDeltas,
  NO_LEDGER_NOTE,
  sumLedger,
} from './ledger-entry';
import type { IdGenerator } from './id-generator.port';
import { evaluateLowBalance, isArmed } from './low-balance-alarm';
import { type GrantPart, Reservation, type ReservationState } from './reservation.entity';
import { ReservationTtl } from './reservation-ttl.value-object';

/** Priority of a grant whose issuer gives none; issuers pick lower numbers to burn earlier. */
export const DEFAULT_GRANT_PRIORITY = 100;

export interface GrantOutcome {
  readonly grant: GrantState;
  /** false when the source was already granted: the existing grant is returned and nothing is recorded. */
  readonly created: boolean;
}
export interface CaptureOutcome {
  readonly captured: number;
  readonly released: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<CreditAccountEvent, keyof CreditAccountEventBase>;

/**
 * A customer's prepaid credits: grants (where credits come from), reservations (holds on them) and the append-only
 * ledger of every movement. All arithmetic is on whole credits.
 *
 * Every command takes `now`. It first applies what time has already decided (holds past their TTL expire, grants
 * past their expiresAt expire), then validates and acts. Input errors (bad amount, TTL, id, date) are thrown before
 * anything changes; a business error (insufficient credits, already resolved…) leaves only those time-driven changes,
 * which are true regardless and may be saved or dropped. Events are recorded, never published: the repository pulls
 * them into the outbox in the transaction that saves the state.
 */
export class CreditAccount {
  private readonly grants = new Map<string, Grant>();
  private readonly grantIdsBySource = new Map<string, string>();
  private readonly reservations = new Map<string, Reservation>();
  private readonly ledger: LedgerEntry[];
  private readonly ledgerBase: LedgerTotals;
  private totals: LedgerTotals;
  private lowBalanceThreshold: number | null;
  private lowBalanceArmed: boolean;
  private lowBalanceAlerted: boolean;
  private events: CreditAccountEvent[] = [];
  private note: LedgerNote = NO_LEDGER_NOTE;

  private constructor(
    private readonly identity: Pick<CreditAccountState, 'accountId' | 'customerId' | 'openedAt'>,
    rest: Omit<CreditAccountState, 'accountId' | 'customerId' | 'openedAt'>,
    private readonly ids: IdGenerator,
  ) {
    for (const grantState of rest.grants) {
      const grant = Grant.reconstitute(grantState);
      this.grants.set(grant.grantId, grant);
      this.grantIdsBySource.set(GrantSource.key(grant.source), grant.grantId);
    }
    for (const reservationState of rest.reservations) {
      const reservation = Reservation.reconstitute(reservationState);
      this.reservations.set(reservation.reservationId, reservation);
    }
    this.ledger = rest.ledger.map(copyEntry);
    this.ledgerBase = { ...rest.ledgerBase };
    this.totals = sumLedger(this.ledgerBase, this.ledger);
    this.lowBalanceThreshold = rest.lowBalanceThreshold;
    this.lowBalanceArmed = rest.lowBalanceArmed;
    this.lowBalanceAlerted = rest.lowBalanceAlerted;
  }

  /** Opens an empty account; records CreditAccountOpened. */
  static create(command: OpenCreditAccount, ids: IdGenerator): CreditAccount {
    const accountId = requireId(command.accountId, 'accountId');
    const customerId = requireId(command.customerId, 'customerId');
    const now = requireDate(command.now, 'now');
    const threshold = command.lowBalanceThreshold == null ? null : CreditAmount.of(command.lowBalanceThreshold, 'lowBalanceThreshold');
    const account = new CreditAccount(
      { accountId, customerId, openedAt: copyDate(now) },
      { lowBalanceThreshold: threshold, lowBalanceArmed: isArmed(threshold, 0), lowBalanceAlerted: false, grants: [], reservations: [], ledgerBase: EMPTY_LEDGER_TOTALS, ledger: [] },
      ids,
    );
    account.record({ type: 'CreditAccountOpened', lowBalanceThreshold: threshold }, now);
    return account;
  }

  /** Rebuilds from stored state without recording anything; refuses state that breaks an invariant. */
  static reconstitute(state: CreditAccountState, ids: IdGenerator): CreditAccount {
    const violations = findInvariantViolations(state);
    if (violations.length > 0) throw new InvariantViolationError(violations);
    const { accountId, customerId, openedAt, ...rest } = state;
    return new CreditAccount({ accountId, customerId, openedAt: copyDate(openedAt) }, rest, ids);
  }

  get accountId(): string {
    return this.identity.accountId;
  }
  get customerId(): string {
    return this.identity.customerId;
  }
  /** Σ ledger balanceDelta = Σ grant.remaining. */
  get balance(): number {
    return this.totals.balance;
  }
  /** Σ ledger heldDelta = Σ active holds. */
  get held(): number {
    return this.totals.held;
  }
  get available(): number {
    return this.totals.balance - this.totals.held;
  }
  /** The sequence of the last ledger entry; the repository inserts the entries after the sequence it loaded. */
  get ledgerSequence(): number {
    return this.totals.sequence;
  }

  /**
   * Runs one command with who asked for it and why stamped on the ledger entries it writes. What time decides first
   * (due holds and grants expiring) is not the asker's doing and stays unstamped.
   */
  noted<T>(note: LedgerNote, act: () => T): T {
    this.note = { reason: note.reason, actor: note.actor };
    try {
      return act();
    } finally {
      this.note = NO_LEDGER_NOTE;
    }
  }

  /** Adds credits. Granting a source (type, id, period) again is a no-op that returns the existing grant. */
  grant(command: GrantCredits): GrantOutcome {
    const now = requireDate(command.now, 'now');
    const grantId = requireId(command.grantId, 'grantId');
    const amount = CreditAmount.of(command.amount);
    const source = GrantSource.of(command.source);
    const expiresAt = command.expiresAt == null ? null : requireDate(command.expiresAt, 'expiresAt');
    const priority = command.priority ?? DEFAULT_GRANT_PRIORITY;
    if (!Number.isSafeInteger(priority)) throw new InvalidPriorityError(priority);
    return this.run(now, () => {
      const existingId = this.grantIdsBySource.get(GrantSource.key(source));
      if (existingId !== undefined) return { grant: this.requireGrant(existingId).toState(), created: false };
      if (this.grants.has(grantId)) throw new GrantAlreadyExistsError(grantId);
      const grant = Grant.issue({ grantId, amount, source, priority, grantedAt: now, expiresAt });
      this.grants.set(grantId, grant);
      this.grantIdsBySource.set(GrantSource.key(source), grantId);
      this.append('grant', grantId, null, amount, now);
      this.record({ type: 'CreditsGranted', grantId, amount, source: { ...source }, expiresAt: copyOptionalDate(grant.expiresAt), priority }, now);
      // A late delivery (e.g. a period grant after the period ended) is still recorded, then expires at once.
      if (grant.isDueToExpire(now)) this.expireGrant(grant, now);
      return { grant: grant.toState(), created: true };
    });
  }

  /** Holds `amount` credits for ttlMs, earmarked on grants in burn order. */
  reserve(command: ReserveCredits): ReservationState {
    const now = requireDate(command.now, 'now');
    const reservationId = requireId(command.reservationId, 'reservationId');
    const amount = CreditAmount.of(command.amount);
    const ttlMs = ReservationTtl.of(command.ttlMs);
    return this.run(now, () => {
      if (this.reservations.has(reservationId)) throw new ReservationAlreadyExistsError(reservationId);
      if (this.available < amount) throw new InsufficientCreditsError(amount, this.available);
      const allocations: GrantPart[] = [];
      let left: number = amount;
      for (const grant of sortInBurnOrder([...this.grants.values()].filter((candidate) => candidate.isOpen && candidate.unheld > 0))) {
        if (left === 0) break;
        const take = Math.min(grant.unheld, left);
        left -= take;
        grant.earmark(take);
        allocations.push({ grantId: grant.grantId, amount: take });
      }
      if (left > 0) throw new InvariantViolationError([`available ${this.available} not backed by open grants`]);
      const reservation = Reservation.hold({ reservationId, reservedAt: now, expiresAt: new Date(now.getTime() + ttlMs), allocations });
      this.reservations.set(reservationId, reservation);
      for (const part of allocations) this.append('hold', part.grantId, reservationId, part.amount, now);
      this.record({ type: 'CreditsReserved', reservationId, amount, expiresAt: copyDate(reservation.expiresAt) }, now);
      return reservation.toState();
    });
  }

  /** Consumes `amount` (1..held) in burn order and releases the rest of the hold. */
  capture(command: CaptureReservation): CaptureOutcome {
    const now = requireDate(command.now, 'now');
    const reservationId = requireId(command.reservationId, 'reservationId');
    const amount = CreditAmount.of(command.amount);
    const key = requireId(command.idempotencyKey, 'idempotencyKey');
    return this.run(now, () => {
      const reservation = this.requireReservation(reservationId);
      const { consumed, released } = reservation.capture(amount, now, key);
      for (const part of consumed) {
        this.requireGrant(part.grantId).consume(part.amount);
        this.append('capture', part.grantId, reservationId, part.amount, now);
      }
      const releasedTotal = this.releaseParts('release', reservationId, released, now);
      this.record({ type: 'ReservationCaptured', reservationId, captured: amount, released: releasedTotal }, now);
      this.writeOffClosedGrants(reservationId, released, now);
      return { captured: amount, released: releasedTotal };
    });
  }

  /** Gives the whole hold back. */
  release(command: ReleaseReservation): { released: number } {
    const now = requireDate(command.now, 'now');
    const reservationId = requireId(command.reservationId, 'reservationId');
    const key = requireId(command.idempotencyKey, 'idempotencyKey');
    return this.run(now, () => {
      const reservation = this.requireReservation(reservationId);
      const parts = reservation.release(now, key);
      const released = this.releaseParts('release', reservationId, parts, now);
      this.record({ type: 'ReservationReleased', reservationId, released }, now);
      this.writeOffClosedGrants(reservationId, parts, now);
      return { released };
    });
  }

  /** Returns captured credits to the grants that paid, in reverse burn order. */
  refundCapture(command: RefundCapture): { refunded: number; grants: GrantPart[] } {
    const now = requireDate(command.now, 'now');
    const reservationId = requireId(command.reservationId, 'reservationId');
    const amount = CreditAmount.of(command.amount);
    return this.run(now, () => {
      const parts = this.requireReservation(reservationId).refund(amount);
      for (const part of parts) {
        this.requireGrant(part.grantId).restore(part.amount);
        this.append('refund', part.grantId, reservationId, part.amount, now);
      }
      this.record({ type: 'CreditsRefunded', reservationId, amount, grants: parts.map((part) => ({ ...part })) }, now);
      this.writeOffClosedGrants(reservationId, parts, now);
      return { refunded: amount, grants: parts };
    });
  }

  /**
   * Revokes what is still unspent and unheld of a grant (e.g. its payment was refunded). Held credits stay capturable;
   * whatever of them is released later is revoked then. Revoking a revoked grant returns 0 and records nothing.
   */
  revokeGrant(command: RevokeGrant): { revoked: number } {
    const now = requireDate(command.now, 'now');
    const grantId = requireId(command.grantId, 'grantId');
    return this.run(now, () => {
      const grant = this.requireGrant(grantId);
      if (grant.isRevoked) return { revoked: 0 };
      const revoked = grant.revoke(now);
      if (revoked > 0) {
        this.append('revoke', grantId, null, revoked, now);
        this.record({ type: 'CreditsRevoked', grantId, amount: revoked, reason: this.note.reason }, now);
      }
      return { revoked };
    });
  }

  /**
   * Gives back what a revocation took from a grant (a dispute the merchant won), as a new grant sourced from the
   * dispute with the original's expiry and priority: if that expiry has passed, the new grant is recorded and expires at
   * once, as the credits would have. What refunds clawed back stays revoked. Idempotent through the new grant's source.
   */
  restoreRevoked(command: RestoreRevokedCredits): GrantOutcome | null {
    const now = requireDate(command.now, 'now');
    const original = this.requireGrant(requireId(command.grantId, 'grantId')).toState();
    const amount = original.revokedAmount - original.clawbackRevoked;
    if (amount === 0) return null;
    return this.grant({
      grantId: command.restoreGrantId,
      amount,
      source: GrantSource.of({ type: 'DISPUTE_REVERSAL', id: command.disputeId }),
      expiresAt: original.expiresAt,
      priority: original.priority,
      now,
    });
  }

  /**
   * Takes back, from a grant whose payment was refunded (in part), the share the refunds claim: floor(amount × total
   * refunded / payment amount), cumulatively. Only what is unspent and unheld is revoked; the rest of the claim is a
   * shortfall, recorded (ledger note and CreditsClawbackShortfall) but not taken. The grant stays open.
   */
  clawBack(command: ClawBackGrant): { claimed: number; revoked: number; shortfall: number } {
    const now = requireDate(command.now, 'now');
    const grantId = requireId(command.grantId, 'grantId');
    return this.run(now, () => {
      const grant = this.requireGrant(grantId);
      const target = clawbackTarget({ granted: grant.amount, paymentAmount: command.paymentAmount, totalRefunded: command.totalRefunded });
      const { claimed, revoked } = grant.clawBack(target);
      const shortfall = claimed - revoked;
      if (revoked > 0) {
        this.append('revoke', grantId, null, revoked, now);
        this.record({ type: 'CreditsRevoked', grantId, amount: revoked, reason: null }, now);
      }
      if (shortfall > 0) {
        this.append('shortfall', grantId, null, shortfall, now);
        this.record({ type: 'CreditsClawbackShortfall', grantId, claimed, revoked, shortfall }, now);
      }
      return { claimed, revoked, shortfall };
    });
  }

  /**
   * Expires every open grant whose expiresAt ≤ now: its unheld credits go now; held ones stay capturable and expire
   * when released. Returns the grants closed by this call with the credits expired now (0 when all were held/spent).
   */
  expireGrants(now: Date): GrantPart[] {
    requireDate(now, 'now');
    const expired = this.expireDueGrants(now);
    this.checkLowBalance(now);
    return expired;
  }

  /**
   * What time has decided by `now`, as one moment (as every command applies it first): holds past their TTL expire, then
   * grants past their expiry, and the low-balance alarm looks once at the result — not at the moment between the two,
   * which no command could have seen.
   */
  expireDue(now: Date): { reservations: string[]; grants: GrantPart[] } {
    requireDate(now, 'now');
    const reservations = this.expireDueReservations(now);
    const grants = this.expireDueGrants(now);
    this.checkLowBalance(now);
    return { reservations, grants };
  }

  /** Expires every hold whose expiresAt ≤ now (its credits come back, as 'expire' entries); returns their ids. */
  expireReservations(now: Date): string[] {
    requireDate(now, 'now');
    const expired = this.expireDueReservations(now);
    this.checkLowBalance(now);
    return expired;
  }

  /**
   * null switches alerts off. Re-arms to match the current balance without alerting: a threshold set above what is
   * available alerts on the next downward crossing, not now. An account alerted as low that the new threshold no
   * longer finds low records CreditBalanceRecovered, so Low and Recovered keep alternating.
   */
  changeLowBalanceThreshold(command: ChangeLowBalanceThreshold): void {
    const now = requireDate(command.now, 'now');
    const threshold = command.threshold === null ? null : CreditAmount.of(command.threshold, 'threshold');
    this.run(now, () => this.setLowBalanceThreshold(threshold));
  }

  /** Takes a default threshold if the account has none; returns whether it did. */
  adoptLowBalanceThreshold(command: AdoptLowBalanceThreshold): boolean {
    const now = requireDate(command.now, 'now');
    const threshold = CreditAmount.of(command.threshold, 'threshold');
    return this.run(now, () => {
      if (this.lowBalanceThreshold !== null) return false;
      this.setLowBalanceThreshold(threshold);
      return true;
    });
  }

  balanceView(): BalanceView {
    return {
      accountId: this.accountId,
      customerId: this.customerId,
      balance: this.balance,
      available: this.available,
      held: this.held,
      lowBalanceThreshold: this.lowBalanceThreshold,
      grants: sortInBurnOrder([...this.grants.values()])
        .filter((grant) => grant.remaining > 0)
        .map((grant) => {
          const state = grant.toState();
          return {
            grantId: state.grantId,
            amount: state.amount,
            remaining: state.remaining,
            held: state.held,
            expiresAt: state.expiresAt,
            source: state.source,
            priority: state.priority,
            status: grant.status,
          };
        }),
    };
  }

  findGrant(grantId: string): GrantState | undefined {
    return this.grants.get(grantId)?.toState();
  }

  /** The grant this account made for a source, whatever id it was given (ids were once keyed on the source alone). */
  findGrantBySource(source: GrantSource): GrantState | undefined {
    const grantId = this.grantIdsBySource.get(GrantSource.key(source));
    return grantId === undefined ? undefined : this.findGrant(grantId);
  }

  findReservation(reservationId: string): ReservationState | undefined {
    return this.reservations.get(reservationId)?.toState();
  }

  /** Ledger entries with sequence > afterSequence (all known entries by default), oldest first. */
  ledgerEntries(afterSequence = this.ledgerBase.sequence): LedgerEntry[] {
    return this.ledger.filter((entry) => entry.sequence > afterSequence).map(copyEntry);
  }

  /** Grants issued or changed since create/reconstitute: what a repository writes back, without diffing every grant. */
  changedGrants(): GrantState[] {
    const changed: GrantState[] = [];
    for (const grant of this.grants.values()) if (grant.isChanged) changed.push(grant.toState());
    return changed;
  }

  /** Reservations made or changed since create/reconstitute. */
  changedReservations(): ReservationState[] {
    const changed: ReservationState[] = [];
    for (const reservation of this.reservations.values()) if (reservation.isChanged) changed.push(reservation.toState());
    return changed;
  }

  /** The low-balance alarm's persisted fields. */
  get lowBalance(): Pick<CreditAccountState, 'lowBalanceThreshold' | 'lowBalanceArmed' | 'lowBalanceAlerted'> {
    return { lowBalanceThreshold: this.lowBalanceThreshold, lowBalanceArmed: this.lowBalanceArmed, lowBalanceAlerted: this.lowBalanceAlerted };
  }

  /** Returns the events recorded since the last pull and forgets them. */
  pullEvents(): CreditAccountEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  toState(): CreditAccountState {
    return {
      accountId: this.accountId,
      customerId: this.customerId,
      openedAt: copyDate(this.identity.openedAt),
      lowBalanceThreshold: this.lowBalanceThreshold,
      lowBalanceArmed: this.lowBalanceArmed,
      lowBalanceAlerted: this.lowBalanceAlerted,
      grants: [...this.grants.values()].map((grant) => grant.toState()),
      reservations: [...this.reservations.values()].map((reservation) => reservation.toState()),
      ledgerBase: { ...this.ledgerBase },
      ledger: this.ledger.map(copyEntry),
    };
  }

  /** Throws InvariantViolationError listing every broken rule; see credit-account.invariants.ts. */
  validate(): void {
    const violations = findInvariantViolations(this.toState());
    const summed = sumLedger(this.ledgerBase, this.ledger);
    if (summed.balance !== this.totals.balance || summed.held !== this.totals.held || summed.sequence !== this.totals.sequence) {
      violations.push('running ledger totals drifted from the ledger');
    }
    if (violations.length > 0) throw new InvariantViolationError(violations);
  }

  private run<T>(now: Date, body: () => T): T {
    const note = this.note;
    this.note = NO_LEDGER_NOTE;
    this.expireDueReservations(now);
    this.expireDueGrants(now);
    this.checkLowBalance(now);
    this.note = note;
    const result = body();
    this.checkLowBalance(now);
    return result;
  }

  private expireDueReservations(now: Date): string[] {
    const due = [...this.reservations.values()]
      .filter((reservation) => reservation.isDueToExpire(now))
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.reservationId < b.reservationId ? -1 : 1));
    for (const reservation of due) this.expireReservation(reservation, now);
    return due.map((reservation) => reservation.reservationId);
  }

  private expireDueGrants(now: Date): GrantPart[] {
    const due = sortInBurnOrder([...this.grants.values()].filter((grant) => grant.isDueToExpire(now)));
    return due.map((grant) => ({ grantId: grant.grantId, amount: this.expireGrant(grant, now) }));
  }

  private expireGrant(grant: Grant, now: Date): number {
    const expired = grant.expire(now);
    if (expired > 0) {
      this.append('expire', grant.grantId, null, expired, now);
      this.record({ type: 'CreditsExpired', grantId: grant.grantId, amount: expired }, now);
    }
    return expired;
  }

  private expireReservation(reservation: Reservation, now: Date): void {
    const parts = reservation.expire(now);
    const amount = this.releaseParts('expire', reservation.reservationId, parts, now);
    this.record({ type: 'ReservationExpired', reservationId: reservation.reservationId, amount }, now);
    this.writeOffClosedGrants(reservation.reservationId, parts, now);
  }

  /** Gives held parts back to their grants; the entries say why ('release' on request, 'expire' when the hold timed out). */
  private releaseParts(type: 'release' | 'expire', reservationId: string, parts: readonly GrantPart[], now: Date): number {
    let released = 0;
    for (const part of parts) {
      this.requireGrant(part.grantId).releaseEarmark(part.amount);
      this.append(type, part.grantId, reservationId, part.amount, now, type === 'expire' ? 'hold' : 'grant');
      released += part.amount;
    }
    return released;
  }

  /** Credits that came back to an expired or revoked grant must not become spendable again. */
  private writeOffClosedGrants(reservationId: string, parts: readonly GrantPart[], now: Date): void {
    for (const part of parts) {
      const writeOff = this.requireGrant(part.grantId).writeOffIfClosed();
      if (writeOff === null) continue;
      this.append(writeOff.type, part.grantId, reservationId, writeOff.amount, now);
      if (writeOff.type === 'expire') this.record({ type: 'CreditsExpired', grantId: part.grantId, amount: writeOff.amount }, now);
      else this.record({ type: 'CreditsRevoked', grantId: part.grantId, amount: writeOff.amount, reason: null }, now);
    }
  }

  private checkLowBalance(now: Date): void {
    const { armed, alerted, alert, recovered } = evaluateLowBalance({
      threshold: this.lowBalanceThreshold,
      armed: this.lowBalanceArmed,
      alerted: this.lowBalanceAlerted,
      available: this.available,
    });
    this.lowBalanceArmed = armed;
    this.lowBalanceAlerted = alerted;
    if (this.lowBalanceThreshold === null) return;
    if (alert) this.record({ type: 'CreditBalanceLow', available: this.available, threshold: this.lowBalanceThreshold }, now);
    if (recovered) this.record({ type: 'CreditBalanceRecovered', available: this.available, threshold: this.lowBalanceThreshold }, now);
  }

  /** Arms to the current balance; the check that ends every command then reports a recovery if there is one. */
  private setLowBalanceThreshold(threshold: number | null): void {
    this.lowBalanceThreshold = threshold;
    this.lowBalanceArmed = isArmed(threshold, this.available);
    if (threshold === null) this.lowBalanceAlerted = false;
  }

  private append(type: LedgerEntryType, grantId: string, reservationId: string | null, amount: number, now: Date, expiring: LedgerExpiry = 'grant'): void {
    const { balanceDelta, heldDelta } = ledgerDeltas(type, amount, expiring);
    const sequence = this.totals.sequence + 1;
    this.ledger.push({
      entryId: this.ids.next(),
      accountId: this.accountId,
      sequence,
      type,
      grantId,
      reservationId,
      amount,
      balanceDelta,
      heldDelta,
      occurredAt: copyDate(now),
      reason: this.note.reason,
      actor: this.note.actor,
    });
    this.totals = { sequence, balance: this.totals.balance + balanceDelta, held: this.totals.held + heldDelta };
  }

  private record(body: EventBody, now: Date): void {
    this.events.push({ ...body, accountId: this.accountId, customerId: this.customerId, occurredAt: copyDate(now) } as CreditAccountEvent);
  }

  private requireGrant(grantId: string): Grant {
    const grant = this.grants.get(grantId);
    if (grant === undefined) throw new GrantNotFoundError(grantId);
    return grant;
  }

  private requireReservation(reservationId: string): Reservation {
    const reservation = this.reservations.get(reservationId);
    if (reservation === undefined) throw new ReservationNotFoundError(reservationId);
    return reservation;
  }
}

function copyEntry(entry: LedgerEntry): LedgerEntry {
  return { ...entry, occurredAt: copyDate(entry.occurredAt) };
}
