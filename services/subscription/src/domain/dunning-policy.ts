import { addDaysUtc } from './billing-interval.value-object';
import { assertPositiveInteger, assertValidDate } from './guards';
import { InvalidDunningPolicyError } from './subscription.errors';

/**
 * When to retry a failed renewal charge. Attempt 1 is the renewal charge itself; `retryDelaysInDays[i]` is the
 * wait after attempt i+1 fails, counted from that failure (like Stripe's "days after the previous attempt").
 * So [1, 3, 5] means 4 attempts in all; when attempt 4 fails, the subscription is canceled.
 * Configuration, not state: the application passes it in, so changing it applies to the next failure.
 */
export class DunningPolicy {
  private constructor(readonly retryDelaysInDays: readonly number[]) {}

  static of(retryDelaysInDays: readonly number[]): DunningPolicy {
    if (!Array.isArray(retryDelaysInDays)) throw new InvalidDunningPolicyError('Retry delays must be an array of days');
    for (const delay of retryDelaysInDays) {
      if (!Number.isSafeInteger(delay) || delay < 1) {
        throw new InvalidDunningPolicyError(`Retry delays must be positive whole days, got ${String(delay)}`, {
          retryDelaysInDays,
        });
      }
    }
    return new DunningPolicy(Object.freeze([...retryDelaysInDays]));
  }

  static standard(): DunningPolicy {
    return DunningPolicy.of([1, 3, 5]);
  }

  get maxAttempts(): number {
    return this.retryDelaysInDays.length + 1;
  }

  /** When the attempt after `failedAttempt` should run, or null when that was the last one. */
  nextAttemptAt(failedAttempt: number, failedAt: Date): Date | null {
    assertPositiveInteger(failedAttempt, 'failed attempt');
    assertValidDate(failedAt, 'failedAt');
    const delay = this.retryDelaysInDays[failedAttempt - 1];
    return delay === undefined ? null : addDaysUtc(failedAt, delay);
  }
}
