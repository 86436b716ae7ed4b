import type { MessageContext, SqlExecutor } from '@billing/platform';
import { ConcurrentModificationError } from '../application/ports/store-conflict.errors';
import type { SubscriptionListPosition, SubscriptionQueries } from '../application/ports/subscription-queries.port';
import type { BillingInterval } from '../domain/billing-interval.value-object';
import { Money } from '../domain/money.value-object';
import type { PlanTerms } from '../domain/plan-terms.value-object';
import { Subscription } from '../domain/subscription.aggregate';
import type { SubscriptionRepository } from '../domain/subscription.repository.port';
import type { SubscriptionState, UpgradeState } from '../domain/subscription-state';
import type { CancellationReason, SubscriptionStatus } from '../domain/subscription-status';
import { toIntegrationEvent } from './integration-events';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from './sql-values';
import { appendSubscriptionEvents } from './subscription-outbox';

type Row = Record<string, unknown>;

const COLUMNS = [
  'subscription_id',
  'customer_id',
  'status',
  'plan_id',
  'plan_version',
  'price_amount',
  'currency',
  'billing_interval',
  'credits_per_period',
  'credit_rollover',
  'created_at',
  'trial_ends_at',
  'billing_anchor',
  'current_period_index',
  'current_period_start',
  'current_period_end',
  'last_due_period_index',
  'cancel_at_period_end',
  'pending_plan_id',
  'pending_plan_version',
  'pending_price_amount',
  'pending_currency',
  'pending_billing_interval',
  'pending_credits_per_period',
  'pending_credit_rollover',
  'dunning_period_index',
  'dunning_attempt',
  'dunning_next_attempt_at',
  'cancellation_reason',
  'cancellation_effective_at',
  'renewal_due_at',
  'updated_at',
  'low_balance_threshold',
  'pending_low_balance_threshold',
  'upgrade',
] as const;

interface UpgradeJson {
  changeId: string;
  /** The terms as they are, the price as plain numbers: a field PlanTerms gains is kept without a change here. */
  to: Omit<PlanTerms, 'price'> & { price: { amount: number; currency: string } };
  periodIndex: number;
  amount: number;
  proratedCredits: number;
  status: UpgradeState['status'];
  failureReason: UpgradeState['failureReason'];
  failureDetail: string | null;
  requestedAt: string;
  settledAt: string | null;
}

function upgradeJson(upgrade: UpgradeState | null): string | null {
  if (upgrade === null) return null;
  const { to } = upgrade;
  const json: UpgradeJson = {
    ...upgrade,
    to: { ...to, price: { amount: to.price.amount, currency: to.price.currency } },
    requestedAt: upgrade.requestedAt.toISOString(),
    settledAt: upgrade.settledAt?.toISOString() ?? null,
  };
  return JSON.stringify(json);
}

function upgradeOf(value: unknown): UpgradeState | null {
  if (value === null || value === undefined) return null;
  const json = value as UpgradeJson;
  return {
    ...json,
    to: { ...json.to, price: Money.of(json.to.price.amount, json.to.price.currency) },
    requestedAt: new Date(json.requestedAt),
    settledAt: json.settledAt === null ? null : new Date(json.settledAt),
  };
}

function columnValues(subscription: Subscription, now: Date): unknown[] {
  const state = subscription.toState();
  const pending = state.pendingDowngrade;
  return [
    state.subscriptionId,
    state.customerId,
    state.status,
    state.plan.planId,
    state.plan.version,
    state.plan.price.amount,
    state.plan.price.currency,
    state.plan.interval,
    state.plan.creditsPerPeriod,
    state.plan.creditRollover,
    state.createdAt,
    state.trialEndsAt,
    state.billingAnchor,
    state.currentPeriod?.index ?? null,
    state.currentPeriod?.start ?? null,
    state.currentPeriod?.end ?? null,
    state.lastDuePeriodIndex,
    state.cancelAtPeriodEnd,
    pending?.planId ?? null,
    pending?.version ?? null,
    pending?.price.amount ?? null,
    pending?.price.currency ?? null,
    pending?.interval ?? null,
    pending?.creditsPerPeriod ?? null,
    pending?.creditRollover ?? null,
    state.dunning?.periodIndex ?? null,
    state.dunning?.attempt ?? null,
    state.dunning?.nextAttemptAt ?? null,
    state.cancellation?.reason ?? null,
    state.cancellation?.effectiveAt ?? null,
    subscription.renewalDueAt,
    now,
    state.plan.lowBalanceThreshold,
    pending?.lowBalanceThreshold ?? null,
    upgradeJson(state.upgrade),
  ];
}

