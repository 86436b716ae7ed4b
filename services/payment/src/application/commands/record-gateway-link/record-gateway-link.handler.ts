import type { Clock } from '../../ports/clock.port';
import { type CustomerProjections, STRIPE_GATEWAY } from '../../ports/customer-projections.port';
import { publishedDateOr } from '../../shared/published-date';
import type { RecordGatewayLink } from './record-gateway-link.command';

/** Keeps the customer's Stripe customer, so opening a payment does not have to ask the customer service. */
export class RecordGatewayLinkHandler {
  constructor(private readonly deps: { projections: CustomerProjections; clock: Clock }) {}

  async execute(command: RecordGatewayLink): Promise<{ readonly recorded: boolean }> {
    if (command.gateway !== STRIPE_GATEWAY) return { recorded: false };
    await this.deps.projections.recordGatewayLink({
      customerId: command.customerId,
      gateway: STRIPE_GATEWAY,
      gatewayCustomerId: command.gatewayCustomerId,
      linkedAt: publishedDateOr(command.linkedAt, this.deps.clock.now()),
    });
    return { recorded: true };
  }
}
