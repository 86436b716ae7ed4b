import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import { requireCustomerId } from '../../credit.errors';
import type { CreditReadModel, GrantRecord, NewestFirstKey } from '../../ports/credit-read-model.port';

/** Every grant of an account (spent, expired and revoked ones too), newest first. */
export class ListGrantsHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: { customerId: string; limit: number; before?: NewestFirstKey }): Promise<{ grants: GrantRecord[]; next: NewestFirstKey | null }> {
    const customerId = requireCustomerId(query.customerId);
    // One more than asked: whether a next page exists is known without handing out a cursor to an empty page.
    const grants = await this.deps.readModel.grants(customerId, { limit: query.limit + 1, ...(query.before ? { before: query.before } : {}) });
    if (!grants) throw new AccountNotFoundError(customerId);
    const page = grants.slice(0, query.limit);
    const last = page.at(-1);
    return { grants: page, next: grants.length > query.limit && last ? { at: last.grantedAt, id: last.grantId } : null };
  }
}
