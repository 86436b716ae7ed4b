import type { PlanRepository } from '../../../domain/plan.repository.port';
import { findPlanByCode } from '../../plan-lookup';
import { toPlanView, type PlanView } from '../../subscription.view';
import type { GetPlanQuery } from './get-plan.query';

export class GetPlanHandler {
  constructor(private readonly deps: { readonly plans: PlanRepository }) {}

  /** Throws PLAN_NOT_FOUND. */
  async execute(query: GetPlanQuery): Promise<PlanView> {
    return toPlanView(await findPlanByCode(this.deps.plans, query.code, query.version));
  }
}
