import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import { InvalidRequestError, requireCustomerId } from '../../credit.errors';
import type { CreditReadModel } from '../../ports/credit-read-model.port';

/** A page of the ledger in sequence order; the cursor is the last sequence seen. */
export class ListLedgerHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: { customerId: string; limit?: number; cursor?: string }) {
    const customerId = requireCustomerId(query.customerId);
    const limit = query.limit || 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 500) throw new InvalidRequestError('limit must be 1..500');
    const afterSequence = query.cursor ? Number(query.cursor) : 0;
    if (!Number.isSafeInteger(afterSequence) || afterSequence < 0) throw new InvalidRequestError('cursor is not one this service returned');
    const entries = await this.deps.readModel.ledger(customerId, { limit, afterSequence });
    if (!entries) throw new AccountNotFoundError(customerId);
    return { entries, nextCursor: entries.length === limit ? String(entries.at(-1)!.sequence) : null };
  }
}
