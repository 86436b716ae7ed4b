/**
 * Where use cases get the time. The composition root passes the system clock; tests pass a clock they move by hand,
 * which is also how integration tests run a year of renewals in seconds (no environment time-scaling exists).
 */
export interface Clock {
  now(): Date;
}
