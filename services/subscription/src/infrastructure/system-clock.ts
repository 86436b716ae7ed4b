import type { Clock } from '../application/ports/clock.port';

/** The composition root's clock. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
