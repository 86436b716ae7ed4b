/** From SubscriptionCreated: open the on-session PaymentIntent the customer pays period 1 with. */
export interface StartSubscriptionPayment {
  readonly subscriptionId: string;
  readonly customerId: string;
  /** Always 1 in SubscriptionCreated. */
  readonly periodIndex: number;
  /** 0 during a trial: nothing to charge now (SubscriptionRenewalDue asks for period 1 at the trial end). */
  readonly amountDue: number;
  readonly currency: string;
}
