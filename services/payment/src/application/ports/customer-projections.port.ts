/** Payment charges through Stripe only: links to other gateways are not kept. */
export const STRIPE_GATEWAY = 'stripe';

/** The gateway customer a customer is linked to, as the customer service published it. */
export interface GatewayLink {
  readonly customerId: string;
  readonly gateway: string;
  readonly gatewayCustomerId: string;
  readonly linkedAt: Date;
}

/**
 * What payment keeps of the customer service's events, written on the caller's transaction (the consumer's, so a
 * redelivered event changes nothing twice).
 */
export interface CustomerProjections {
  /** A later link (by linkedAt) replaces an earlier one; an older one changes nothing. */
  recordGatewayLink(link: GatewayLink): Promise<void>;
  /** Deactivation is final: the first one seen stays. */
  recordDeactivation(customerId: string, deactivatedAt: Date): Promise<void>;
}
