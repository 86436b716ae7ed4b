import type { PlanRef } from '../plan-terms.value-object';
import type { UpgradeFailureReason } from '../subscription-state';
import type { SubscriptionEventBase } from './subscription-event-base';

/** The upgrade did not happen: the subscription stays on its plan and nothing is granted. */
export interface SubscriptionUpgradeFailed extends SubscriptionEventBase {
  readonly type: 'SubscriptionUpgradeFailed';
  readonly changeId: string;
  readonly toPlan: PlanRef;
  readonly periodIndex: number;
  readonly reason: UpgradeFailureReason;
  readonly detail: string | null;
}
