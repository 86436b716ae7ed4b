/**
 * Run sizes. One billing day = dayMs of real time (the subscription and credit clocks run at 86 400 000 / dayMs × real
 * time); a daily plan renews once per dayMs. Customers arrive during the first `onboardingMs` of the load, then use
 * credits, top up and renew until `loadMs`; faults fall at random moments inside [faultsFromMs, faultsUntilMs].
 */
export interface ChaosSize {
  readonly name: 'small' | 'large';
  readonly customers: number;
  readonly dayMs: number;
  readonly loadMs: number;
  readonly onboardingMs: number;
  readonly faultsFromMs: number;
  readonly faultsUntilMs: number;
  /** Pause between one customer's credit operations, ms (min, max). */
  readonly usagePauseMs: readonly [number, number];
  /** Share of customers who also buy a top-up. */
  readonly topUpShare: number;
  /** Longest wait for quiescence after the load. */
  readonly quiescenceTimeoutMs: number;
}

export const chaosSizes: Record<ChaosSize['name'], ChaosSize> = {
  small: {
    name: 'small',
    customers: 8,
    dayMs: 30_000,
    loadMs: 70_000,
    onboardingMs: 15_000,
    faultsFromMs: 12_000,
    faultsUntilMs: 50_000,
    usagePauseMs: [1_000, 4_000],
    topUpShare: 0.5,
    quiescenceTimeoutMs: 90_000,
  },
  large: {
    name: 'large',
    customers: 200,
    dayMs: 60_000,
    loadMs: 300_000,
    onboardingMs: 120_000,
    faultsFromMs: 20_000,
    faultsUntilMs: 260_000,
    usagePauseMs: [4_000, 12_000],
    topUpShare: 0.5,
    quiescenceTimeoutMs: 240_000,
  },
};

export const isChaosSize = (name: string): name is ChaosSize['name'] => name in chaosSizes;
