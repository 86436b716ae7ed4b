import type { CancellationReason, TerminalStatus } from '../subscription-status';
import type { SubscriptionEventBase } from './subscription-event-base';

/**
 * The subscription ended at `effectiveAt` (the period end for a cancel at period end, else the command's time).
 * `status` tells an expired checkout (incomplete_expired) from a canceled subscription.
 */
export interface SubscriptionCanceled extends SubscriptionEventBase {
  readonly type: 'SubscriptionCanceled';
  readonly planId: string;
  readonly planVersion: number;
  readonly status: TerminalStatus;
  readonly reason: CancellationReason;
  readonly effectiveAt: Date;
  /** Last paid period, 0 when none was paid. */
  readonly lastPaidPeriodIndex: number;
}
