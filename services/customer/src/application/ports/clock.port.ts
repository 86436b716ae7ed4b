/** Where use cases get the time; the composition root passes the system clock, tests a clock they move by hand. */
export interface Clock {
  now(): Date;
}
