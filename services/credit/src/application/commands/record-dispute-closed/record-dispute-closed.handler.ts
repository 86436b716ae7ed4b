import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { disputeOutcome, onDisputeClosed } from '../../../domain/dispute-decision';
import type { GrantSource } from '../../../domain/grant-source.value-object';
import { unwrap } from '../../credit.errors';
import { grantIdFor } from '../../grant-id';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { DisputeStates } from '../../ports/dispute-states.port';
import type { PendingAdjustments } from '../../ports/pending-adjustments.port';
import type { DeterministicIds } from '../../ports/reservation-directory.port';
import { revokeOrRemember, type RevokeResult } from '../../revoke-or-remember';

export interface RecordDisputeClosed {
  customerId: string;
  disputeId: string;
  /** Stripe's closing status: won, warning_closed or lost. */
  status: string;
  /** The grant the disputed payment bought. */
  source: GrantSource;
}

export type RestoreResult = Extract<AccountCommandResult, { type: 'RestoreDisputed' }> | { droppedPendingRevocation: true };

/**
 * A dispute closed: won gives back what its opening revoked (a new grant sourced from the dispute), lost keeps it
 * revoked, and a lost dispute whose opening never arrived revokes now (see onDisputeClosed).
 */
export class RecordDisputeClosedHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; pending: PendingAdjustments; disputes: DisputeStates; grantIds: DeterministicIds }) {}

  async execute(command: RecordDisputeClosed, context: RequestContext): Promise<{ revoke: RevokeResult | null; restore: RestoreResult | null }> {
    const { customerId, disputeId, source } = command;
    const decision = onDisputeClosed(await this.deps.disputes.lockedStateOf(customerId, disputeId), disputeOutcome(command.status));
    const revoke = decision.revoke ? await revokeOrRemember(this.deps, customerId, source, context) : null;
    const restore = decision.restore ? await this.restore(command, context) : null;
    await this.deps.disputes.save(customerId, disputeId, decision.next);
    return { revoke, restore };
  }

  private async restore({ customerId, disputeId, source }: RecordDisputeClosed, context: RequestContext): Promise<RestoreResult> {
    // A revocation still waiting for its grant is simply dropped: the dispute that asked for it was won.
    if (await this.deps.pending.takeRevocation(customerId, source)) return { droppedPendingRevocation: true };
    const restoreGrantId = grantIdFor(this.deps.grantIds, customerId, { type: 'DISPUTE_REVERSAL', id: disputeId, period: null });
    const outcome = await this.deps.bus.submit(customerId, { type: 'RestoreDisputed', source, disputeId, restoreGrantId }, context, { openIfMissing: true });
    return unwrap<Extract<AccountCommandResult, { type: 'RestoreDisputed' }>>(outcome);
  }
}
