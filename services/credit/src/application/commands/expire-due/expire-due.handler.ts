import type { DomainError } from '../../../domain/credit-account.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { Clock } from '../../ports/clock.port';
import type { DueAccounts } from '../../ports/due-accounts.port';

/**
 * ExpireReservations and ExpireGrants for accounts nobody is acting on: claims accounts with a hold past its TTL or a
 * grant past its expiry and expires what is due on each. (A command on an account expires what is due itself first.)
 */
export class ExpireDueHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; dueAccounts: DueAccounts; clock: Clock }) {}

  /** How many accounts it expired something on, and those that refused (reported, so one cannot stop the others). */
  async execute(command: { batchSize: number }, context: RequestContext): Promise<{ accounts: number; refused: { customerId: string; error: DomainError }[] }> {
    const due = await this.deps.dueAccounts.claim(this.deps.clock.now(), command.batchSize);
    const refused: { customerId: string; error: DomainError }[] = [];
    for (const customerId of due) {
      const outcome = await this.deps.bus.submit(customerId, { type: 'Expire' }, context);
      if (!outcome.ok) refused.push({ customerId, error: outcome.error });
    }
    return { accounts: due.length, refused };
  }
}
