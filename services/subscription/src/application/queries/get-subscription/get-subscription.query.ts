export interface GetSubscriptionQuery {
  readonly subscriptionId: string;
  readonly customerScope?: string;
}
