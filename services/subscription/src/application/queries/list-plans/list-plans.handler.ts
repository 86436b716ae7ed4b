import { InvalidArgumentError } from '../../../domain/subscription.errors';
import type { PlanQueries } from '../../ports/subscription-queries.port';
import { toPlanView, type PlanView } from '../../subscription.view';
import type { ListPlansQuery } from './list-plans.query';

export class ListPlansHandler {
  constructor(private readonly deps: { readonly plans: PlanQueries }) {}

  /** The latest version of each plan, by code. */
  async execute(query: ListPlansQuery = {}): Promise<PlanView[]> {
    const limit = query.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) {
      throw new InvalidArgumentError('limit must be an integer from 1 to 100', { argument: 'limit' });
    }
    return (await this.deps.plans.listLatest(limit)).map(toPlanView);
  }
}
