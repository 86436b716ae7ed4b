import { Migration } from '@mikro-orm/migrations';

/**
 * The subscription service's own tables. Aggregate state is stored as columns (docs/subscription-state-machine.md,
 * "What a repository stores"); `renewal_due_at` is derived and indexed for the scheduler; `version` is the optimistic
 * lock of a subscription row.
 */
export class Migration20261126100000_subscription_tables extends Migration {
  static readonly migrationName = 'Migration20261126100000_subscription_tables';

  override async up(): Promise<void> {
    this.addSql(`
      create table plans (
        plan_id text not null,
        version int not null check (version >= 1),
        code text not null,
        name text not null,
        price_amount bigint not null check (price_amount > 0),
        currency text not null,
        billing_interval text not null check (billing_interval in ('day', 'month', 'year')),
        credits_per_period bigint not null check (credits_per_period >= 0),
        credit_rollover boolean not null,
        trial_days int not null check (trial_days >= 0),
        active boolean not null,
        created_at timestamptz not null,
        primary key (plan_id, version),
        constraint plans_code_version_key unique (code, version)
      );`);

    this.addSql(`
      create table subscriptions (
        subscription_id text primary key,
        customer_id text not null,
        status text not null check (status in ('incomplete', 'trialing', 'active', 'past_due', 'canceled', 'incomplete_expired')),
        plan_id text not null,
        plan_version int not null,
        price_amount bigint not null,
        currency text not null,
        billing_interval text not null,
        credits_per_period bigint not null,
        credit_rollover boolean not null,
        created_at timestamptz not null,
        trial_ends_at timestamptz null,
        billing_anchor timestamptz null,
        current_period_index int null,
        current_period_start timestamptz null,
        current_period_end timestamptz null,
        last_due_period_index int not null,
        cancel_at_period_end boolean not null,
        pending_plan_id text null,
        pending_plan_version int null,
        pending_price_amount bigint null,
        pending_currency text null,
        pending_billing_interval text null,
        pending_credits_per_period bigint null,
        pending_credit_rollover boolean null,
        dunning_period_index int null,
        dunning_attempt int null,
        dunning_next_attempt_at timestamptz null,
        cancellation_reason text null,
        cancellation_effective_at timestamptz null,
        renewal_due_at timestamptz null,
        version int not null,
        updated_at timestamptz not null
      );`);
    this.addSql('create index subscriptions_customer on subscriptions (customer_id, created_at);');
    this.addSql('create index subscriptions_renewal_due on subscriptions (renewal_due_at) where renewal_due_at is not null;');
    this.addSql("create index subscriptions_dunning_due on subscriptions (dunning_next_attempt_at) where status = 'past_due';");
    this.addSql("create index subscriptions_incomplete on subscriptions (created_at) where status = 'incomplete';");

    // One row per charge the service asked for: (period, attempt) can be requested once, whatever runs the scheduler.
    this.addSql(`
      create table renewal_requests (
        subscription_id text not null references subscriptions (subscription_id),
        period_index int not null,
        attempt int not null,
        requested_at timestamptz not null,
        primary key (subscription_id, period_index, attempt)
      );`);

    // Payment results that could not be applied when they arrived (a period not yet due, or a subscription that had
    // ended): kept, never dropped; the scheduler applies the held ones once their period is due.
    this.addSql(`
      create table held_payment_results (
        event_id uuid primary key,
        subscription_id text not null,
        period_index int not null,
        outcome text not null check (outcome in ('succeeded', 'failed')),
        attempt int null,
        payment_id text not null,
        received_at timestamptz not null,
        status text not null check (status in ('held', 'applied', 'refused')),
        refusal_code text null,
        settled_at timestamptz null
      );`);
    this.addSql("create index held_payment_results_held on held_payment_results (subscription_id, period_index) where status = 'held';");

    // The customers this service has heard of (billing.customer.v1), for the currency check of CreateSubscription.
    this.addSql(`
      create table customer_projection (
        customer_id text primary key,
        default_currency text not null,
        occurred_at timestamptz not null,
        updated_at timestamptz not null
      );`);
  }
}
