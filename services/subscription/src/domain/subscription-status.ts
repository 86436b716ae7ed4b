/**
 * incomplete → active | canceled | incomplete_expired; trialing → active | past_due | canceled;
 * active ⇄ past_due; active | past_due → canceled. docs/subscription-state-machine.md has every transition.
 */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'incomplete_expired',
] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export type TerminalStatus = Extract<SubscriptionStatus, 'canceled' | 'incomplete_expired'>;

export function isSubscriptionStatus(value: unknown): value is SubscriptionStatus {
  return typeof value === 'string' && (SUBSCRIPTION_STATUSES as readonly string[]).includes(value);
}

/** Nothing leaves a terminal status; a returning customer gets a new subscription. */
export function isTerminalStatus(status: SubscriptionStatus): status is TerminalStatus {
  return status === 'canceled' || status === 'incomplete_expired';
}

/**
 * Why a subscription ended. `requested_*` is a cancel command (customer or operator); the other two are the
 * subscription's own rules.
 */
export const CANCELLATION_REASONS = [
  'requested_immediately',
  'requested_at_period_end',
  'dunning_exhausted',
  'incomplete_expired',
] as const;

export type CancellationReason = (typeof CANCELLATION_REASONS)[number];
