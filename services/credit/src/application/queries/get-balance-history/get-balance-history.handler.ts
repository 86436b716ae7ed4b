import { AccountNotFoundError } from '../../../domain/credit-account.errors';
import { InvalidRequestError, requireCustomerId } from '../../credit.errors';
import type { Clock } from '../../ports/clock.port';
import type { BalancePoint, CreditReadModel } from '../../ports/credit-read-model.port';

export const MIN_HISTORY_POINTS = 2;
export const MAX_HISTORY_POINTS = 500;

/**
 * The balance over time for a chart: at most `points` points, oldest first, the last one now with the current
 * balance; the others are the balance after the last entry of equal runs of balance-moving ledger entries.
 */
export class GetBalanceHistoryHandler {
  constructor(private readonly deps: { readModel: CreditReadModel; clock: Clock }) {}

  async execute(query: { customerId: string; points: number }): Promise<BalancePoint[]> {
    const customerId = requireCustomerId(query.customerId);
    const { points } = query;
    if (!Number.isSafeInteger(points) || points < MIN_HISTORY_POINTS || points > MAX_HISTORY_POINTS) {
      throw new InvalidRequestError(`points must be ${MIN_HISTORY_POINTS}..${MAX_HISTORY_POINTS}`);
    }
    const history = await this.deps.readModel.balanceHistory(customerId, points - 1);
    if (!history) throw new AccountNotFoundError(customerId);
    return [...history.points, { at: this.deps.clock.now(), balance: history.balance }];
  }
}
