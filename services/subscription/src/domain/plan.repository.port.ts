import type { Plan } from './plan.entity';

/**
 * Plan versions are rows keyed by (planId, version). `add` inserts a new version and must fail if that key
 * exists, which is what makes two concurrent UpdatePlans unable to both become version N+1.
 */
export interface PlanRepository {
  findVersion(planId: string, version: number): Promise<Plan | null>;
  /** The highest version: the one new subscriptions are sold. */
  findLatest(planId: string): Promise<Plan | null>;
  findLatestByCode(code: string): Promise<Plan | null>;
  add(plan: Plan): Promise<void>;
  /** Persists a change of the `active` flag; the terms of a stored version never change. */
  saveActivation(plan: Plan): Promise<void>;
}
