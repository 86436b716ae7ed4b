import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { GrantNotFoundError } from '../../../domain/credit-account.errors';
import { requireUuid, unwrap } from '../../credit.errors';
import { requireReason } from '../../reason';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { CreditReadModel } from '../../ports/credit-read-model.port';

/**
 * A person takes back what is still free of a grant (the console's revoke). Credits a reservation holds stay with it:
 * a capture still finds them, and what is released later is revoked then (CreditAccount.revokeGrant).
 */
export class RevokeGrantHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; readModel: Pick<CreditReadModel, 'customerOfGrant'> }) {}

  async execute(command: { grantId: string; reason: string }, context: RequestContext) {
    const grantId = requireUuid(command.grantId, 'grantId');
    const reason = requireReason(command.reason);
    const customerId = await this.deps.readModel.customerOfGrant(grantId);
    if (customerId === undefined) throw new GrantNotFoundError(grantId);
    const outcome = await this.deps.bus.submit(customerId, { type: 'RevokeGrant', grantId, reason }, context);
    return unwrap<Extract<AccountCommandResult, { type: 'RevokeGrant' }>>(outcome);
  }
}
