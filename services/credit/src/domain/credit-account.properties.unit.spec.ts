import { isDeepStrictEqual as isDeepEqual } from 'node:util';
import { expect } from 'chai';
import fc from 'fast-check';
import { CreditAccount } from './credit-account.aggregate';
import { DomainError } from './credit-account.errors';
import type { CreditAccountState } from './credit-account.state';
import { MAX_CREDIT_AMOUNT } from './credit-amount.value-object';
import { SequentialIds, T0 } from './credit-account.test-fixtures';
import type { CreditAccountEvent } from './events/credit-account.domain-event';
import { GRANT_SOURCE_TYPES } from './grant-source.value-object';
import type { ReservationStatus } from './reservation.entity';

// Random command sequences against one account. Commands may fail (that is part of the test); after every step the
// ledger rules must hold, the ledger must sum to the balance, and the recorded events must explain every movement.

const invalidAmount = fc.constantFrom(0, -3, 2.5, Number.NaN, MAX_CREDIT_AMOUNT + 1);
/** Mostly valid amounts up to `max`, now and then one the domain must refuse. */
const amountUpTo = (max: number) =>
  fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max }) }, { weight: 1, arbitrary: invalidAmount });
const pick = fc.nat({ max: 1_000 });
/** A share of what the reservation holds (capture) or could refund, else an absolute amount that may be refused. */
const share = fc.oneof(
  { weight: 14, arbitrary: fc.integer({ min: 1, max: 100 }).map((percent) => ({ percent })) },
  { weight: 1, arbitrary: fc.oneof(invalidAmount, fc.integer({ min: 1, max: 400 })).map((absolute) => ({ absolute })) },
);
type Share = { percent: number } | { absolute: number };
const amountOf = (portion: Share, base: number): number =>
  'absolute' in portion ? portion.absolute : Math.max(1, Math.ceil((base * portion.percent) / 100));
const kind = <K extends string>(value: K) => fc.constant(value);