function termsOf(row: Row, prefix: '' | 'pending_'): PlanTerms {
  return {
    planId: String(row[`${prefix}plan_id`]),
    version: toNumber(row[`${prefix}plan_version`]),
    price: Money.of(toNumber(row[`${prefix}price_amount`]), String(row[`${prefix}currency`])),
    interval: String(row[`${prefix}billing_interval`]) as BillingInterval,
    creditsPerPeriod: toNumber(row[`${prefix}credits_per_period`]),
    creditRollover: Boolean(row[`${prefix}credit_rollover`]),
    lowBalanceThreshold: toNumberOrNull(row[`${prefix}low_balance_threshold`]),
  };
}

/** A row back into the aggregate; reconstitute refuses a row that breaks an invariant. */
function stateOf(row: Row): SubscriptionState {
  const periodIndex = toNumberOrNull(row.current_period_index);
  const dunningPeriod = toNumberOrNull(row.dunning_period_index);
  return {
    subscriptionId: String(row.subscription_id),
    customerId: String(row.customer_id),
    status: String(row.status) as SubscriptionStatus,
    plan: termsOf(row, ''),
    createdAt: toDate(row.created_at),
    trialEndsAt: toDateOrNull(row.trial_ends_at),
    billingAnchor: toDateOrNull(row.billing_anchor),
    currentPeriod:
      periodIndex === null
        ? null
        : { index: periodIndex, start: toDate(row.current_period_start), end: toDate(row.current_period_end) },
    lastDuePeriodIndex: toNumber(row.last_due_period_index),
    cancelAtPeriodEnd: Boolean(row.cancel_at_period_end),
    pendingDowngrade: row.pending_plan_id === null ? null : termsOf(row, 'pending_'),
    dunning:
      dunningPeriod === null
        ? null
        : {
            periodIndex: dunningPeriod,
            attempt: toNumber(row.dunning_attempt),
            nextAttemptAt: toDate(row.dunning_next_attempt_at),
          },
    cancellation:
      row.cancellation_reason === null
        ? null
        : { reason: String(row.cancellation_reason) as CancellationReason, effectiveAt: toDate(row.cancellation_effective_at) },
    upgrade: upgradeOf(row.upgrade),
  };
}

const placeholders = (count: number, from = 1): string => Array.from({ length: count }, (_, i) => `$${i + from}`).join(', ');

const INSERT = `insert into subscriptions (${COLUMNS.join(', ')}, version) values (${placeholders(COLUMNS.length)}, 1)`;
const UPDATE = `update subscriptions set ${COLUMNS.slice(1)
  .map((column, i) => `${column} = $${i + 2}`)
  .join(', ')}, version = version + 1
  where subscription_id = $1 and version = $${COLUMNS.length + 1} returning version`;

/**
 * Subscriptions in PostgreSQL, inside one transaction. Loads for change lock the row (FOR UPDATE; the scheduler's
 * claims skip locked rows), saves check the optimistic version, and every save writes the aggregate's pulled events
 * to the outbox in the same transaction. Each SubscriptionRenewalDue also inserts (subscription, period, attempt 1)
 * into renewal_requests, whose primary key makes a second request for one period fail the transaction.
 */
export class SqlSubscriptionRepository implements SubscriptionRepository, SubscriptionQueries {
  private readonly versions = new WeakMap<Subscription, number>();

