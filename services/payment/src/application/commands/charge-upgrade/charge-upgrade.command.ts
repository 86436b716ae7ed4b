/** From SubscriptionUpgradeRequested: charge the prorated price difference of upgrade `changeId` off-session. */
export interface ChargeUpgrade {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly periodIndex: number;
  readonly changeId: string;
  readonly amount: number;
  readonly currency: string;
}
