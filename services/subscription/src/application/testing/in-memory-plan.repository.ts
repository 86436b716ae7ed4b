import { Plan, type PlanProps } from '../../domain/plan.entity';
import type { PlanRepository } from '../../domain/plan.repository.port';
import { PlanCodeTakenError, PlanVersionConflictError } from '../ports/store-conflict.errors';
import type { PlanQueries } from '../ports/subscription-queries.port';
import type { InMemoryStore } from './in-memory-store';

const keyOf = (planId: string, version: number): string => `${planId}#${version}`;

export class InMemoryPlanRepository implements PlanRepository, PlanQueries {
  constructor(private readonly store: InMemoryStore) {}

  async findVersion(planId: string, version: number): Promise<Plan | null> {
    const props = this.store.plans.get(keyOf(planId, version));
    return props ? Plan.reconstitute(props) : null;
  }

  async findLatest(planId: string): Promise<Plan | null> {
    return this.latestWhere((props) => props.planId === planId);
  }

  async findLatestByCode(code: string): Promise<Plan | null> {
    return this.latestWhere((props) => props.code === code);
  }

  /** The SQL table's two unique keys: (planId, version) and (code, version). */
  async add(plan: Plan): Promise<void> {
    const taken = [...this.store.plans.values()].some(
      (props) => props.version === plan.version && (props.planId === plan.planId || props.code === plan.code),
    );
    if (taken) {
      throw plan.version === 1 ? new PlanCodeTakenError(plan.code) : new PlanVersionConflictError(plan.code, plan.version);
    }
    this.store.plans.set(keyOf(plan.planId, plan.version), plan.toProps());
  }

  async saveActivation(plan: Plan): Promise<void> {
    const key = keyOf(plan.planId, plan.version);
    const props = this.store.plans.get(key);
    if (props) this.store.plans.set(key, { ...props, active: plan.active });
  }

  async listLatest(limit: number, afterCode?: string): Promise<Plan[]> {
    const codes = [...new Set([...this.store.plans.values()].map((props) => props.code))]
      .sort()
      .filter((code) => afterCode === undefined || code > afterCode);
    const plans = await Promise.all(codes.map((code) => this.findLatestByCode(code)));
    return plans.filter((plan): plan is Plan => plan !== null).slice(0, limit);
  }

  private latestWhere(matches: (props: PlanProps) => boolean): Plan | null {
    const versions = [...this.store.plans.values()].filter(matches).sort((a, b) => b.version - a.version);
    return versions[0] ? Plan.reconstitute(versions[0]) : null;
  }
}
