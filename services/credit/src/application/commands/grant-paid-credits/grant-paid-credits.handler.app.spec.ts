import { expect } from 'chai';
import type { GrantSource } from '../../../domain/grant-source.value-object';
import { InMemoryAccountCommandBus, testIds } from '../../testing/in-memory-account-command-bus';
import { InMemoryAdjustments } from '../../testing/in-memory-adjustments';
import { ClawBackRefundHandler } from '../claw-back-refund/claw-back-refund.handler';
import { OpenAccountHandler } from '../open-account/open-account.handler';
import { RecordDisputeClosedHandler } from '../record-dispute-closed/record-dispute-closed.handler';
import { RecordDisputeOpenedHandler } from '../record-dispute-opened/record-dispute-opened.handler';
import { GrantPaidCreditsHandler } from './grant-paid-credits.handler';

describe('The use cases behind the grants consumer', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const context = { correlationId: 'corr-1' };
  const topUp: GrantSource = { type: 'TOP_UP', id: 'top-up-1', period: null };
  let bus: InMemoryAccountCommandBus;
  let pending: InMemoryAdjustments;
  let grant: GrantPaidCreditsHandler;
  let clawBack: ClawBackRefundHandler;
  let disputeOpened: RecordDisputeOpenedHandler;
  let disputeClosed: RecordDisputeClosedHandler;

  beforeEach(() => {
    bus = new InMemoryAccountCommandBus(() => now);
    pending = new InMemoryAdjustments();
    grant = new GrantPaidCreditsHandler({ bus, pending, grantIds: testIds });
    clawBack = new ClawBackRefundHandler({ bus, pending });
    disputeOpened = new RecordDisputeOpenedHandler({ bus, pending, disputes: pending });
    disputeClosed = new RecordDisputeClosedHandler({ bus, pending, disputes: pending, grantIds: testIds });
  });
  const balanceOf = (customerId: string) => bus.accounts.get(customerId)?.balance;

  describe('when a paid grant arrives twice, for a customer whose registration has not arrived', () => {
    it('opens the account, grants once, and the registration then leaves it as it is', async () => {
      const first = await grant.execute({ customerId: 'c1', amount: 300, source: topUp, expiresAt: null }, context);
      const again = await grant.execute({ customerId: 'c1', amount: 300, source: topUp, expiresAt: null }, context);
      expect(first).to.include({ granted: true, created: true });
      expect(again).to.include({ granted: true, created: false, grantId: (first as { grantId: string }).grantId });
      await new OpenAccountHandler({ bus }).execute({ customerId: 'c1' }, context);
      expect(balanceOf('c1')).to.equal(300);
    });

    it('grants nothing for 0 credits', async () => {
      expect(await grant.execute({ customerId: 'c1', amount: 0, source: topUp, expiresAt: null }, context)).to.deep.equal({ granted: false });
      expect(bus.accounts.has('c1')).to.equal(false);
    });
  });

  describe('when a refund overtakes the grant it claws back', () => {
    it('remembers the highest claim and applies it when the grant comes', async () => {
      expect(await clawBack.execute({ customerId: 'c1', source: topUp, paymentAmount: 1_000, totalRefunded: 500 }, context)).to.deep.equal({ remembered: true });
      await clawBack.execute({ customerId: 'c1', source: topUp, paymentAmount: 1_000, totalRefunded: 250 }, context);
      expect(await grant.execute({ customerId: 'c1', amount: 300, source: topUp, expiresAt: null }, context)).to.include({ clawedBack: true, revoked: false });
      expect(balanceOf('c1')).to.equal(150);
      expect(pending.clawbacks.size).to.equal(0);
    });
  });

  describe('when a dispute opens before its grant arrives, and is then won', () => {
    it('drops the waiting revocation: the grant stays whole', async () => {
      const dispute = { customerId: 'c1', disputeId: 'dp_1', source: topUp };
      expect(await disputeOpened.execute(dispute, context)).to.deep.equal({ revoke: { remembered: true } });
      expect(await disputeClosed.execute({ ...dispute, status: 'won' }, context)).to.deep.equal({ revoke: null, restore: { droppedPendingRevocation: true } });
      await grant.execute({ customerId: 'c1', amount: 300, source: topUp, expiresAt: null }, context);
      expect(balanceOf('c1')).to.equal(300);
    });
  });

  describe('when a dispute opens after its grant and is won', () => {
    it('revokes the grant, then gives it back as a DISPUTE_REVERSAL grant, once', async () => {
      await grant.execute({ customerId: 'c1', amount: 300, source: topUp, expiresAt: null }, context);
      const dispute = { customerId: 'c1', disputeId: 'dp_2', source: topUp };
      await disputeOpened.execute(dispute, context);
      expect(balanceOf('c1')).to.equal(0);
      await disputeClosed.execute({ ...dispute, status: 'won' }, context);
      expect(await disputeClosed.execute({ ...dispute, status: 'won' }, context), 'a second closing').to.deep.equal({ revoke: null, restore: null });
      expect(balanceOf('c1')).to.equal(300);
      expect(bus.accounts.get('c1')!.balanceView().grants.map((each) => each.source.type)).to.deep.equal(['DISPUTE_REVERSAL']);
    });
  });
});
