import type { PlanRepository } from '../../../domain/plan.repository.port';
import type { PlanChangeOutcome } from '../../../domain/subscription.aggregate';
import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { findPlanByCode } from '../../plan-lookup';
import type { Clock } from '../../ports/clock.port';
import { visibleTo } from '../../subscription-lookup';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { ChangePlanCommand } from './change-plan.command';

export interface ChangePlanDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly plans: PlanRepository;
  readonly clock: Clock;
}

export class ChangePlanHandler {
  constructor(private readonly deps: ChangePlanDeps) {}

  /**
   * Upgrade now (SubscriptionPlanChanged with prorated credits), downgrade at the next renewal, or withdraw a
   * scheduled change by choosing the current version. Throws SUBSCRIPTION_NOT_FOUND, PLAN_NOT_FOUND,
   * INVALID_TRANSITION, PLAN_CURRENCY_MISMATCH, PLAN_INTERVAL_MISMATCH, PLAN_NOT_ACTIVE.
   */
  async execute(command: ChangePlanCommand): Promise<{ subscription: SubscriptionView; outcome: PlanChangeOutcome }> {
    const { subscriptions, plans, clock } = this.deps;
    const subscription = visibleTo(
      await subscriptions.findById(command.subscriptionId),
      command.subscriptionId,
      command.customerScope,
    );
    const plan = await findPlanByCode(plans, command.planCode, command.planVersion);
    const outcome = subscription.changePlan(plan, clock.now());
    if (outcome !== 'unchanged') await subscriptions.save(subscription);
    return { subscription: toSubscriptionView(subscription), outcome };
  }
}
