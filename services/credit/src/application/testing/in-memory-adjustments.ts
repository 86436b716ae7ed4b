import type { DisputeState } from '../../domain/dispute-decision';
import { GrantSource } from '../../domain/grant-source.value-object';
import type { DisputeStates } from '../ports/dispute-states.port';
import type { ClawbackClaim, PendingAdjustments } from '../ports/pending-adjustments.port';

const keyOf = (customerId: string, source: GrantSource) => `${customerId}|${GrantSource.key(source)}`;

/** The consumer's tables in memory, for handler tests. */
export class InMemoryAdjustments implements PendingAdjustments, DisputeStates {
  readonly revocations = new Set<string>();
  readonly clawbacks = new Map<string, ClawbackClaim>();
  readonly disputes = new Map<string, DisputeState>();

  async rememberRevocation(customerId: string, source: GrantSource): Promise<void> {
    this.revocations.add(keyOf(customerId, source));
  }

  async takeRevocation(customerId: string, source: GrantSource): Promise<boolean> {
    return this.revocations.delete(keyOf(customerId, source));
  }

  async rememberClawback(customerId: string, source: GrantSource, claim: ClawbackClaim): Promise<void> {
    const known = this.clawbacks.get(keyOf(customerId, source));
    this.clawbacks.set(keyOf(customerId, source), { ...claim, totalRefunded: Math.max(claim.totalRefunded, known?.totalRefunded ?? 0) });
  }

  async takeClawback(customerId: string, source: GrantSource): Promise<ClawbackClaim | undefined> {
    const claim = this.clawbacks.get(keyOf(customerId, source));
    this.clawbacks.delete(keyOf(customerId, source));
    return claim;
  }

  async lockedStateOf(customerId: string, disputeId: string): Promise<DisputeState | null> {
    return this.disputes.get(`${customerId}|${disputeId}`) ?? null;
  }

  async save(customerId: string, disputeId: string, state: DisputeState): Promise<void> {
    this.disputes.set(`${customerId}|${disputeId}`, state);
  }
}
