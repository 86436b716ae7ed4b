import { CreditAccount } from '../../domain/credit-account.aggregate';
import type { CreditAccountEvent } from '../../domain/events/credit-account.domain-event';
import { type AccountCommand, type AccountCommandOutcome, decide } from '../../domain/credit-account.decide';
import { AccountNotFoundError } from '../../domain/credit-account.errors';
import type { AccountCommandBus, RequestContext, SubmitOptions } from '../ports/account-command-bus.port';
import type { DeterministicIds, ReservationDirectory } from '../ports/reservation-directory.port';

/** Accounts in memory, one command at a time: the application's view of the bus, for handler tests. */
export class InMemoryAccountCommandBus implements AccountCommandBus, ReservationDirectory {
  readonly accounts = new Map<string, CreditAccount>();
  readonly published: (CreditAccountEvent & { correlationId: string })[] = [];
  private sequence = 0;

  constructor(private readonly now: () => Date) {}

  private readonly ids = { next: () => `00000000-0000-4000-8000-${String((this.sequence += 1)).padStart(12, '0')}` };

  async submit(customerId: string, command: AccountCommand, context: RequestContext, options?: SubmitOptions): Promise<AccountCommandOutcome> {
    let account = this.accounts.get(customerId);
    if (!account && options?.openIfMissing) {
      account = CreditAccount.create({ accountId: this.ids.next(), customerId, now: this.now() }, this.ids);
      this.accounts.set(customerId, account);
    }
    if (!account) return { ok: false, error: new AccountNotFoundError(customerId) };
    const outcome = decide(account, command, this.now(), context.actor ?? null);
    this.published.push(...account.pullEvents().map((event) => ({ ...event, correlationId: context.correlationId })));
    return outcome;
  }

  async customerOf(reservationId: string): Promise<string | undefined> {
    for (const [customerId, account] of this.accounts) if (account.findReservation(reservationId)) return customerId;
    return undefined;
  }
}

/** Deterministic ids that are still UUID-shaped. */
export const testIds: DeterministicIds = {
  forKey: (scope, key) => {
    let hash = 0;
    for (const char of `${scope}:${key}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    return `${hash.toString(16).padStart(8, '0')}-0000-4000-8000-${key.length.toString(16).padStart(12, '0')}`;
  },
};
