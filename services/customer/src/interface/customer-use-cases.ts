import type { UnitOfWork } from '@billing/platform';
import { DeactivateCustomerHandler } from '../application/commands/deactivate-customer/deactivate-customer.handler';
import { LinkPendingGatewayCustomersHandler } from '../application/commands/link-pending-gateway-customers/link-pending-gateway-customers.handler';
import { RegisterCustomerHandler } from '../application/commands/register-customer/register-customer.handler';
import { UpdateCustomerHandler } from '../application/commands/update-customer/update-customer.handler';
import type { Clock } from '../application/ports/clock.port';
import type { IdGenerator } from '../application/ports/id-generator.port';
import type { PaymentGateway } from '../application/ports/payment-gateway.port';
import { GetCustomerHandler } from '../application/queries/get-customer/get-customer.handler';
import { GetCustomerByExternalIdHandler } from '../application/queries/get-customer-by-external-id/get-customer-by-external-id.handler';
import { GetCustomerByGatewayIdHandler } from '../application/queries/get-customer-by-gateway-id/get-customer-by-gateway-id.handler';
import { ListCustomersHandler } from '../application/queries/list-customers/list-customers.handler';
import type { CustomerRepository } from '../domain/customer.repository.port';
import type { SqlExecutor } from '@billing/platform';

export interface CustomerUseCaseDeps {
  /** Writes in a transaction of its own per call. */
  readonly customers: CustomerRepository;
  /** The repository joining a caller's transaction (for writes committed with an idempotency key). */
  readonly customersIn: (tx: SqlExecutor) => CustomerRepository;
  readonly unitOfWork: UnitOfWork;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** Every use case the interfaces drive, built on the ports; `in(tx)` builds the write use cases inside a transaction. */
export function customerUseCases(deps: CustomerUseCaseDeps) {
  const { customers, paymentGateway, clock, ids } = deps;
  const writesOn = (repository: CustomerRepository) => ({
    register: new RegisterCustomerHandler({ customers: repository, paymentGateway, clock, ids }),
    update: new UpdateCustomerHandler({ customers: repository, clock }),
    deactivate: new DeactivateCustomerHandler({ customers: repository, clock }),
  });
  return {
    ...writesOn(customers),
    in: (tx: SqlExecutor) => writesOn(deps.customersIn(tx)),
    unitOfWork: deps.unitOfWork,
    linkPending: new LinkPendingGatewayCustomersHandler({ customers, paymentGateway, clock }),
    get: new GetCustomerHandler({ customers }),
    getByExternalId: new GetCustomerByExternalIdHandler({ customers }),
    getByGatewayId: new GetCustomerByGatewayIdHandler({ customers }),
    list: new ListCustomersHandler({ customers }),
  };
}

export type CustomerUseCases = ReturnType<typeof customerUseCases>;
