/** From SubscriptionRenewalDue (attempt 1) or a dunning retry (attempt k): charge the period off-session. */
export interface ChargeRenewal {
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly periodIndex: number;
  readonly amount: number;
  readonly currency: string;
  /** 1 for SubscriptionRenewalDue; the dunning attempt for a retry. Default 1. */
  readonly attempt?: number;
  /** Omitted: the gateway adapter charges the customer's default payment method. */
  readonly paymentMethod?: string;
}
