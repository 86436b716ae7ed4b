import { Customer } from '../../../domain/customer.aggregate';
import { DuplicateExternalAccountIdError } from '../../../domain/customer.errors';
import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { type CustomerReadModel, toCustomerReadModel } from '../../customer.read-model';
import { createAndLinkGatewayCustomer } from '../../gateway-customer';
import type { Clock } from '../../ports/clock.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import { type PaymentGateway, PaymentGatewayUnavailableError } from '../../ports/payment-gateway.port';
import type { RegisterCustomerCommand } from './register-customer.command';

export interface RegisterCustomerDeps {
  readonly customers: CustomerRepository;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export type RegisterCustomerResult =
  | { readonly customer: CustomerReadModel; readonly gatewayLink: 'linked' }
  | {
      readonly customer: CustomerReadModel;
      /** Registered and committed, but not linked yet: LinkPendingGatewayCustomers will link it. */
      readonly gatewayLink: 'pending';
      /** Why, for the caller to log; the handler logs nothing. */
      readonly gatewayError: unknown;
      /** true for PaymentGatewayUnavailableError (expected, retried by the job); false for anything unexpected. */
      readonly transient: boolean;
    };

/**
 * Registers the customer, then creates its gateway customer. The two are not one transaction (a gateway is not a
 * database), so the order makes every failure recoverable: the customer and CustomerRegistered are committed first;
 * the gateway call (idempotency key = our customer id) and PaymentGatewayLinked follow. Once the customer is
 * committed this handler does not throw: a gateway or link failure returns `gatewayLink: 'pending'` and the
 * background job finishes the link with the same idempotency key, so no second gateway customer is ever created.
 */
export class RegisterCustomerHandler {
  constructor(private readonly deps: RegisterCustomerDeps) {}

  /** Throws a DomainError (INVALID_*, DUPLICATE_EXTERNAL_ACCOUNT_ID) before anything is written. */
  async execute(command: RegisterCustomerCommand): Promise<RegisterCustomerResult> {
    const { customers, clock, ids } = this.deps;
    const customer = Customer.create({
      id: ids.next(),
      externalAccountId: command.externalAccountId,
      email: command.email,
      name: command.name,
      defaultCurrency: command.defaultCurrency,
      now: clock.now(),
    });
    // A fast, friendly refusal; the unique constraint behind add() is what makes it hold under concurrency.
    if ((await customers.findByExternalAccountId(customer.externalAccountId)) !== null) {
      throw new DuplicateExternalAccountIdError(customer.externalAccountId);
    }
    await customers.add(customer);
    try {
      const linked = await createAndLinkGatewayCustomer(this.deps, customer);
      return { customer: toCustomerReadModel(linked), gatewayLink: 'linked' };
    } catch (error) {
      return {
        customer: toCustomerReadModel(customer),
        gatewayLink: 'pending',
        gatewayError: error,
        transient: error instanceof PaymentGatewayUnavailableError,
      };
    }
  }
}
