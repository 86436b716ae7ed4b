export interface LowBalanceAlarm {
  /** true while available ≥ threshold: the next drop below it alerts. */
  readonly armed: boolean;
  /** true from a CreditBalanceLow until available is back to ≥ threshold (CreditBalanceRecovered). */
  readonly alerted: boolean;
}

/**
 * Alerts once per downward crossing: armed while available ≥ threshold, fires (and disarms) on the first look that
 * finds available < threshold; after an alert, the first look that finds available ≥ threshold again reports the
 * recovery, so CreditBalanceLow and CreditBalanceRecovered alternate. Evaluated only at command boundaries, so credits
 * that pass through a grant within one command (released, then written off) cannot fire it twice.
 */
export function evaluateLowBalance(input: LowBalanceAlarm & { threshold: number | null; available: number }): LowBalanceAlarm & {
  alert: boolean;
  recovered: boolean;
} {
  if (input.threshold === null) return { armed: false, alerted: false, alert: false, recovered: false };
  if (input.available >= input.threshold) return { armed: true, alerted: false, alert: false, recovered: input.alerted };
  return { armed: false, alerted: input.alerted || input.armed, alert: input.armed, recovered: false };
}

/** The armed state that matches a balance without firing: used on open and when the threshold changes. */
export function isArmed(threshold: number | null, available: number): boolean {
  return threshold !== null && available >= threshold;
}
