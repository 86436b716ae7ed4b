import { onDisputeOpened } from '../../../domain/dispute-decision';
import type { GrantSource } from '../../../domain/grant-source.value-object';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { DisputeStates } from '../../ports/dispute-states.port';
import type { PendingAdjustments } from '../../ports/pending-adjustments.port';
import { revokeOrRemember, type RevokeResult } from '../../revoke-or-remember';

export interface RecordDisputeOpened {
  customerId: string;
  disputeId: string;
  /** The grant the disputed payment bought. */
  source: GrantSource;
}

/** A payment is disputed: what it bought and is unspent is revoked, once per dispute (see onDisputeOpened). */
export class RecordDisputeOpenedHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; pending: PendingAdjustments; disputes: DisputeStates }) {}

  async execute(command: RecordDisputeOpened, context: RequestContext): Promise<{ revoke: RevokeResult | null }> {
    const { customerId, disputeId, source } = command;
    const decision = onDisputeOpened(await this.deps.disputes.lockedStateOf(customerId, disputeId));
    const revoke = decision.revoke ? await revokeOrRemember(this.deps, customerId, source, context) : null;
    await this.deps.disputes.save(customerId, disputeId, decision.next);
    return { revoke };
  }
}
