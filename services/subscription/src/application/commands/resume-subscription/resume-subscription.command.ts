export interface ResumeSubscriptionCommand {
  readonly subscriptionId: string;
  readonly customerScope?: string;
}
