import * as grpc from '@grpc/grpc-js';
import { grpcChannelCredentials, loadProto, type UnitOfWork } from '@billing/platform';
import type { Logger } from 'pino';
import type { CustomerDirectory } from '../application/ports/customer-directory.port';
import { STRIPE_GATEWAY } from '../application/ports/customer-projections.port';
import { CustomerDeactivations } from './customer-deactivations';
import { CustomerGatewayLinks } from './customer-gateway-links';

/** The customer service did not answer (down, timeout, bad token): the caller retries later. */
export class CustomerDirectoryUnavailableError extends Error {
  readonly code = 'CUSTOMER_DIRECTORY_UNAVAILABLE' as const;
  readonly retryable = true;
  constructor(customerId: string, cause: unknown) {
    super(`the customer service could not be asked about customer ${customerId}: ${(cause as Error)?.message ?? String(cause)}`);
    this.cause = cause;
  }
}

interface GatewayLinkMessage {
  gateway: string;
  gatewayCustomerId: string;
  linkedAt: string;
}
interface CustomerMessage {
  id: string;
  status: string;
  gatewayLinks: GatewayLinkMessage[];
}
type GetCustomer = (
  request: { customerId: string },
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: CustomerMessage) => void,
) => void;

/**
 * `grpc://host:port` (plaintext), `grpcs://host:port` (TLS), or `host:port`: TLS when a CA file (GRPC_TLS_CA_FILE) is
 * configured, plaintext otherwise. With a CA file, TLS verifies the server against it instead of the system roots.
 */
export function grpcTarget(url: string, caFile?: string): { address: string; credentials: grpc.ChannelCredentials } {
  const match = /^(grpcs?|https?):\/\/(.+?)\/?$/.exec(url.trim());
  if (match === null) return { address: url.trim(), credentials: grpcChannelCredentials(caFile) };
  const secure = match[1] === 'grpcs' || match[1] === 'https';
  if (!secure) return { address: match[2]!, credentials: grpc.credentials.createInsecure() };
  return { address: match[2]!, credentials: caFile ? grpcChannelCredentials(caFile) : grpc.credentials.createSsl() };
}

/** billing.customer.v1.CustomerService/GetCustomer → the Stripe gateway link, or undefined when there is none. */
export class CustomerServiceClient {
  private readonly client: grpc.Client & { GetCustomer: GetCustomer };

  constructor(
    url: string,
    private readonly token: string,
    caFile?: string,
    private readonly deadlineMs = 3_000,
  ) {
    const proto = loadProto('billing/customer/v1/customer.proto') as unknown as {
      billing: { customer: { v1: { CustomerService: grpc.ServiceClientConstructor } } };
    };
    const target = grpcTarget(url, caFile);
    this.client = new proto.billing.customer.v1.CustomerService(target.address, target.credentials) as unknown as grpc.Client & { GetCustomer: GetCustomer };
  }

  async stripeLinkOf(customerId: string, correlationId?: string): Promise<GatewayLinkMessage | undefined> {
    return (await this.customerOf(customerId, correlationId))?.stripeLink;
  }

  /** The customer's Stripe link and whether it is deactivated; undefined for a customer the service does not know. */
  customerOf(customerId: string, correlationId?: string): Promise<{ stripeLink: GatewayLinkMessage | undefined; deactivated: boolean } | undefined> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${this.token}`);
    if (correlationId) metadata.set('x-correlation-id', correlationId);
    return new Promise((resolve, reject) => {
      this.client.GetCustomer({ customerId }, metadata, { deadline: Date.now() + this.deadlineMs }, (error, response) => {
        if (error) {
          if (error.code === grpc.status.NOT_FOUND || error.code === grpc.status.INVALID_ARGUMENT) return resolve(undefined);
          return reject(new CustomerDirectoryUnavailableError(customerId, error));
        }
        if (response === undefined) return resolve(undefined);
        resolve({
          stripeLink: response.gatewayLinks.find((link) => link.gateway === STRIPE_GATEWAY && link.gatewayCustomerId !== ''),
          deactivated: response.status === 'deactivated',
        });
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

/**
 * CustomerDirectory: the local PaymentGatewayLinked projection first; when it has not caught up, GetCustomer on the
 * customer service, whose answer is written to the projection so the next lookup stays local.
 */
export class ProjectedCustomerDirectory implements CustomerDirectory {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly customerService: Pick<CustomerServiceClient, 'stripeLinkOf' | 'customerOf'> | undefined,
    private readonly logger: Logger,
  ) {}

  /**
   * Deactivated customers are projected from CustomerDeactivated. A customer the projections know nothing about (its
   * events not consumed yet) is asked about over gRPC; one whose link is projected but whose deactivation event has not
   * arrived yet passes, for as long as the consumer lags.
   */
  async isDeactivated(customerId: string): Promise<boolean> {
    const known = await this.unitOfWork.transaction(async (tx) => ({
      deactivated: await CustomerDeactivations.has(tx, customerId),
      linked: (await CustomerGatewayLinks.find(tx, customerId)) !== undefined,
    }));
    if (known.deactivated || known.linked || this.customerService === undefined) return known.deactivated;
    const customer = await this.customerService.customerOf(customerId);
    if (customer?.deactivated !== true) return false;
    await this.unitOfWork.transaction((tx) => CustomerDeactivations.record(tx, customerId, new Date(), 'grpc'));
    this.logger.info({ customerId }, 'customer deactivated, as the customer service says');
    return true;
  }

  async gatewayCustomerIdOf(customerId: string): Promise<string | undefined> {
    const projected = await this.unitOfWork.transaction((tx) => CustomerGatewayLinks.find(tx, customerId));
    if (projected !== undefined) return projected;
    if (this.customerService === undefined) return undefined;
    const link = await this.customerService.stripeLinkOf(customerId);
    this.logger.info({ customerId, found: link !== undefined }, 'gateway link not projected yet; asked the customer service');
    if (link === undefined) return undefined;
    const linkedAt = Number.isNaN(Date.parse(link.linkedAt)) ? new Date(0) : new Date(link.linkedAt);
    await this.unitOfWork.transaction((tx) =>
      CustomerGatewayLinks.upsert(tx, { customerId, gateway: STRIPE_GATEWAY, gatewayCustomerId: link.gatewayCustomerId, linkedAt }, 'grpc'),
    );
    return link.gatewayCustomerId;
  }
}
