/**
 * Failed sign-ins per key (a name, an IP address) in a sliding window: at `maxFailures` within `windowMs` the key is
 * refused until its oldest failure leaves the window. In memory, like the sessions (one console process).
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the first of these keys may try again; 0 when none is blocked. */
  retryAfterSeconds(keys: readonly string[]): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  fail(keys: readonly string[]): void {
    if (this.failures.size > 10_000) this.sweep();
    for (const key of keys) this.failures.set(key, [...this.recent(key), this.now()]);
  }

  /** A good password clears its name's failures, not its address's: one known account must not unlock guessing others. */
  succeed(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    return (this.failures.get(key) ?? []).filter((at) => this.now() - at < this.windowMs);
  }

  private sweep(): void {
    for (const key of this.failures.keys()) if (this.recent(key).length === 0) this.failures.delete(key);
  }
}