const command = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: kind('grant'),
      amount: amountUpTo(300),
      sourceType: fc.constantFrom(...GRANT_SOURCE_TYPES),
      sourceId: fc.constantFrom('a', 'b', 'c', 'd'),
      period: fc.option(fc.integer({ min: 0, max: 3 })),
      expiresInS: fc.option(fc.integer({ min: -60, max: 7_200 }), { freq: 3 }),
      priority: fc.integer({ min: -2, max: 2 }),
      reuseGrantId: fc.integer({ min: 0, max: 9 }).map((roll) => roll === 0),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: kind('reserve'),
      amount: amountUpTo(120),
      ttlS: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1, max: 7_200 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 86_401) }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: kind('capture'), pick, share }) },
  { weight: 2, arbitrary: fc.record({ kind: kind('release'), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: kind('refund'), pick, share }) },
  { weight: 1, arbitrary: fc.record({ kind: kind('revoke'), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: kind('clawBack'), pick, paid: fc.integer({ min: 1, max: 5_000 }), refundedPercent: fc.integer({ min: 0, max: 110 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: kind('advance'), seconds: fc.integer({ min: 1, max: 3_600 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: kind('expireGrants') }) },
  { weight: 1, arbitrary: fc.record({ kind: kind('expireReservations') }) },
  { weight: 1, arbitrary: fc.record({ kind: kind('threshold'), value: fc.option(fc.integer({ min: 1, max: 500 })) }) },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** Picks a known id by index; about one pick in ten (and any pick before ids exist) names an id nobody issued. */
const choose = (ids: readonly string[], index: number): string =>
  index % 10 === 9 ? 'unknown' : (ids[index % Math.max(ids.length, 1)] ?? 'unknown');

/** Mostly a reservation in the status the command needs, so captures and refunds mostly get past the lookup. */
function chooseReservation(world: World, index: number, status: ReservationStatus): string {
  if (index % 5 === 4) return choose(world.reservationIds, index);
  const fitting = world.reservationIds.filter((id) => world.account.findReservation(id)?.status === status);
  return fitting.length > 0 ? choose(fitting, index) : choose(world.reservationIds, index);
}

const sumOf = <T>(items: readonly T[], value: (item: T) => number): number => items.reduce((sum, item) => sum + value(item), 0);

interface World {
  account: CreditAccount;
  now: Date;
  grantIds: string[];
  reservationIds: string[];
  counter: number;
}

function execute(world: World, cmd: Command): void {
  const { account, now } = world;
  world.counter += 1;
  switch (cmd.kind) {
    case 'grant': {
      const grantId = cmd.reuseGrantId && world.grantIds.length > 0 ? choose(world.grantIds, world.counter) : `g${world.counter}`;
      if (!world.grantIds.includes(grantId)) world.grantIds.push(grantId);
      const period = cmd.sourceType === 'SUBSCRIPTION_PERIOD' ? (cmd.period ?? 0) : cmd.period;
      const expiresAt = cmd.expiresInS === null ? null : new Date(now.getTime() + cmd.expiresInS * 1_000);
      account.grant({ grantId, amount: cmd.amount, source: { type: cmd.sourceType, id: cmd.sourceId, period }, expiresAt, priority: cmd.priority, now });
      return;
    }
    case 'reserve': {
      const reservationId = `r${world.counter}`;
      world.reservationIds.push(reservationId);
      account.reserve({ reservationId, amount: cmd.amount, ttlMs: cmd.ttlS * 1_000, now });
      return;
    }
    case 'capture': {
      const reservationId = chooseReservation(world, cmd.pick, 'HELD');
      const held = account.findReservation(reservationId)?.amount ?? 10;
      account.capture({ idempotencyKey: 'key', reservationId, amount: amountOf(cmd.share, held), now });
      return;
    }
    case 'release':
      account.release({ idempotencyKey: 'key', reservationId: chooseReservation(world, cmd.pick, 'HELD'), now });
      return;
    case 'refund': {
      const reservationId = chooseReservation(world, cmd.pick, 'CAPTURED');
      const reservation = account.findReservation(reservationId);
      const refundable = reservation === undefined ? 10 : sumOf(reservation.allocations, (a) => a.captured - a.refunded);
      account.refundCapture({ reservationId, amount: amountOf(cmd.share, Math.max(refundable, 1)), now });
      return;
    }
    case 'revoke':
      account.revokeGrant({ grantId: choose(world.grantIds, cmd.pick), now });
      return;
    case 'clawBack':
      account.clawBack({ grantId: choose(world.grantIds, cmd.pick), paymentAmount: cmd.paid, totalRefunded: Math.floor((cmd.paid * cmd.refundedPercent) / 100), now });
      return;
    case 'advance':
      world.now = new Date(now.getTime() + cmd.seconds * 1_000);
      return;
    case 'expireGrants':
      account.expireGrants(now);
      return;
    case 'expireReservations':
      account.expireReservations(now);
      return;
    case 'threshold':
      account.changeLowBalanceThreshold({ threshold: cmd.value, now });
      return;
    default: {
      const unknown: never = cmd;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

/** How much balance and held the recorded events say moved. */
function movementIn(events: readonly CreditAccountEvent[]): { balance: number; held: number } {
  let balance = 0;
  let held = 0;
  for (const event of events) {
    switch (event.type) {
      case 'CreditsGranted':
      case 'CreditsRefunded':
        balance += event.amount;
        break;
      case 'CreditsExpired':
      case 'CreditsRevoked':
        balance -= event.amount;
        break;
      case 'CreditsReserved':
        held += event.amount;
        break;
      case 'ReservationCaptured':
        balance -= event.captured;
        held -= event.captured + event.released;
        break;
      case 'ReservationReleased':
        held -= event.released;
        break;
      case 'ReservationExpired':
        held -= event.amount;
        break;
      case 'CreditAccountOpened':
        break;
      case 'CreditsClawbackShortfall':
        expect(event.claimed).to.equal(event.revoked + event.shortfall);
        break;
      case 'CreditBalanceLow':
        expect(event.available).to.be.below(event.threshold);
        break;
      case 'CreditBalanceRecovered':
        expect(event.available).to.be.at.least(event.threshold);
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  }
  return { balance, held };
}

function assertLedgerRules(account: CreditAccount): void {
  account.validate(); // every rule in credit-account.invariants.ts, plus the running totals against the ledger
  const state = account.toState();
  expect(account.balance).to.equal(sumOf(state.ledger, (entry) => entry.balanceDelta));
  expect(account.held).to.equal(sumOf(state.ledger, (entry) => entry.heldDelta));
  expect(account.available).to.be.at.least(0);
  expect(account.balance).to.equal(sumOf(state.grants, (grant) => grant.remaining));
  // Every reservation is loaded here, so what grants consumed equals captures net of refunds exactly.
  const netCaptured = new Map<string, number>();
  for (const reservation of state.reservations) {
    if (reservation.status !== 'CAPTURED') continue;
    for (const { grantId, captured, refunded } of reservation.allocations) netCaptured.set(grantId, (netCaptured.get(grantId) ?? 0) + captured - refunded);
  }
  for (const grant of state.grants) expect(grant.consumed, `consumed on ${grant.grantId}`).to.equal(netCaptured.get(grant.grantId) ?? 0);
}

/** A refused command may leave only what time had already decided: the same as expiring due holds and grants. */
function onlyTimeApplied(before: CreditAccountState, after: CreditAccountState, now: Date): boolean {
  const replay = CreditAccount.reconstitute(before, new SequentialIds('replay-'));
  replay.expireDue(now);
  const withoutEntryIds = (state: CreditAccountState) => ({ ...state, ledger: state.ledger.map(({ entryId: _, ...rest }) => rest) });
  try {
    expect(withoutEntryIds(after)).to.deep.equal(withoutEntryIds(replay.toState()));
    return true;
  } catch {
    return false;
  }
}

describe('CreditAccount', () => {
  describe('when any sequence of commands runs, failures included', () => {
    it('keeps every ledger invariant after every step, and the events explain every movement', () => {
      fc.assert(
        fc.property(fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }), fc.option(fc.integer({ min: 1, max: 400 })), (commands, threshold) => {
          const account = CreditAccount.create({ accountId: 'acc-p', customerId: 'cus-p', lowBalanceThreshold: threshold, now: T0 }, new SequentialIds());
          account.pullEvents();
          const world: World = { account, now: T0, grantIds: [], reservationIds: [], counter: 0 };
          for (const cmd of commands) {
            const before = account.toState();
            const totalsBefore = { balance: account.balance, held: account.held };
            try {
              execute(world, cmd);
            } catch (error) {
              expect(error).to.be.instanceOf(DomainError);
              const { code } = error as DomainError;
              expect(code).to.not.equal('INVARIANT_VIOLATION');
              // Bad input is refused before anything, time included, is applied; business refusals come after.
              if (code.startsWith('INVALID_')) expect(account.toState(), `${code} changed state`).to.deep.equal(before);
              else expect(onlyTimeApplied(before, account.toState(), world.now), `${code} changed more than time`).to.equal(true);
            }
            assertLedgerRules(account);
            const moved = movementIn(account.pullEvents());
            expect(account.balance - totalsBefore.balance, 'balance moved without events').to.equal(moved.balance);
            expect(account.held - totalsBefore.held, 'held moved without events').to.equal(moved.held);
          }
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('when the same commands are replayed from stored state', () => {
    it('reconstitutes to an equal account at any point', () => {
      fc.assert(
        fc.property(fc.array(command, { minLength: 1, maxLength: 30, size: 'max' }), (commands) => {
          const account = CreditAccount.create({ accountId: 'acc-p', customerId: 'cus-p', now: T0 }, new SequentialIds());
          const world: World = { account, now: T0, grantIds: [], reservationIds: [], counter: 0 };
          for (const cmd of commands) {
            try {
              execute(world, cmd);
            } catch (error) {
              if (!(error instanceof DomainError)) throw error;
            }
          }
          const copy = CreditAccount.reconstitute(account.toState(), new SequentialIds());
          expect(copy.toState()).to.deep.equal(account.toState());
          expect(copy.balanceView()).to.deep.equal(account.balanceView());
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('when commands run on an account loaded from stored state', () => {
    it('reports as changed every grant and reservation that differs from what was loaded, as it now is', () => {
      fc.assert(
        fc.property(fc.array(command, { minLength: 0, maxLength: 20, size: 'max' }), fc.array(command, { minLength: 1, maxLength: 20, size: 'max' }), (earlier, later) => {
          const world: World = { account: CreditAccount.create({ accountId: 'acc-p', customerId: 'cus-p', now: T0 }, new SequentialIds()), now: T0, grantIds: [], reservationIds: [], counter: 0 };
          const run = (commands: typeof earlier) => {
            for (const cmd of commands) {
              try {
                execute(world, cmd);
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
              }
            }
          };
          run(earlier);
          const loaded = world.account.toState();
          world.account = CreditAccount.reconstitute(loaded, new SequentialIds('loaded-'));
          run(later);
          const now = world.account.toState();
          const changedGrants = new Map(world.account.changedGrants().map((grant) => [grant.grantId, grant]));
          const changedReservations = new Map(world.account.changedReservations().map((reservation) => [reservation.reservationId, reservation]));
          for (const grant of now.grants) {
            const before = loaded.grants.find((candidate) => candidate.grantId === grant.grantId);
            if (before === undefined || !isDeepEqual(before, grant)) expect(changedGrants.get(grant.grantId), `grant ${grant.grantId}`).to.deep.equal(grant);
          }
          for (const reservation of now.reservations) {
            const before = loaded.reservations.find((candidate) => candidate.reservationId === reservation.reservationId);
            if (before === undefined || !isDeepEqual(before, reservation)) expect(changedReservations.get(reservation.reservationId), `reservation ${reservation.reservationId}`).to.deep.equal(reservation);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
