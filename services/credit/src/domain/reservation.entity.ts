import {
  CaptureExceedsHoldError,
  RefundExceedsCapturedError,
  ReservationAlreadyResolvedError,
  ReservationExpiredError,
  ReservationNotCapturedError,
} from './credit-account.errors';
import { copyDate, copyOptionalDate } from '@billing/platform/domain';

/** HELD resolves exactly once, to CAPTURED, RELEASED or EXPIRED. */
export type ReservationStatus = 'HELD' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';

/** The part of a hold earmarked on one grant, and what later happened to that part. */
export interface AllocationState {
  grantId: string;
  amount: number;
  captured: number;
  refunded: number;
}

export interface ReservationState {
  reservationId: string;
  /** The amount held; while HELD, all of it counts towards the account's held total. */
  amount: number;
  status: ReservationStatus;
  reservedAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
  /** The idempotency key of the capture or release that resolved it: that request again is a replay. null while HELD or EXPIRED. */
  resolutionKey: string | null;
  /** In burn order; capture consumes front to back, refunds give back back to front. */
  allocations: AllocationState[];
}

/** A slice of a reservation on one grant. */
export interface GrantPart {
  readonly grantId: string;
  readonly amount: number;
}

export class Reservation {
  private constructor(
    private readonly state: ReservationState,
    /** Whether anything changed since hold or reconstitute: what the repository writes back. */
    private changed: boolean,
  ) {}

  static hold(input: { reservationId: string; reservedAt: Date; expiresAt: Date; allocations: readonly GrantPart[] }): Reservation {
    const allocations = input.allocations.map((part) => ({ grantId: part.grantId, amount: part.amount, captured: 0, refunded: 0 }));
    return new Reservation({
      reservationId: input.reservationId,
      amount: allocations.reduce((sum, allocation) => sum + allocation.amount, 0),
      status: 'HELD',
      reservedAt: copyDate(input.reservedAt),
      expiresAt: copyDate(input.expiresAt),
      resolvedAt: null,
      resolutionKey: null,
      allocations,
    }, true);
  }

  static reconstitute(state: ReservationState): Reservation {
    return new Reservation(copyReservationState(state), false);
  }

  get reservationId(): string {
    return this.state.reservationId;
  }
  get amount(): number {
    return this.state.amount;
  }
  get status(): ReservationStatus {
    return this.state.status;
  }
  get expiresAt(): Date {
    return this.state.expiresAt;
  }
  get isChanged(): boolean {
    return this.changed;
  }
  get captured(): number {
    return this.state.allocations.reduce((sum, allocation) => sum + allocation.captured, 0);
  }
  get refunded(): number {
    return this.state.allocations.reduce((sum, allocation) => sum + allocation.refunded, 0);
  }

  /** A hold dies at its expiresAt: from that instant it can only expire. */
  isDueToExpire(now: Date): boolean {
    return this.state.status === 'HELD' && this.state.expiresAt.getTime() <= now.getTime();
  }

  /** Splits the hold into what is consumed (front of the burn order) and what is released; nothing changes on error. */
  capture(amount: number, now: Date, key: string): { consumed: GrantPart[]; released: GrantPart[] } {
    this.requireHeld();
    if (amount > this.state.amount) throw new CaptureExceedsHoldError(this.state.reservationId, amount, this.state.amount);
    this.changed = true;
    const consumed: GrantPart[] = [];
    const released: GrantPart[] = [];
    let left = amount;
    for (const allocation of this.state.allocations) {
      const take = Math.min(allocation.amount, left);
      left -= take;
      allocation.captured = take;
      if (take > 0) consumed.push({ grantId: allocation.grantId, amount: take });
      if (allocation.amount > take) released.push({ grantId: allocation.grantId, amount: allocation.amount - take });
    }
    this.resolve('CAPTURED', now, key);
    return { consumed, released };
  }

  /** Gives the whole hold back on request; returns the parts per grant. */
  release(now: Date, key: string): GrantPart[] {
    this.requireHeld();
    this.resolve('RELEASED', now, key);
    return this.parts();
  }

  /** The hold outlived its TTL: it gives its credits back on its own. */
  expire(now: Date): GrantPart[] {
    this.requireHeld();
    this.resolve('EXPIRED', now, null);
    return this.parts();
  }

  /** Gives captured credits back in reverse burn order: the grant that paid last is repaid first. */
  refund(amount: number): GrantPart[] {
    if (this.state.status !== 'CAPTURED') throw new ReservationNotCapturedError(this.state.reservationId, this.state.status);
    const refundable = this.captured - this.refunded;
    if (amount > refundable) throw new RefundExceedsCapturedError(this.state.reservationId, amount, refundable);
    this.changed = true;
    const parts: GrantPart[] = [];
    let left = amount;
    for (const allocation of [...this.state.allocations].reverse()) {
      const give = Math.min(allocation.captured - allocation.refunded, left);
      if (give === 0) continue;
      left -= give;
      allocation.refunded += give;
      parts.push({ grantId: allocation.grantId, amount: give });
    }
    return parts;
  }

  toState(): ReservationState {
    return copyReservationState(this.state);
  }

  private parts(): GrantPart[] {
    return this.state.allocations.map((allocation) => ({ grantId: allocation.grantId, amount: allocation.amount }));
  }

  /** An expired hold is its own answer: the caller learns its work outlived the hold, not that someone else resolved it. */
  private requireHeld(): void {
    if (this.state.status === 'EXPIRED') throw new ReservationExpiredError(this.state.reservationId, this.state.expiresAt);
    if (this.state.status !== 'HELD') throw new ReservationAlreadyResolvedError(this.state.reservationId, this.state.status);
  }

  private resolve(status: Exclude<ReservationStatus, 'HELD'>, now: Date, key: string | null): void {
    this.changed = true;
    this.state.status = status;
    this.state.resolvedAt = copyDate(now);
    this.state.resolutionKey = key;
  }
}

export function copyReservationState(state: ReservationState): ReservationState {
  return {
    ...state,
    reservedAt: copyDate(state.reservedAt),
    expiresAt: copyDate(state.expiresAt),
    resolvedAt: copyOptionalDate(state.resolvedAt),
    allocations: state.allocations.map((allocation) => ({ ...allocation })),
  };
}
