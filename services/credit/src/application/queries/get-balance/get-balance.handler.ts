import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import { requireCustomerId } from '../../credit.errors';
import type { CreditReadModel } from '../../ports/credit-read-model.port';

export class GetBalanceHandler {
  constructor(private readonly deps: { readModel: CreditReadModel }) {}

  async execute(query: { customerId: string }) {
    const customerId = requireCustomerId(query.customerId);
    const balance = await this.deps.readModel.balance(customerId);
    if (!balance) throw new AccountNotFoundError(customerId);
    return balance;
  }
}
