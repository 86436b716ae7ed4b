import type { Clock } from '../../ports/clock.port';
import type { CustomerProjections } from '../../ports/customer-projections.port';
import { publishedDateOr } from '../../shared/published-date';
import type { RecordCustomerDeactivation } from './record-customer-deactivation.command';

/** A deactivated customer buys no more top-ups (CreateTopUp asks the CustomerDirectory, which reads this projection). */
export class RecordCustomerDeactivationHandler {
  constructor(private readonly deps: { projections: CustomerProjections; clock: Clock }) {}

  async execute(command: RecordCustomerDeactivation): Promise<void> {
    await this.deps.projections.recordDeactivation(command.customerId, publishedDateOr(command.deactivatedAt, this.deps.clock.now()));
  }
}
