/**
 * For tests and demos across processes: `<rateVariable>` (e.g. SUBSCRIPTION_CLOCK_RATE) makes time run `rate` times
 * faster from CLOCK_EPOCH_MS (default: now), so processes given the same epoch and rate agree on the time. Undefined
 * (the system clock) when the rate is unset or 1.
 */
export function acceleratedClockFromEnv(rateVariable: string, env: NodeJS.ProcessEnv = process.env): { now(): Date } | undefined {
  const rate = Number(env[rateVariable] ?? 1);
  const epoch = Number(env.CLOCK_EPOCH_MS ?? Date.now());
  if (!(rate >= 1) || !Number.isFinite(epoch)) throw new Error(`${rateVariable} must be a number ≥ 1 and CLOCK_EPOCH_MS a time in ms`);
  return rate === 1 ? undefined : { now: () => new Date(epoch + (Date.now() - epoch) * rate) };
}
