import type { PlanRevision } from '../../../domain/plan.entity';

/** UpdatePlan: the plan `code` gets a new version with these changes; existing versions (and their subscribers) keep theirs. */
export interface UpdatePlanCommand {
  readonly code: string;
  readonly changes: PlanRevision;
}
