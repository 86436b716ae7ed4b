import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireCustomerId, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';

/** Opens a registered customer's account; one that is already open (a grant may have come first) stays as it is. */
export class OpenAccountHandler {
  constructor(private readonly deps: { bus: AccountCommandBus }) {}

  async execute(command: { customerId: string }, context: RequestContext) {
    const customerId = requireCustomerId(command.customerId);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Open' }, context, { openIfMissing: true });
    return unwrap<Extract<AccountCommandResult, { type: 'Open' }>>(outcome);
  }
}
