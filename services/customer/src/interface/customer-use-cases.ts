import type { MessageContext, SqlExecutor, UnitOfWork } from '@billing/platform';
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

export interface CustomerUseCaseDeps {
  readonly unitOfWork: UnitOfWork;
  /**
   * The repository for one piece of work: inside the caller's transaction `tx`, or (no tx) one transaction per call.
   * The events it writes carry `context`, the request, call or job run that caused them. Built by the composition root,
   * so the interface never sees infrastructure.
   */
  readonly customers: (context: MessageContext, tx?: SqlExecutor) => CustomerRepository;
  readonly paymentGateway: PaymentGateway;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The customer service's one entry point: every route, gRPC method and job gets the use case it calls from here.
 * `in(tx, context)` binds them to the caller's transaction; `transaction(context, work)` opens one; `withGateway(context)`
 * gives the two that call Stripe between commits (no transaction may stay open across a network call).
 */
export function customerUseCases(deps: CustomerUseCaseDeps) {
  const { paymentGateway, clock, ids } = deps;
  const bound = (customers: CustomerRepository) => ({
    register: new RegisterCustomerHandler({ customers, paymentGateway, clock, ids }),
    update: new UpdateCustomerHandler({ customers, clock }),
    deactivate: new DeactivateCustomerHandler({ customers, clock }),
    get: new GetCustomerHandler({ customers }),
    getByExternalId: new GetCustomerByExternalIdHandler({ customers }),
    getByGatewayId: new GetCustomerByGatewayIdHandler({ customers }),
    list: new ListCustomersHandler({ customers }),
  });
  return {
    in: (tx: SqlExecutor, context: MessageContext) => bound(deps.customers(context, tx)),
    transaction: <T>(context: MessageContext, work: (useCases: ReturnType<typeof bound>, tx: SqlExecutor) => Promise<T>): Promise<T> =>
      deps.unitOfWork.transaction((tx) => work(bound(deps.customers(context, tx)), tx)),
    withGateway: (context: MessageContext) => {
      const customers = deps.customers(context);
      return {
        register: new RegisterCustomerHandler({ customers, paymentGateway, clock, ids }),
        linkPending: new LinkPendingGatewayCustomersHandler({ customers, paymentGateway, clock }),
      };
    },
  };
}

export type CustomerUseCases = ReturnType<typeof customerUseCases>;
export type TransactionalCustomerUseCases = ReturnType<CustomerUseCases['in']>;
