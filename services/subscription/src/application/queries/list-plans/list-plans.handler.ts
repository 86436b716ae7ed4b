import type { PlanQueries } from '../../ports/subscription-queries.port';
import { toPlanView, type PlanView } from '../../subscription.view';
import { listCursor, listLimit, pageOf, type Page } from '../page';
import type { ListPlansQuery } from './list-plans.query';

const LIST = 'plans';

export class ListPlansHandler {
  constructor(private readonly deps: { readonly plans: PlanQueries }) {}

  /** The latest version of each plan, by code; INVALID_ARGUMENT for a bad limit, INVALID_CURSOR for a bad cursor. */
  async execute(query: ListPlansQuery = {}): Promise<Page<PlanView>> {
    const limit = listLimit(query.limit);
    const afterCode = query.cursor === undefined ? undefined : listCursor.decode(LIST, query.cursor, 1)[0];
    const plans = await this.deps.plans.listLatest(limit + 1, afterCode);
    return pageOf(plans, limit, toPlanView, (plan) => listCursor.encode(LIST, [plan.code]));
  }
}
