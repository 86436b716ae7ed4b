import { expect } from 'chai';
import { CaptureReservationHandler } from '../capture-reservation/capture-reservation.handler';
import { GrantCreditsHandler } from '../grant-credits/grant-credits.handler';
import { InMemoryAccountCommandBus, testIds } from '../../testing/in-memory-account-command-bus';
import { ReserveCreditsHandler } from './reserve-credits.handler';

describe('ReserveCreditsHandler', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const context = { correlationId: 'corr-1' };
  let bus: InMemoryAccountCommandBus;
  let reserve: ReserveCreditsHandler;

  beforeEach(async () => {
    bus = new InMemoryAccountCommandBus(() => now);
    reserve = new ReserveCreditsHandler({ bus, reservationIds: testIds });
    const grant = new GrantCreditsHandler({ bus, grantIds: testIds, clock: { now: () => now } });
    await grant.execute({ customerId: 'customer-1', amount: 100, source: { type: 'MANUAL', id: 'welcome' } }, context, { openIfMissing: true });
  });

  describe('when the same idempotency key comes twice', () => {
    it('holds once and answers the first reservation', async () => {
      const first = await reserve.execute({ customerId: 'customer-1', amount: 40, ttlSeconds: 60, idempotencyKey: 'k-1' }, context);
      const second = await reserve.execute({ customerId: 'customer-1', amount: 40, ttlSeconds: 60, idempotencyKey: 'k-1' }, context);
      expect(second.reservation.reservationId).to.equal(first.reservation.reservationId);
      expect(second.replayed).to.equal(true);
      expect(bus.accounts.get('customer-1')!.held).to.equal(40);
      expect(bus.published.filter((event) => event.type === 'CreditsReserved')).to.have.length(1);
    });

    it('refuses another amount under the same key', async () => {
      await reserve.execute({ customerId: 'customer-1', amount: 40, ttlSeconds: 60, idempotencyKey: 'k-1' }, context);
      const error = await reserve.execute({ customerId: 'customer-1', amount: 41, ttlSeconds: 60, idempotencyKey: 'k-1' }, context).catch((caught: { code: string }) => caught);
      expect((error as { code: string }).code).to.equal('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('when the input is bad', () => {
    for (const [name, command, code] of [
      ['zero amount', { amount: 0, ttlSeconds: 60, idempotencyKey: 'a' }, 'INVALID_AMOUNT'],
      ['fractional amount', { amount: 1.5, ttlSeconds: 60, idempotencyKey: 'b' }, 'INVALID_AMOUNT'],
      ['TTL too long', { amount: 1, ttlSeconds: 86_401, idempotencyKey: 'c' }, 'INVALID_TTL'],
      ['no idempotency key', { amount: 1, ttlSeconds: 60, idempotencyKey: '' }, 'INVALID_REQUEST'],
    ] as const) {
      it(`refuses a ${name} with ${code} and holds nothing`, async () => {
        const error = await reserve.execute({ customerId: 'customer-1', ...command }, context).catch((caught: { code: string }) => caught);
        expect((error as { code: string }).code).to.equal(code);
        expect(bus.accounts.get('customer-1')!.held).to.equal(0);
      });
    }

    it('refuses an unknown account with ACCOUNT_NOT_FOUND', async () => {
      const error = await reserve.execute({ customerId: 'nobody', amount: 1, ttlSeconds: 60, idempotencyKey: 'k' }, context).catch((caught: { code: string }) => caught);
      expect((error as { code: string }).code).to.equal('ACCOUNT_NOT_FOUND');
    });
  });

  describe('when a hold is captured', () => {
    it('captures up to the hold, releases the rest, and carries the correlation id into the events', async () => {
      const { reservation } = await reserve.execute({ customerId: 'customer-1', amount: 40, ttlSeconds: 60, idempotencyKey: 'k-2' }, context);
      const capture = new CaptureReservationHandler({ bus, reservations: bus });
      const request = { reservationId: reservation.reservationId, amount: 15, idempotencyKey: 'capture-1' };
      const result = await capture.execute(request, { correlationId: 'corr-2' });
      expect(result).to.include({ captured: 15, released: 25, replayed: false });
      expect(bus.accounts.get('customer-1')!.balance).to.equal(85);
      expect(bus.published.find((event) => event.type === 'ReservationCaptured')!.correlationId).to.equal('corr-2');
      expect(await capture.execute(request, context)).to.include({ captured: 15, released: 25, replayed: true });
      const codeOf = (promise: Promise<unknown>) => promise.then(() => 'OK', (caught: { code: string }) => caught.code);
      expect(await codeOf(capture.execute({ ...request, amount: 16 }, context))).to.equal('IDEMPOTENCY_KEY_REUSED');
      expect(await codeOf(capture.execute({ ...request, idempotencyKey: 'capture-2' }, context))).to.equal('RESERVATION_ALREADY_RESOLVED');
      expect(bus.accounts.get('customer-1')!.balance, 'captured once').to.equal(85);
    });
  });
});
