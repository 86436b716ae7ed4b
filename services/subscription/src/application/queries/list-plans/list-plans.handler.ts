import type { PlanQueries } from '../../ports/subscription-queries.port';
import { toPlanView, type PlanView } from '../../subscription.view';
import { listLimit, pageOf, type Page } from '../page';
import type { ListPlansQuery } from './list-plans.query';

export class ListPlansHandler {
  constructor(private readonly deps: { readonly plans: PlanQueries }) {}

  /** The latest version of each plan, by code, a page at a time; INVALID_ARGUMENT for a bad limit. */
  async execute(query: ListPlansQuery = {}): Promise<Page<PlanView, string>> {
    const limit = listLimit(query.limit);
    const plans = await this.deps.plans.listLatest(limit + 1, query.afterCode);
    return pageOf(plans, limit, toPlanView, (plan) => plan.code);
  }
}
