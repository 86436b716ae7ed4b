import type { AccountCommand, AccountCommandResult } from '../../../domain/credit-account.decide';
import { GrantSource } from '../../../domain/grant-source.value-object';
import { grantIdFor } from '../../grant-id';
import { unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { PendingAdjustments } from '../../ports/pending-adjustments.port';
import type { DeterministicIds } from '../../ports/reservation-directory.port';

export interface GrantPaidCredits {
  customerId: string;
  /** 0 or less grants nothing (a plan without credits, a downgrade's proration). */
  amount: number;
  source: GrantSource;
  expiresAt: Date | null;
  /** The plan's low-balance threshold, taken only by an account without one of its own. */
  defaultLowBalanceThreshold?: number | null;
}

export type GrantPaidCreditsResult = { granted: false } | { granted: true; grantId: string; created: boolean; revoked: boolean; clawedBack: boolean };

/**
 * Grants what another context says was paid for (a subscription period, a plan change's proration, a top-up), once
 * per source: the grant's id derives from its account and source, so two events that mean the same grant grant once.
 * A revocation or refund that arrived before it is applied now, in the same transaction; the account opens if the
 * customer's registration has not arrived yet.
 */
export class GrantPaidCreditsHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; pending: PendingAdjustments; grantIds: DeterministicIds }) {}

  async execute(command: GrantPaidCredits, context: RequestContext): Promise<GrantPaidCreditsResult> {
    if (command.amount <= 0) return { granted: false };
    const { customerId } = command;
    const source = GrantSource.of(command.source);
    const grantId = grantIdFor(this.deps.grantIds, customerId, source);
    const commands: AccountCommand[] = [{ type: 'Grant', grantId, amount: command.amount, source, expiresAt: command.expiresAt }];
    const revoked = await this.deps.pending.takeRevocation(customerId, source);
    if (revoked) commands.push({ type: 'Revoke', source });
    const clawback = await this.deps.pending.takeClawback(customerId, source);
    if (clawback) commands.push({ type: 'ClawBack', source, ...clawback });
    if (command.defaultLowBalanceThreshold != null) commands.push({ type: 'AdoptLowBalanceThreshold', threshold: command.defaultLowBalanceThreshold });
    // In order, one after the other: the revocation and claw-back act on the grant the first command makes.
    const results: AccountCommandResult[] = [];
    for (const each of commands) results.push(unwrap(await this.deps.bus.submit(customerId, each, context, { openIfMissing: true })));
    const { created } = results[0] as Extract<AccountCommandResult, { type: 'Grant' }>;
    return { granted: true, grantId, created, revoked, clawedBack: clawback !== undefined };
  }
}
