export interface CreateSubscriptionCommand {
  readonly customerId: string;
  readonly planCode: string;
  /** The latest version when omitted. */
  readonly planVersion?: number;
}
