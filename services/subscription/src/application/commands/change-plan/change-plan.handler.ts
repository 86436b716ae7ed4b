import type { PlanRepository } from '../../../domain/plan.repository.port';
import type { PlanChangeOutcome } from '../../../domain/subscription.aggregate';
import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { findPlanByCode } from '../../plan-lookup';
import type { Clock } from '../../ports/clock.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import { visibleTo } from '../../subscription-lookup';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { ChangePlanCommand } from './change-plan.command';

export interface ChangePlanDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly plans: PlanRepository;
  readonly clock: Clock;
  /** A new changeId per request: the upgrade's payment is keyed by it, and a retried REST call replays the answer. */
  readonly ids: IdGenerator;
}

export class ChangePlanHandler {
  constructor(private readonly deps: ChangePlanDeps) {}

  /**
   * Upgrade mid-period (payment_pending: SubscriptionUpgradeRequested; applied when its payment succeeds), in a trial
   * at once, downgrade at the next renewal, or withdraw a scheduled change by choosing the current version. Throws
   * SUBSCRIPTION_NOT_FOUND, FORBIDDEN (another customer's, for a scoped caller), PLAN_NOT_FOUND, INVALID_TRANSITION,
   * UPGRADE_PAYMENT_PENDING, PLAN_CURRENCY_MISMATCH, PLAN_INTERVAL_MISMATCH, PLAN_NOT_ACTIVE.
   */
  async execute(command: ChangePlanCommand): Promise<{ subscription: SubscriptionView; outcome: PlanChangeOutcome }> {
    const { subscriptions, plans, clock, ids } = this.deps;
    const subscription = visibleTo(
      await subscriptions.findById(command.subscriptionId),
      command.subscriptionId,
      command.customerScope,
    );
    const plan = await findPlanByCode(plans, command.planCode, command.planVersion);
    const outcome = subscription.changePlan(plan, clock.now(), ids.next());
    if (outcome !== 'unchanged') await subscriptions.save(subscription);
    return { subscription: toSubscriptionView(subscription), outcome };
  }
}
