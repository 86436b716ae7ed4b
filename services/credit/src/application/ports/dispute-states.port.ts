import type { DisputeState } from '../../domain/dispute-decision';

/** Where each dispute of a customer's payment stands, read under a lock in the caller's transaction. */
export interface DisputeStates {
  /** null for a dispute not seen yet. */
  lockedStateOf(customerId: string, disputeId: string): Promise<DisputeState | null>;
  save(customerId: string, disputeId: string, state: DisputeState): Promise<void>;
}
