/** Credits are integer credit units throughout. */
export interface GrantBalance {
  grantId: string;
  amount: number;
  remaining: number;
  held: number;
  /** ISO-8601; empty when the grant never expires. */
  expiresAt: string;
  sourceType: string;
  sourceId: string;
}

export interface Balance {
  customerId: string;
  /** Σ ledger. */
  balance: number;
  /** balance − held: what a reservation can take now. */
  available: number;
  held: number;
  grants: GrantBalance[];
}

export type ReservationStatus = 'HELD' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';

export interface Reservation {
  reservationId: string;
  customerId: string;
  amount: number;
  status: ReservationStatus;
  expiresAt: string;
  availableAfter: number;
}

export interface ReserveRequest {
  customerId: string;
  amount: number;
  /** 1..86,400; the hold lapses by itself after this long (default 60). */
  ttlSeconds?: number;
  /** The same key returns the same reservation, never a second hold; a random one when absent (kept across retries). */
  idempotencyKey?: string;
}

export interface CaptureRequest {
  reservationId: string;
  /** ≤ the held amount; the rest is released. */
  amount: number;
  idempotencyKey?: string;
}

export interface CaptureResult {
  reservationId: string;
  captured: number;
  released: number;
}

export interface ReleaseRequest {
  reservationId: string;
  idempotencyKey?: string;
}

export interface ReleaseResult {
  reservationId: string;
  released: number;
}
