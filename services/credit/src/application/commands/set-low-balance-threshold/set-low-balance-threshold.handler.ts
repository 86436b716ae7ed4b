import { CreditAmount } from '../../../domain/credit-amount.value-object';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireCustomerId, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';

export interface SetLowBalanceThreshold {
  customerId: string;
  /** Credits; null switches low-balance alerts off. */
  threshold: number | null;
}

/** Sets an account's low-balance threshold (absolute credits): CreditBalanceLow fires when available drops below it. */
export class SetLowBalanceThresholdHandler {
  constructor(private readonly deps: { bus: AccountCommandBus }) {}

  async execute(command: SetLowBalanceThreshold, context: RequestContext) {
    const customerId = requireCustomerId(command.customerId);
    const threshold = command.threshold === null ? null : CreditAmount.of(command.threshold, 'threshold');
    const outcome = await this.deps.bus.submit(customerId, { type: 'SetLowBalanceThreshold', threshold }, context);
    const { lowBalanceThreshold, available } = unwrap<Extract<AccountCommandResult, { type: 'SetLowBalanceThreshold' }>>(outcome);
    return { customerId, lowBalanceThreshold, available };
  }
}
