/**
 * Alerts once per downward crossing: armed while available ≥ threshold, fires (and disarms) on the first look that
 * finds available < threshold. Evaluated only at command boundaries, so credits that pass through a grant within
 * one command (released, then written off) cannot fire it twice.
 */
export function evaluateLowBalance(input: { threshold: number | null; armed: boolean; available: number }): {
  armed: boolean;
  alert: boolean;
} {
  if (input.threshold === null) return { armed: false, alert: false };
  if (input.available >= input.threshold) return { armed: true, alert: false };
  return { armed: false, alert: input.armed };
}

/** The armed state that matches a balance without firing: used on open and when the threshold changes. */
export function isArmed(threshold: number | null, available: number): boolean {
  return threshold !== null && available >= threshold;
}
