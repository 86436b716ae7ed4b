// Test-only helpers for the customer domain specs: a pinned clock, valid sample values and a given/when/then harness.
import { expect } from 'chai';
import { Customer } from './customer.aggregate';
import type { RegisterCustomerProps } from './customer.commands';
import { type CustomerDomainErrorCode, DomainError } from './customer.errors';
import type { CustomerEvent } from './events/customer.domain-event';

export const T0 = new Date('2030-01-01T00:00:00.000Z');
/** The pinned clock: `at(90)` is 90 seconds after T0. */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1_000);

export const CUSTOMER_ID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
export const ACCOUNT_ID = 'acct_42';
export const STRIPE_ID = 'cus_Abc123';

export function registrationProps(overrides: Partial<RegisterCustomerProps> = {}): RegisterCustomerProps {
  return {
    id: CUSTOMER_ID,
    externalAccountId: ACCOUNT_ID,
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    defaultCurrency: 'EUR',
    now: T0,
    ...overrides,
  };
}

/** An active, unlinked customer whose CustomerRegistered has already been pulled. */
export function registeredCustomer(overrides: Partial<RegisterCustomerProps> = {}): Customer {
  const customer = Customer.create(registrationProps(overrides));
  customer.pullEvents();
  return customer;
}

export function linkedCustomer(gatewayCustomerId = STRIPE_ID): Customer {
  const customer = registeredCustomer();
  customer.linkPaymentGateway('stripe', gatewayCustomerId, at(1));
  customer.pullEvents();
  return customer;
}

export function deactivatedCustomer(options: { linked?: boolean } = {}): Customer {
  const customer = options.linked === true ? linkedCustomer() : registeredCustomer();
  customer.deactivate(at(2));
  customer.pullEvents();
  return customer;
}

/** Runs fn and returns what it threw (undefined if it did not). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Asserts fn throws a DomainError with this code and returns it for further checks. */
export function expectDomainError(fn: () => unknown, code: CustomerDomainErrorCode): DomainError {
  const error = thrownBy(fn);
  expect(error, `expected ${code}`).to.be.instanceOf(DomainError);
  expect((error as DomainError).code).to.equal(code);
  return error as DomainError;
}

/**
 * given(customer).when(action).then…: runs the action on the customer and checks what it recorded. A refusal also
 * proves the call was atomic: the state is exactly as before and nothing was recorded.
 */
export function given(customer: Customer) {
  customer.pullEvents();
  return {
    when<R>(action: (customer: Customer) => R) {
      return {
        thenRecords(expected: readonly CustomerEvent[]): R {
          const result = action(customer);
          expect(customer.pullEvents()).to.deep.equal(expected);
          return result;
        },
        thenRecordsNothing(): R {
          const before = customer.toState();
          const result = action(customer);
          expect(customer.pullEvents()).to.deep.equal([]);
          expect(customer.toState()).to.deep.equal(before);
          return result;
        },
        thenRefuses(code: CustomerDomainErrorCode): DomainError {
          const before = customer.toState();
          const error = expectDomainError(() => action(customer), code);
          expect(customer.pullEvents()).to.deep.equal([]);
          expect(customer.toState()).to.deep.equal(before);
          return error;
        },
      };
    },
  };
}
