import type { CancelMode } from '../../../domain/subscription.aggregate';

export interface CancelSubscriptionCommand {
  readonly subscriptionId: string;
  readonly mode: CancelMode;
  /** Set for a caller that may act for one customer only. */
  readonly customerScope?: string;
}
