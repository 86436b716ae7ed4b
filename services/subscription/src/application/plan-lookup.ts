import type { Plan } from '../domain/plan.entity';
import type { PlanRepository } from '../domain/plan.repository.port';
import { PlanNotFoundError } from './application.errors';

/** A plan by its code: the latest version, or the version asked for. */
export async function findPlanByCode(plans: PlanRepository, code: string, version?: number): Promise<Plan> {
  const latest = await plans.findLatestByCode(code);
  if (!latest) throw new PlanNotFoundError(code, version);
  if (version === undefined || version === latest.version) return latest;
  const wanted = await plans.findVersion(latest.planId, version);
  if (!wanted) throw new PlanNotFoundError(code, version);
  return wanted;
}
