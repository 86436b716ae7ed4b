// Test-only helpers for the credit domain specs: a pinned clock, sequential ids and terse command builders.
import { expect } from 'chai';
import { CreditAccount } from './credit-account.aggregate';
import { type CreditDomainErrorCode, DomainError } from './credit-account.errors';
import type { GrantSourceType } from './grant-source.value-object';
import type { CreditAccountEvent, CreditAccountEventType, EventOfType } from './events/credit-account.domain-event';
import type { IdGenerator } from './id-generator.port';

export class SequentialIds implements IdGenerator {
  private count = 0;
  constructor(private readonly prefix = 'entry-') {}
  next(): string {
    this.count += 1;
    return `${this.prefix}${this.count}`;
  }
}

export const T0 = new Date('2030-01-01T00:00:00.000Z');
/** The pinned clock: `at(90)` is 90 seconds after T0. */
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1_000);
export const SECOND = 1_000;
export const HOUR = 3_600 * SECOND;

/** An open account whose CreditAccountOpened has already been pulled. */
export function openAccount(options: { lowBalanceThreshold?: number | null; ids?: IdGenerator } = {}): CreditAccount {
  const account = CreditAccount.create(
    { accountId: 'acc-1', customerId: 'cus-1', lowBalanceThreshold: options.lowBalanceThreshold ?? null, now: T0 },
    options.ids ?? new SequentialIds(),
  );
  account.pullEvents();
  return account;
}

export interface GrantSpec {
  grantId: string;
  amount: number;
  expiresAt?: Date | null;
  priority?: number;
  now?: Date;
  sourceType?: GrantSourceType;
  sourceId?: string;
  period?: number | null;
}

/** Grants with a source unique to the grantId unless one is given. */
export function grant(account: CreditAccount, spec: GrantSpec) {
  return account.grant({
    grantId: spec.grantId,
    amount: spec.amount,
    source: { type: spec.sourceType ?? 'TOP_UP', id: spec.sourceId ?? `pay-${spec.grantId}`, period: spec.period ?? null },
    expiresAt: spec.expiresAt ?? null,
    ...(spec.priority === undefined ? {} : { priority: spec.priority }),
    now: spec.now ?? T0,
  });
}

export function reserve(account: CreditAccount, reservationId: string, amount: number, options: { ttlMs?: number; now?: Date } = {}) {
  return account.reserve({ reservationId, amount, ttlMs: options.ttlMs ?? HOUR, now: options.now ?? T0 });
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

export const typesOf = (events: readonly CreditAccountEvent[]): CreditAccountEventType[] => events.map((event) => event.type);

export function eventsOfType<T extends CreditAccountEventType>(events: readonly CreditAccountEvent[], type: T): EventOfType<T>[] {
  return events.filter((event): event is EventOfType<T> => event.type === type);
}

/** The ledger entries since `afterSequence` as compact [type, grantId, balanceDelta, heldDelta] rows. */
export function ledgerRows(account: CreditAccount, afterSequence = 0): [string, string, number, number][] {
  return account.ledgerEntries(afterSequence).map((entry) => [entry.type, entry.grantId, entry.balanceDelta, entry.heldDelta]);
}

export const heldOn = (account: CreditAccount, grantId: string) => account.findGrant(grantId)?.held;
export const remainingOn = (account: CreditAccount, grantId: string) => account.findGrant(grantId)?.remaining;

/** Asserts fn throws a DomainError with this code and returns it for further checks. */
export function expectDomainError(fn: () => unknown, code: CreditDomainErrorCode): DomainError {
  const error = thrownBy(fn);
  expect(error, `expected ${code}`).to.be.instanceOf(DomainError);
  expect((error as DomainError).code).to.equal(code);
  return error as DomainError;
}
