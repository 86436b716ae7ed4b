import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import type { GrantSource } from '../../../domain/grant-source.value-object';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { ClawbackClaim, PendingAdjustments } from '../../ports/pending-adjustments.port';

export interface ClawBackRefund extends ClawbackClaim {
  customerId: string;
  /** The grant the refunded payment bought. */
  source: GrantSource;
}

export type ClawBackRefundResult = { clawedBack: Extract<AccountCommandResult, { type: 'ClawBack' }> } | { remembered: true };

/**
 * Takes back the refunded share of what a payment bought (see CreditAccount.clawBack). A refund that overtook its
 * grant is remembered and applied when the grant comes.
 */
export class ClawBackRefundHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; pending: PendingAdjustments }) {}

  async execute(command: ClawBackRefund, context: RequestContext): Promise<ClawBackRefundResult> {
    const { customerId, source, paymentAmount, totalRefunded } = command;
    const outcome = await this.deps.bus.submit(customerId, { type: 'ClawBack', source, paymentAmount, totalRefunded }, context, { openIfMissing: true });
    if (outcome.ok) return { clawedBack: outcome.result as Extract<AccountCommandResult, { type: 'ClawBack' }> };
    if (outcome.error.code !== 'GRANT_NOT_FOUND') throw outcome.error;
    await this.deps.pending.rememberClawback(customerId, source, { paymentAmount, totalRefunded });
    return { remembered: true };
  }
}
