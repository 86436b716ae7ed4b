/** The only source of "now" for the use cases; tests pin it. */
export interface Clock {
  now(): Date;
}
