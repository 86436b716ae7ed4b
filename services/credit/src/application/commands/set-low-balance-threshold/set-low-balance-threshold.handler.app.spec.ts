import { expect } from 'chai';
import { InMemoryAccountCommandBus } from '../../testing/in-memory-account-command-bus';
import { SetLowBalanceThresholdHandler } from './set-low-balance-threshold.handler';

describe('SetLowBalanceThresholdHandler', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const context = { correlationId: 'corr-1' };
  let bus: InMemoryAccountCommandBus;
  let setThreshold: SetLowBalanceThresholdHandler;

  beforeEach(async () => {
    bus = new InMemoryAccountCommandBus(() => now);
    setThreshold = new SetLowBalanceThresholdHandler({ bus });
    await bus.submit('customer-1', { type: 'Open' }, context, { openIfMissing: true });
  });

  describe('when a threshold is set', () => {
    it('answers it with what is available', async () => {
      expect(await setThreshold.execute({ customerId: 'customer-1', threshold: 25 }, context)).to.deep.equal({ customerId: 'customer-1', lowBalanceThreshold: 25, available: 0 });
      expect(bus.accounts.get('customer-1')!.balanceView().lowBalanceThreshold).to.equal(25);
    });
  });

  describe('when it is switched off', () => {
    it('stores null', async () => {
      await setThreshold.execute({ customerId: 'customer-1', threshold: 25 }, context);
      expect((await setThreshold.execute({ customerId: 'customer-1', threshold: null }, context)).lowBalanceThreshold).to.equal(null);
    });
  });

  describe('when the input is bad', () => {
    for (const [name, command, code] of [
      ['zero threshold', { customerId: 'customer-1', threshold: 0 }, 'INVALID_AMOUNT'],
      ['fractional threshold', { customerId: 'customer-1', threshold: 2.5 }, 'INVALID_AMOUNT'],
      ['bad customer id', { customerId: 'a b', threshold: 5 }, 'INVALID_REQUEST'],
      ['unknown account', { customerId: 'customer-2', threshold: 5 }, 'ACCOUNT_NOT_FOUND'],
    ] as const) {
      it(`refuses ${name} with ${code} and changes nothing`, async () => {
        const error = await setThreshold.execute(command, context).catch((caught: { code: string }) => caught);
        expect((error as { code: string }).code).to.equal(code);
        expect(bus.accounts.get('customer-1')!.balanceView().lowBalanceThreshold).to.equal(null);
      });
    }
  });
});
