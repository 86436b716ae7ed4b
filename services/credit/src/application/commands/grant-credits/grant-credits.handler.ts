import { CreditAmount } from '../../../domain/credit-amount.value-object';
import { GrantSource } from '../../../domain/grant-source.value-object';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { grantIdFor } from '../../grant-id';
import { InvalidRequestError, requireCustomerId, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext, SubmitOptions } from '../../ports/account-command-bus.port';
import type { Clock } from '../../ports/clock.port';
import { requireReason } from '../../reason';
import type { DeterministicIds } from '../../ports/reservation-directory.port';

export interface GrantCredits {
  customerId: string;
  amount: number;
  source: { type: string; id: string; period?: number | null };
  expiresAt?: string | Date | null;
  priority?: number;
  /** Why (a goodwill grant); recorded on the grant's ledger entry with the actor who asked. */
  reason?: string | null;
}

/** Grants credits once per (account, source type, source id, period): see grantIdFor. */
export class GrantCreditsHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; grantIds: DeterministicIds; clock: Clock }) {}

  async execute(command: GrantCredits, context: RequestContext, options: SubmitOptions = {}) {
    const customerId = requireCustomerId(command.customerId);
    const amount = CreditAmount.of(command.amount, 'amount');
    const source = GrantSource.of(command.source);
    const expiresAt = command.expiresAt == null ? null : new Date(command.expiresAt);
    if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new InvalidRequestError('expiresAt must be an ISO-8601 instant');
    const reason = command.reason == null ? null : requireReason(command.reason);
    const grantId = grantIdFor(this.deps.grantIds, customerId, source);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Grant', grantId, amount, source, expiresAt, priority: command.priority, reason }, context, options);
    return unwrap<Extract<AccountCommandResult, { type: 'Grant' }>>(outcome);
  }
}
