import { expect } from 'chai';
import type { CustomerProjections, GatewayLink } from '../../ports/customer-projections.port';
import { FixedClock } from '../../testing/fixed-clock';
import { T0 } from '../../testing/payment-test-kit';
import { RecordCustomerDeactivationHandler } from '../record-customer-deactivation/record-customer-deactivation.handler';
import { RecordGatewayLinkHandler } from './record-gateway-link.handler';

class RecordedProjections implements CustomerProjections {
  readonly links: GatewayLink[] = [];
  readonly deactivations: [string, Date][] = [];
  async recordGatewayLink(link: GatewayLink): Promise<void> {
    this.links.push(link);
  }
  async recordDeactivation(customerId: string, deactivatedAt: Date): Promise<void> {
    this.deactivations.push([customerId, deactivatedAt]);
  }
}

describe('RecordGatewayLink / RecordCustomerDeactivation', () => {
  const given = () => {
    const projections = new RecordedProjections();
    const deps = { projections, clock: new FixedClock(T0) };
    return { projections, link: new RecordGatewayLinkHandler(deps), deactivate: new RecordCustomerDeactivationHandler(deps) };
  };

  describe('when a customer is linked to a Stripe customer', () => {
    it('records the link at the time it was published', async () => {
      const { projections, link } = given();
      expect(await link.execute({ customerId: 'cus-1', gateway: 'stripe', gatewayCustomerId: 'cus_S1', linkedAt: '2030-01-02T00:00:00.000Z' })).to.deep.equal({ recorded: true });
      expect(projections.links).to.deep.equal([{ customerId: 'cus-1', gateway: 'stripe', gatewayCustomerId: 'cus_S1', linkedAt: new Date('2030-01-02T00:00:00.000Z') }]);
    });
  });

  describe('when the link is to another gateway', () => {
    it('keeps nothing: payment charges through Stripe only', async () => {
      const { projections, link } = given();
      expect(await link.execute({ customerId: 'cus-1', gateway: 'adyen', gatewayCustomerId: 'A1', linkedAt: '2030-01-02T00:00:00.000Z' })).to.deep.equal({ recorded: false });
      expect(projections.links).to.deep.equal([]);
    });
  });

  describe('when the published time cannot be read', () => {
    it('records the deactivation as of now', async () => {
      const { projections, deactivate } = given();
      await deactivate.execute({ customerId: 'cus-1', deactivatedAt: 'yesterday-ish' });
      expect(projections.deactivations).to.deep.equal([['cus-1', T0]]);
    });
  });
});
