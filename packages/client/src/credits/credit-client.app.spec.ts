import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  BillingUnavailable,
  CaptureExceedsHold,
  createCreditClient,
  type CreditClient,
  Forbidden,
  InsufficientCredits,
  NotFound,
  ReservationAlreadyResolved,
  ReservationExpired,
  Unauthenticated,
} from '../index';
import { type FlakyCreditServer, startFlakyCreditServer } from './flaky-credit-server';

describe('createCreditClient', () => {
  let server: FlakyCreditServer;
  let credits: CreditClient;
  const sleeps: number[] = [];
  // Backoff pauses are recorded and skipped: the rules are what is under test, not the clock.
  const timing = { random: () => 0.999, sleep: async (ms: number) => void sleeps.push(ms) };
  const customer = () => `customer-${crypto.randomUUID()}`;
  const heldOf = (customerId: string) => server.balances.get(customerId)!.held;
  const balanceOf = (customerId: string) => server.balances.get(customerId)!.balance;

  beforeEach(async () => {
    server = await startFlakyCreditServer();
    sleeps.length = 0;
    credits = createCreditClient({ url: server.url, token: server.token, deadlineMs: 1_000 }, timing);
  });

  afterEach(async () => {
    credits.close();
    await server.close();
  });

  describe('when Reserve commits the hold and then answers UNAVAILABLE', () => {
    it('retries with the same idempotency key and holds once, never twice', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      server.faults.Reserve = { unavailableAfterCommit: 1 };

      const reservation = await credits.reserve({ customerId, amount: 300, ttlSeconds: 60 });

      expect(server.calls.Reserve).to.have.length(2);
      const [first, second] = server.calls.Reserve as { idempotencyKey: string }[];
      expect(second!.idempotencyKey).to.equal(first!.idempotencyKey);
      expect([...server.reservations.values()].filter((stored) => stored.customerId === customerId)).to.have.length(1);
      expect(heldOf(customerId)).to.equal(300);
      expect(reservation).to.include({ customerId, amount: 300, status: 'HELD' });
    });
  });

  describe('when Reserve commits and its answer misses the deadline', () => {
    it('retries DEADLINE_EXCEEDED with the same key and holds once', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      server.faults.Reserve = { lateAfterCommit: { times: 1, ms: 400 } };

      await credits.reserve({ customerId, amount: 100 }, { deadlineMs: 150 });

      expect(server.calls.Reserve).to.have.length(2);
      expect(heldOf(customerId)).to.equal(100);
      expect(server.reservations.size).to.equal(1);
    });
  });

  describe('when the service stays unavailable', () => {
    it('gives up after the bounded attempts with BillingUnavailable, pausing a jittered, capped backoff between them', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      server.faults.GetBalance = { alwaysUnavailable: true };
      const client = createCreditClient({ url: server.url, token: server.token, retry: { attempts: 5, initialBackoffMs: 100, maxBackoffMs: 300 } }, timing);

      const error = await client.getBalance(customerId).then(() => undefined, (caught: unknown) => caught);
      client.close();

      expect(error).to.be.instanceOf(BillingUnavailable);
      expect(error).to.include({ code: 'UNAVAILABLE', attempts: 5, grpcStatus: grpc.status.UNAVAILABLE });
      expect(server.calls.GetBalance).to.have.length(5);
      expect(sleeps).to.deep.equal([99, 199, 299, 299]);
    });

    it('draws each pause at random below its cap (full jitter)', async () => {
      server.faults.GetBalance = { alwaysUnavailable: true };
      const draws = [0.5, 0.1, 0];
      const pauses: number[] = [];
      const client = createCreditClient(
        { url: server.url, token: server.token, retry: { attempts: 4, initialBackoffMs: 100, maxBackoffMs: 1_000 } },
        { random: () => draws.shift()!, sleep: async (ms) => void pauses.push(ms) },
      );

      await client.getBalance(customer()).catch(() => undefined);
      client.close();

      expect(pauses).to.deep.equal([50, 20, 0]);
    });
  });

  describe('when the service refuses', () => {
    it('throws InsufficientCredits with the service code, without retrying', async () => {
      const customerId = customer();
      server.grant(customerId, 10);

      const error = await credits.reserve({ customerId, amount: 11 }).catch((caught: unknown) => caught);

      expect(error).to.be.instanceOf(InsufficientCredits);
      expect(error).to.include({ code: 'INSUFFICIENT_CREDITS', grpcStatus: grpc.status.FAILED_PRECONDITION });
      expect(server.calls.Reserve).to.have.length(1);
    });

    it('throws CaptureExceedsHold, ReservationExpired and ReservationAlreadyResolved for the capture the hold cannot take', async () => {
      const customerId = customer();
      server.grant(customerId, 100);
      const tooMuch = await credits.reserve({ customerId, amount: 10 });
      const expired = await credits.reserve({ customerId, amount: 10 });
      server.expire(expired.reservationId);

      expect(await credits.capture({ reservationId: tooMuch.reservationId, amount: 11 }).catch((caught: unknown) => caught)).to.be.instanceOf(CaptureExceedsHold);
      expect(await credits.capture({ reservationId: expired.reservationId, amount: 1 }).catch((caught: unknown) => caught)).to.be.instanceOf(ReservationExpired);
      await credits.release({ reservationId: tooMuch.reservationId });
      const again = await credits.release({ reservationId: tooMuch.reservationId }).catch((caught: unknown) => caught);
      expect(again).to.be.instanceOf(ReservationAlreadyResolved);
      expect(again).to.include({ code: 'RESERVATION_ALREADY_RESOLVED' });
    });

    it('throws NotFound, Unauthenticated and Forbidden by code and status', async () => {
      expect(await credits.getBalance(customer()).catch((caught: unknown) => caught)).to.be.instanceOf(NotFound).and.include({ code: 'ACCOUNT_NOT_FOUND' });
      const stranger = createCreditClient({ url: server.url, token: 'not-a-token-of-this-service' }, timing);
      expect(await stranger.getBalance(customer()).catch((caught: unknown) => caught)).to.be.instanceOf(Unauthenticated);
      stranger.close();
      const scoped = createCreditClient({ url: server.url, token: server.scopedToken }, timing);
      const forbidden = await scoped.getBalance(customer()).catch((caught: unknown) => caught);
      scoped.close();
      expect(forbidden).to.be.instanceOf(Forbidden).and.include({ code: 'FORBIDDEN', grpcStatus: grpc.status.PERMISSION_DENIED });
    });
  });

  describe('withCredits', () => {
    it('captures what the work used and releases the rest of the estimate', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);

      const outcome = await credits.withCredits(customerId, 300, async (hold) => {
        expect(heldOf(customerId)).to.equal(300);
        expect(hold).to.include({ customerId, amount: 300 });
        return { used: 120, result: 'done' };
      });

      expect(outcome).to.include({ captured: 120, released: 180, unbilled: 0, result: 'done' });
      expect(balanceOf(customerId)).to.equal(880);
      expect(heldOf(customerId)).to.equal(0);
    });

    it('charges at most the estimate and reports the rest as unbilled', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);

      const outcome = await credits.withCredits(customerId, 50, async () => 70);

      expect(outcome).to.include({ captured: 50, released: 0, unbilled: 20 });
      expect(balanceOf(customerId)).to.equal(950);
    });

    it('releases the whole hold when the work used nothing', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);

      const outcome = await credits.withCredits(customerId, 50, async () => 0);

      expect(outcome).to.include({ captured: 0, released: 50 });
      expect(balanceOf(customerId)).to.equal(1_000);
      expect(server.calls.Capture).to.have.length(0);
    });

    it('releases the hold and rethrows when the work throws', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      const failure = new Error('the model timed out');

      const error = await credits.withCredits(customerId, 300, async () => Promise.reject(failure)).catch((caught: unknown) => caught);

      expect(error).to.equal(failure);
      expect(balanceOf(customerId)).to.equal(1_000);
      expect(heldOf(customerId)).to.equal(0);
      expect([...server.reservations.values()].map((stored) => stored.status)).to.deep.equal(['RELEASED']);
    });

    it('captures once when Capture commits and then answers UNAVAILABLE', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      server.faults.Capture = { unavailableAfterCommit: 2 };

      const outcome = await credits.withCredits(customerId, 300, async () => 120);

      expect(server.calls.Capture).to.have.length(3);
      expect(outcome).to.include({ captured: 120, released: 180 });
      expect(balanceOf(customerId)).to.equal(880);
    });

    it('derives every key from the operation id: the same operation again is charged once and its work not rerun', async () => {
      const customerId = customer();
      server.grant(customerId, 1_000);
      let runs = 0;
      const work = async () => ((runs += 1), 100);

      await credits.withCredits(customerId, 200, work, { operationId: 'order-42' });
      const again = await credits.withCredits(customerId, 200, work, { operationId: 'order-42' }).catch((caught: unknown) => caught);

      expect(again).to.be.instanceOf(ReservationAlreadyResolved);
      expect(runs).to.equal(1);
      expect(balanceOf(customerId)).to.equal(900);
      expect((server.calls.Reserve as { idempotencyKey: string }[]).map((call) => call.idempotencyKey)).to.deep.equal(['order-42:reserve', 'order-42:reserve']);
      expect((server.calls.Capture as { idempotencyKey: string }[])[0]!.idempotencyKey).to.equal('order-42:capture');
    });

    it('does not run the work when the estimate cannot be held', async () => {
      const customerId = customer();
      server.grant(customerId, 10);
      let ran = false;

      const error = await credits.withCredits(customerId, 11, async () => ((ran = true), 1)).catch((caught: unknown) => caught);

      expect(error).to.be.instanceOf(InsufficientCredits);
      expect(ran).to.equal(false);
    });
  });
});
