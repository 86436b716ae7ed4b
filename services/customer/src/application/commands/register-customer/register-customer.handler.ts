import { Customer } from '../../../domain/customer.aggregate';
import { CustomerNotFoundError, DuplicateExternalAccountIdError } from '../../../domain/customer.errors';
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
    return this.linkToGateway(await this.add(command));
  }

  /**
   * The first half of execute() alone: validates and adds the customer (with CustomerRegistered), nothing else. For a
   * caller that must commit the registration together with writes of its own (e.g. the REST idempotency key): it
   * builds this handler on a repository that writes in its transaction, commits, then calls linkRegistered() on a
   * handler whose repository writes on its own. Throws like execute().
   */
  async registerOnly(command: RegisterCustomerCommand): Promise<CustomerReadModel> {
    return toCustomerReadModel(await this.add(command));
  }

  /**
   * The second half of execute(), for a customer whose registration is committed: creates and links its gateway
   * customer unless it is linked already (e.g. by the background job). `registered` is what registerOnly() returned.
   * Never throws: any failure, a failed load included, returns `gatewayLink: 'pending'` (with `registered` when the
   * customer could not be loaded) and the background job finishes the link.
   */
  async linkRegistered(registered: CustomerReadModel): Promise<RegisterCustomerResult> {
    let customer: Customer | null;
    try {
      customer = await this.deps.customers.findById(registered.id);
      if (customer === null) throw new CustomerNotFoundError({ customerId: registered.id });
    } catch (error) {
      return { customer: registered, gatewayLink: 'pending', gatewayError: error, transient: false };
    }
    if (customer.isLinkedTo(this.deps.paymentGateway.name)) return { customer: toCustomerReadModel(customer), gatewayLink: 'linked' };
    return this.linkToGateway(customer);
  }

  private async add(command: RegisterCustomerCommand): Promise<Customer> {
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
    return customer;
  }

  private async linkToGateway(customer: Customer): Promise<RegisterCustomerResult> {
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
