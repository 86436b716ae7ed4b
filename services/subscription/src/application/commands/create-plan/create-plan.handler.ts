import { Plan } from '../../../domain/plan.entity';
import type { PlanRepository } from '../../../domain/plan.repository.port';
import { PlanCodeTakenError } from '../../ports/store-conflict.errors';
import type { IdGenerator } from '../../ports/id-generator.port';
import { toPlanView, type PlanView } from '../../subscription.view';
import type { CreatePlanCommand } from './create-plan.command';

export interface CreatePlanDeps {
  readonly plans: PlanRepository;
  readonly ids: IdGenerator;
}

export class CreatePlanHandler {
  constructor(private readonly deps: CreatePlanDeps) {}

  /** Throws INVALID_PLAN before anything is written, PLAN_CODE_TAKEN when the code exists. */
  async execute(command: CreatePlanCommand): Promise<PlanView> {
    const plan = Plan.create({
      planId: this.deps.ids.next(),
      code: command.code,
      name: command.name,
      price: command.price,
      interval: command.interval,
      creditsPerPeriod: command.creditsPerPeriod,
      creditRollover: command.creditRollover,
      trialDays: command.trialDays,
      lowBalanceThreshold: command.lowBalanceThreshold,
    });
    // A friendly refusal; the unique (code, version) key behind add() is what holds under concurrency.
    if (await this.deps.plans.findLatestByCode(plan.code)) throw new PlanCodeTakenError(plan.code);
    await this.deps.plans.add(plan);
    return toPlanView(plan);
  }
}
