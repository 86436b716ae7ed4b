import type { SqlExecutor } from '@billing/platform';
import { PlanCodeTakenError, PlanVersionConflictError } from '../application/ports/store-conflict.errors';
import type { PlanQueries } from '../application/ports/subscription-queries.port';
import { Plan } from '../domain/plan.entity';
import type { PlanRepository } from '../domain/plan.repository.port';
import { isUniqueViolation, toNumber, toNumberOrNull } from './sql-values';

type Row = Record<string, unknown>;

function planOf(row: Row): Plan {
  return Plan.reconstitute({
    planId: String(row.plan_id),
    code: String(row.code),
    version: toNumber(row.version),
    name: String(row.name),
    price: { amount: toNumber(row.price_amount), currency: String(row.currency) },
    interval: String(row.billing_interval),
    creditsPerPeriod: toNumber(row.credits_per_period),
    creditRollover: Boolean(row.credit_rollover),
    trialDays: toNumber(row.trial_days),
    active: Boolean(row.active),
    lowBalanceThreshold: toNumberOrNull(row.low_balance_threshold),
  });
}

/** Plan versions as rows keyed by (plan_id, version), unique by (code, version); a stored version is never edited. */
export class SqlPlanRepository implements PlanRepository, PlanQueries {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly now: () => Date,
  ) {}

  async findVersion(planId: string, version: number): Promise<Plan | null> {
    const [row] = await this.tx.query<Row>('select * from plans where plan_id = $1 and version = $2', [planId, version]);
    return row ? planOf(row) : null;
  }

  async findLatest(planId: string): Promise<Plan | null> {
    const [row] = await this.tx.query<Row>('select * from plans where plan_id = $1 order by version desc limit 1', [planId]);
    return row ? planOf(row) : null;
  }

  async findLatestByCode(code: string): Promise<Plan | null> {
    const [row] = await this.tx.query<Row>('select * from plans where code = $1 order by version desc limit 1', [code]);
    return row ? planOf(row) : null;
  }

  /** The keys make two concurrent CreatePlans (same code) or UpdatePlans (same next version) unable to both succeed. */
  async add(plan: Plan): Promise<void> {
    try {
      await this.tx.query(
        `insert into plans (plan_id, version, code, name, price_amount, currency, billing_interval, credits_per_period,
                            credit_rollover, trial_days, active, created_at, low_balance_threshold)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          plan.planId,
          plan.version,
          plan.code,
          plan.name,
          plan.price.amount,
          plan.price.currency,
          plan.interval,
          plan.creditsPerPeriod,
          plan.creditRollover,
          plan.trialDays,
          plan.active,
          this.now(),
          plan.lowBalanceThreshold,
        ],
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw plan.version === 1 ? new PlanCodeTakenError(plan.code) : new PlanVersionConflictError(plan.code, plan.version);
    }
  }

  async saveActivation(plan: Plan): Promise<void> {
    await this.tx.query('update plans set active = $3 where plan_id = $1 and version = $2', [plan.planId, plan.version, plan.active]);
  }

  async listLatest(limit: number, afterCode?: string): Promise<Plan[]> {
    // Byte order (collate "C"), whatever the database's collation: the cursor compares codes the same way.
    const rows = await this.tx.query<Row>(
      `select distinct on (code collate "C") * from plans
        where $2::text is null or code collate "C" > $2
        order by code collate "C", version desc limit $1`,
      [limit, afterCode ?? null],
    );
    return rows.map(planOf);
  }
}
