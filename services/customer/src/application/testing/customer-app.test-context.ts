// Test-only wiring for the customer application specs: fakes behind every port and every handler built on them.
import { expect } from 'chai';
import { DomainError } from '../../domain/customer.errors';
import type { CustomerErrorCode } from '../application.errors';
import { DeactivateCustomerHandler } from '../commands/deactivate-customer/deactivate-customer.handler';
import { LinkPaymentGatewayCustomerHandler } from '../commands/link-payment-gateway-customer/link-payment-gateway-customer.handler';
import { LinkPendingGatewayCustomersHandler } from '../commands/link-pending-gateway-customers/link-pending-gateway-customers.handler';
import type { RegisterCustomerCommand } from '../commands/register-customer/register-customer.command';
import { RegisterCustomerHandler } from '../commands/register-customer/register-customer.handler';
import { UpdateCustomerHandler } from '../commands/update-customer/update-customer.handler';
import type { CustomerReadModel } from '../customer.read-model';
import { GetCustomerHandler } from '../queries/get-customer/get-customer.handler';
import { GetCustomerByExternalIdHandler } from '../queries/get-customer-by-external-id/get-customer-by-external-id.handler';
import { GetCustomerByGatewayIdHandler } from '../queries/get-customer-by-gateway-id/get-customer-by-gateway-id.handler';
import { ListCustomersHandler } from '../queries/list-customers/list-customers.handler';
import { FakePaymentGateway } from './fake-payment-gateway';
import { InMemoryCustomerRepository } from './in-memory-customer.repository';
import { ManualClock } from './manual-clock';
import { SequentialIdGenerator } from './sequential-id-generator';

export const T0 = new Date('2030-01-01T00:00:00.000Z');
/** The first id SequentialIdGenerator hands out, i.e. the first registered customer's id. */
export const FIRST_ID = '00000000-0000-4000-8000-000000000001';
export const UNKNOWN_ID = '99999999-9999-4999-8999-999999999999';

export function createTestContext() {
  const customers = new InMemoryCustomerRepository();
  const paymentGateway = new FakePaymentGateway();
  const clock = new ManualClock(T0);
  const ids = new SequentialIdGenerator();
  return {
    customers,
    paymentGateway,
    clock,
    ids,
    registerCustomer: new RegisterCustomerHandler({ customers, paymentGateway, clock, ids }),
    updateCustomer: new UpdateCustomerHandler({ customers, clock }),
    linkPaymentGatewayCustomer: new LinkPaymentGatewayCustomerHandler({ customers, clock }),
    deactivateCustomer: new DeactivateCustomerHandler({ customers, clock }),
    linkPendingGatewayCustomers: new LinkPendingGatewayCustomersHandler({ customers, paymentGateway, clock }),
    getCustomer: new GetCustomerHandler({ customers }),
    getCustomerByExternalId: new GetCustomerByExternalIdHandler({ customers }),
    getCustomerByGatewayId: new GetCustomerByGatewayIdHandler({ customers }),
    listCustomers: new ListCustomersHandler({ customers }),
  };
}

export type TestContext = ReturnType<typeof createTestContext>;

export function registration(overrides: Partial<RegisterCustomerCommand> = {}): RegisterCustomerCommand {
  return { externalAccountId: 'acct_1', email: 'ada@example.com', name: 'Ada Lovelace', defaultCurrency: 'EUR', ...overrides };
}

/** Registers (gateway as it is) and returns the read model. */
export async function registered(context: TestContext, overrides: Partial<RegisterCustomerCommand> = {}): Promise<CustomerReadModel> {
  return (await context.registerCustomer.execute(registration(overrides))).customer;
}

/** Registers with the gateway down, so the customer stays unlinked; the gateway comes back up afterwards. */
export async function registeredUnlinked(context: TestContext, overrides: Partial<RegisterCustomerCommand> = {}): Promise<CustomerReadModel> {
  const mode = context.paymentGateway.mode;
  context.paymentGateway.mode = 'down';
  try {
    return await registered(context, overrides);
  } finally {
    context.paymentGateway.mode = mode;
  }
}

/** Awaits `promise`, asserts it rejects with a DomainError of this code and returns the error. */
export async function expectRejection(promise: Promise<unknown>, code: CustomerErrorCode): Promise<DomainError> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected ${code}`).to.be.instanceOf(DomainError);
  expect((error as DomainError).code).to.equal(code);
  return error as DomainError;
}

export const eventTypes = (context: TestContext): string[] => context.customers.outbox.map((event) => event.type);
