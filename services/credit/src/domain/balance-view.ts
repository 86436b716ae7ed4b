import type { GrantStatus } from './grant.entity';
import type { GrantSource } from './grant-source.value-object';

export interface GrantBalanceView {
  readonly grantId: string;
  readonly amount: number;
  readonly remaining: number;
  readonly held: number;
  readonly expiresAt: Date | null;
  readonly source: GrantSource;
  readonly priority: number;
  readonly status: GrantStatus;
}

/** balance = Σ remaining; held = Σ active holds; available = balance − held (what a new hold may take). */
export interface BalanceView {
  readonly accountId: string;
  readonly customerId: string;
  readonly balance: number;
  readonly available: number;
  readonly held: number;
  readonly lowBalanceThreshold: number | null;
  /** Grants that still have credits (remaining > 0), in burn order. */
  readonly grants: readonly GrantBalanceView[];
}
