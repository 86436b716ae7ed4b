import { GrantSource } from '../../../domain/grant-source.value-object';
import type { AccountCommandResult } from '../../account-command';
import { requireCustomerId, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { DeterministicIds } from '../../ports/reservation-directory.port';

/** Revokes what is still unspent of the grant a source made (a refunded or disputed payment). */
export class RevokeGrantHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; grantIds: DeterministicIds }) {}

  async execute(command: { customerId: string; source: { type: string; id: string; period?: number | null } }, context: RequestContext) {
    const customerId = requireCustomerId(command.customerId);
    const grantId = this.deps.grantIds.forKey('grant', GrantSource.key(GrantSource.of(command.source)));
    return unwrap<Extract<AccountCommandResult, { type: 'Revoke' }>>(await this.deps.bus.submit(customerId, { type: 'Revoke', grantId }, context));
  }
}
