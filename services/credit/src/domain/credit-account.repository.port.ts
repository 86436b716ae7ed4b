import type { CreditAccount } from './credit-account.aggregate';

/**
 * Implemented by infrastructure. Loading follows the rules on CreditAccountState; reconstitute() takes the state.
 *
 * save() must, in ONE transaction: upsert account, grants and reservations from account.toState(); insert
 * account.ledgerEntries(loadedSequence) (unique (account_id, sequence) turns a concurrent writer into a conflict);
 * and write account.pullEvents() to the outbox. Concurrency beyond that (a version column) is the repository's own.
 */
export interface CreditAccountRepository {
  findByAccountId(accountId: string): Promise<CreditAccount | null>;
  findByCustomerId(customerId: string): Promise<CreditAccount | null>;
  save(account: CreditAccount): Promise<void>;
}
