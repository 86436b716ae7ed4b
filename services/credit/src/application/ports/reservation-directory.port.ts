/** Finds whose reservation an id is, so capture and release (which name only the reservation) reach its account. */
export interface ReservationDirectory {
  customerOf(reservationId: string): Promise<string | undefined>;
}

/** An id derived from a key (an idempotency key, a grant source): the same key always names the same thing. */
export interface DeterministicIds {
  forKey(scope: string, key: string): string;
}
