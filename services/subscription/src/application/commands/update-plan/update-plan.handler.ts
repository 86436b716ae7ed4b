import type { PlanRepository } from '../../../domain/plan.repository.port';
import { PlanNotFoundError } from '../../application.errors';
import { toPlanView, type PlanView } from '../../subscription.view';
import type { UpdatePlanCommand } from './update-plan.command';

export interface UpdatePlanDeps {
  readonly plans: PlanRepository;
}

export class UpdatePlanHandler {
  constructor(private readonly deps: UpdatePlanDeps) {}

  /**
   * Adds version N+1 of the latest version N. Version N stays as it was (active, same terms): subscriptions keep
   * the terms snapshot they bought, and new subscriptions get the latest version unless they name one.
   * Throws PLAN_NOT_FOUND, INVALID_PLAN, or PLAN_VERSION_CONFLICT when another update took N+1 first.
   */
  async execute(command: UpdatePlanCommand): Promise<PlanView> {
    const latest = await this.deps.plans.findLatestByCode(command.code);
    if (!latest) throw new PlanNotFoundError(command.code);
    const next = latest.revise(command.changes);
    await this.deps.plans.add(next);
    return toPlanView(next);
  }
}
