import { ApplicationError } from '../application.errors';

// The conflicts the stores report, part of their contract: the plan and subscription repositories throw these (and
// the use cases pass them on) when a unique code or an optimistic version is taken by a concurrent writer.

export class PlanCodeTakenError extends ApplicationError {
  readonly code = 'PLAN_CODE_TAKEN' as const;

  constructor(planCode: string) {
    super(`A plan with code ${planCode} exists already; add a version to it instead`, { plan: planCode });
  }
}

/** Two UpdatePlans raced for the same next version; the loser may retry on the new latest version. */
export class PlanVersionConflictError extends ApplicationError {
  readonly code = 'PLAN_VERSION_CONFLICT' as const;

  constructor(planCode: string, version: number) {
    super(`Plan ${planCode} version ${version} was created concurrently`, { plan: planCode, version });
  }
}

/** The row changed between load and save (optimistic version); the caller retries on fresh state. */
export class ConcurrentModificationError extends ApplicationError {
  readonly code = 'CONCURRENT_MODIFICATION' as const;

  constructor(aggregate: string, id: string) {
    super(`${aggregate} ${id} was changed concurrently; retry`, { aggregate, id });
  }
}
