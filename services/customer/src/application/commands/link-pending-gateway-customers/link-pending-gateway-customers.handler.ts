import type { CustomerRepository } from '../../../domain/customer.repository.port';
import { requireDate } from '@billing/platform/domain';
import { limitOrDefault } from '../../application.errors';
import { createAndLinkGatewayCustomer } from '../../gateway-customer';
import type { Clock } from '../../ports/clock.port';
import { type PaymentGateway, PaymentGatewayUnavailableError } from '../../ports/payment-gateway.port';
import {
  DEFAULT_LINK_BATCH_SIZE,
  type LinkPendingGatewayCustomersCommand,
  MAX_LINK_BATCH_SIZE,
} from './link-pending-gateway-customers.command';

export interface LinkPendingGatewayCustomersDeps {
  readonly customers: CustomerRepository;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
}

export interface LinkFailure {
  readonly customerId: string;
  /** A permanent refusal by the gateway, or a link the customer refused (e.g. deactivated meanwhile). */
  readonly error: unknown;
}

/** linked + pending + failures.length = the number of unlinked customers this run found. */
export interface LinkPendingGatewayCustomersResult {
  /** Now linked: by this run, or (in a race) by the registration that was still in flight. */
  readonly linked: number;
  /** Still unlinked because the gateway was unavailable: the customer it failed on and every one not tried after it. */
  readonly pending: number;
  /** Not linked for a reason a retry will not fix; the next run tries them again, the caller should log them. */
  readonly failures: readonly LinkFailure[];
}

/**
 * Called periodically by the composition root. For each active unlinked customer (oldest first) it creates the
 * gateway customer with the same idempotency key registration used (our customer id), so however often a customer
 * is retried, and even if registration's own call did reach the gateway, there is one gateway customer per customer.
 * It stops at the first PaymentGatewayUnavailableError: the gateway is down, the next run will resume.
 */
export class LinkPendingGatewayCustomersHandler {
  constructor(private readonly deps: LinkPendingGatewayCustomersDeps) {}

  /** Throws INVALID_LIMIT for a bad batchSize, INVALID_TIMESTAMP for a bad registeredBefore; errors of single customers are reported, not thrown. */
  async execute(command: LinkPendingGatewayCustomersCommand = {}): Promise<LinkPendingGatewayCustomersResult> {
    const batchSize = limitOrDefault(command.batchSize, 'batchSize', DEFAULT_LINK_BATCH_SIZE, MAX_LINK_BATCH_SIZE);
    const registeredBefore = command.registeredBefore === undefined ? undefined : requireDate(command.registeredBefore, 'registeredBefore');
    const unlinked = await this.deps.customers.findUnlinked(this.deps.paymentGateway.name, batchSize, registeredBefore);
    let linked = 0;
    const failures: LinkFailure[] = [];
    for (const [index, customer] of unlinked.entries()) {
      try {
        await createAndLinkGatewayCustomer(this.deps, customer);
        linked += 1;
      } catch (error) {
        if (error instanceof PaymentGatewayUnavailableError) return { linked, pending: unlinked.length - index, failures };
        failures.push({ customerId: customer.id, error });
      }
    }
    return { linked, pending: 0, failures };
  }
}
