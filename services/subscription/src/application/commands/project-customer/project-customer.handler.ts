import { InvalidArgumentError } from '../../../domain/subscription.errors';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { ProjectCustomerCommand } from './project-customer.command';

export interface ProjectCustomerDeps {
  readonly customers: CustomerDirectory;
}

export class ProjectCustomerHandler {
  constructor(private readonly deps: ProjectCustomerDeps) {}

  /** Keeps the newest version of the customer; returns whether the projection changed. */
  async execute(command: ProjectCustomerCommand): Promise<boolean> {
    if (typeof command.customerId !== 'string' || command.customerId.trim() === '') {
      throw new InvalidArgumentError('customerId must be a non-empty string', { argument: 'customerId' });
    }
    if (!(command.occurredAt instanceof Date) || Number.isNaN(command.occurredAt.getTime())) {
      throw new InvalidArgumentError('occurredAt must be a valid instant', { argument: 'occurredAt' });
    }
    return this.deps.customers.record({
      customerId: command.customerId,
      defaultCurrency: command.defaultCurrency.toUpperCase(),
      occurredAt: command.occurredAt,
    });
  }
}
