// Test-only helpers for the payment domain specs: a pinned clock, uuid-shaped ids and payments in a given state.
import { expect } from 'chai';
import type { PaymentEvent, PaymentEventOfType, PaymentEventType } from './events/payment.domain-event';
import { Payment } from './payment.aggregate';
import type { CreatePayment } from './payment.commands';
import { DomainError, type PaymentDomainErrorCode } from './payment.errors';

export const T0 = new Date('2030-01-01T00:00:00.000Z');
/** The pinned clock: `at(90)` is 90 seconds after T0. */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1_000);

/** A valid uuid whose last group is n: uuid(1) = 00000000-0000-4000-8000-000000000001. */
export const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const PAYMENT_ID = uuid(1);
export const INTENT_ID = 'pi_test_1';

export function subscriptionPaymentCommand(overrides: Partial<CreatePayment> = {}): CreatePayment {
  return {
    paymentId: PAYMENT_ID,
    customerId: 'cus-1',
    reference: { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: 'sub-1', periodIndex: 1 },
    amount: 2_900,
    currency: 'EUR',
    offSession: false,
    now: T0,
    ...overrides,
  };
}

export function topUpPaymentCommand(overrides: Partial<CreatePayment> = {}): CreatePayment {
  return {
    paymentId: PAYMENT_ID,
    customerId: 'cus-1',
    reference: { purpose: 'CREDIT_TOP_UP', topUpId: 'top-1', credits: 500 },
    amount: 1_000,
    currency: 'USD',
    offSession: false,
    now: T0,
    ...overrides,
  };
}

/** Given: a payment whose intent exists (status requires_payment_method) and whose events were pulled. */
export function givenOpenPayment(overrides: Partial<CreatePayment> = {}): Payment {
  const payment = Payment.create(subscriptionPaymentCommand(overrides));
  payment.attachIntent({ gatewayPaymentIntentId: INTENT_ID, clientSecret: 'pi_test_1_secret_x', observedAt: T0 });
  payment.pullEvents();
  return payment;
}

/** Given: a payment in `status`, reached the ordinary way, events pulled. */
export function givenPaymentIn(status: 'processing' | 'succeeded' | 'failed' | 'canceled', overrides: Partial<CreatePayment> = {}): Payment {
  const payment = givenOpenPayment(overrides);
  payment.observeIntentStatus(status, { observedAt: at(10) });
  payment.pullEvents();
  return payment;
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
export function expectDomainError(fn: () => unknown, code: PaymentDomainErrorCode): DomainError {
  const error = thrownBy(fn);
  expect(error, `expected ${code}`).to.be.instanceOf(DomainError);
  expect((error as DomainError).code).to.equal(code);
  return error as DomainError;
}

export const typesOf = (events: readonly PaymentEvent[]): PaymentEventType[] => events.map((event) => event.type);

export function eventsOfType<T extends PaymentEventType>(events: readonly PaymentEvent[], type: T): PaymentEventOfType<T>[] {
  return events.filter((event): event is PaymentEventOfType<T> => event.type === type);
}

/** The facts every event of the default subscription payment carries. */
export const SUBSCRIPTION_FACTS = {
  paymentId: PAYMENT_ID,
  customerId: 'cus-1',
  purpose: 'SUBSCRIPTION_PERIOD',
  referenceId: 'sub-1',
  periodIndex: 1,
  changeId: null,
  credits: null,
  amount: 2_900,
  currency: 'EUR',
} as const;
