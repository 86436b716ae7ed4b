import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import type { LedgerEntry } from '../../../domain/ledger-entry';
import { InvalidRequestError, requireCustomerId } from '../../credit.errors';
import type { CreditReadModel, LedgerOrder } from '../../ports/credit-read-model.port';

export const MAX_LEDGER_PAGE = 500;

export interface LedgerPage {
  entries: LedgerEntry[];
  /** The sequence to read past (in the page's order) for the next page; null on the last page. Each transport wraps it as its cursor. */
  nextAfterSequence: number | null;
}

/** A page of the ledger in sequence order (or newest first), past a given sequence (0: from the first in that order). */
export class ListLedgerHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: { customerId: string; limit: number; afterSequence: number; order?: LedgerOrder }): Promise<LedgerPage> {
    const customerId = requireCustomerId(query.customerId);
    const { limit, afterSequence } = query;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LEDGER_PAGE) throw new InvalidRequestError(`limit must be 1..${MAX_LEDGER_PAGE}`);
    if (!Number.isSafeInteger(afterSequence) || afterSequence < 0) throw new InvalidRequestError('cursor is not one this service returned');
    // One more than asked: whether a next page exists is known without handing out a cursor to an empty page.
    const entries = await this.deps.readModel.ledger(customerId, { limit: limit + 1, afterSequence, order: query.order ?? 'asc' });
    if (!entries) throw new AccountNotFoundError(customerId);
    const page = entries.slice(0, limit);
    return { entries: page, nextAfterSequence: entries.length > limit ? page.at(-1)!.sequence : null };
  }
}