  constructor(
    private readonly tx: SqlExecutor,
    private readonly context: MessageContext,
  ) {}

  async findById(subscriptionId: string): Promise<Subscription | null> {
    const [row] = await this.tx.query<Row>('select * from subscriptions where subscription_id = $1 for update', [subscriptionId]);
    return row ? this.loaded(row) : null;
  }

  async save(subscription: Subscription): Promise<void> {
    const events = subscription.pullEvents();
    const loadedVersion = this.versions.get(subscription);
    const now = new Date();
    if (loadedVersion === undefined) {
      await this.tx.query(INSERT, columnValues(subscription, now));
      this.versions.set(subscription, 1);
    } else {
      const updated = await this.tx.query<{ version: number }>(UPDATE, [...columnValues(subscription, now), loadedVersion]);
      if (updated.length === 0) throw new ConcurrentModificationError('Subscription', subscription.subscriptionId);
      this.versions.set(subscription, toNumber(updated[0]!.version));
    }
    for (const event of events) {
      if (event.type !== 'SubscriptionRenewalDue') continue;
      await this.tx.query(
        'insert into renewal_requests (subscription_id, period_index, attempt, requested_at) values ($1, $2, 1, $3)',
        [event.subscriptionId, event.periodIndex, event.occurredAt],
      );
    }
    await appendSubscriptionEvents(this.tx, this.context, subscription.subscriptionId, events.map(toIntegrationEvent));
  }

  async findRenewalDue(now: Date, limit: number): Promise<Subscription[]> {
    return this.claim(
      `select * from subscriptions where renewal_due_at <= $1
       order by renewal_due_at limit $2 for update skip locked`,
      [now, limit],
    );
  }

  /** Leaves out those whose next attempt was already requested, or they would be claimed again on every tick. */
  async findDunningAttemptDue(now: Date, limit: number): Promise<Subscription[]> {
    return this.claim(
      `select s.* from subscriptions s
       where s.status = 'past_due' and s.dunning_next_attempt_at <= $1
         and not exists (
           select 1 from renewal_requests r
           where r.subscription_id = s.subscription_id and r.period_index = s.dunning_period_index
             and r.attempt = s.dunning_attempt + 1)
       order by s.dunning_next_attempt_at limit $2 for update of s skip locked`,
      [now, limit],
    );
  }

  async findIncompleteCreatedBefore(createdAtOrBefore: Date, limit: number): Promise<Subscription[]> {
    return this.claim(
      `select * from subscriptions where status = 'incomplete' and created_at <= $1
       order by created_at limit $2 for update skip locked`,
      [createdAtOrBefore, limit],
    );
  }

  /** Query side: no lock. */
  async get(subscriptionId: string): Promise<Subscription | null> {
    const [row] = await this.tx.query<Row>('select * from subscriptions where subscription_id = $1', [subscriptionId]);
    return row ? Subscription.reconstitute(stateOf(row)) : null;
  }

  async listByCustomer(customerId: string, limit: number, after?: SubscriptionListPosition): Promise<Subscription[]> {
    // Ties on created_at in byte order (collate "C"), whatever the database's collation: the cursor compares the same way.
    const rows = await this.tx.query<Row>(
      `select * from subscriptions
        where customer_id = $1
          and ($3::timestamptz is null or created_at < $3 or (created_at = $3 and subscription_id collate "C" > $4))
        order by created_at desc, subscription_id collate "C" limit $2`,
      [customerId, limit, after?.createdAt ?? null, after?.subscriptionId ?? null],
    );
    return rows.map((row) => Subscription.reconstitute(stateOf(row)));
  }

  private async claim(sql: string, params: unknown[]): Promise<Subscription[]> {
    const rows = await this.tx.query<Row>(sql, params);
    return rows.map((row) => this.loaded(row));
  }

  private loaded(row: Row): Subscription {
    const subscription = Subscription.reconstitute(stateOf(row));
    this.versions.set(subscription, toNumber(row.version));
    return subscription;
  }
}
