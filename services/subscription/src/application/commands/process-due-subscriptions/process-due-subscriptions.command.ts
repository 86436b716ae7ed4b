/** One scheduler tick's worth of work; the tick itself (an interval) is interface/jobs/renewal-scheduler.job.ts. */
export interface ProcessDueSubscriptionsResult {
  /** Incomplete subscriptions expired (unpaid 23 h after creation). */
  readonly expired: number;
  /** Subscriptions whose period (or trial) end was handled: SubscriptionRenewalDue, or canceled at period end. */
  readonly renewed: number;
  /** Held payment results applied after their period became due. */
  readonly heldApplied: number;
  /** Dunning retries requested (SubscriptionRenewalDue with attempt ≥ 2), each once. */
  readonly retriesRequested: number;
}
