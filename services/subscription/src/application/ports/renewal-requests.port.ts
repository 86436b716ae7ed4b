/** A charge the subscription asks payment to make: period `periodIndex`, attempt `attempt` (2+ are dunning retries). */
export interface RenewalCharge {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly planId: string;
  readonly planVersion: number;
  readonly periodIndex: number;
  readonly periodStart: Date;
  readonly periodEnd: Date;
  readonly amount: number;
  readonly currency: string;
  readonly attempt: number;
  readonly occurredAt: Date;
}

/**
 * The log of charges asked for, one per (subscription, period, attempt). Attempt 1 is recorded by the subscription
 * repository with the aggregate's SubscriptionRenewalDue; dunning retries are not aggregate events (dunningAttemptDue
 * is a query), so they are requested here.
 */
export interface RenewalRequests {
  /** Records the retry and emits SubscriptionRenewalDue{attempt} in the same transaction; false when already asked. */
  requestRetry(charge: RenewalCharge): Promise<boolean>;
}
