import {
  ApiError,
  canActFor,
  claimIdempotencyKey,
  idempotencyKeyOf,
  type IdempotentRequest,
  type Principal,
  runIdempotent,
  type StoredResponse,
  storeIdempotentResponse,
} from '@billing/platform';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { RegisterCustomerCommand } from '../../application/commands/register-customer/register-customer.command';
import type { RegisterCustomerResult } from '../../application/commands/register-customer/register-customer.handler';
import type { UpdateCustomerCommand } from '../../application/commands/update-customer/update-customer.command';
import type { CustomerReadModel } from '../../application/customer.read-model';
import { CustomerNotFoundError, DomainError } from '../../domain/customer.errors';
import { withMessageContext } from '../../infrastructure/message-context';
import type { CustomerUseCases } from '../customer-use-cases';
import { openApiDocument } from './openapi';
import { routeSchemas, validatorCompiler } from './route-schemas';

export interface CustomerRoutesDeps {
  readonly useCases: CustomerUseCases;
  readonly logger: Logger;
}

interface CustomerParams {
  customerId: string;
}
interface ListQuery {
  externalAccountId?: string;
  limit?: number;
  cursor?: string;
}
type UpdateBody = Omit<UpdateCustomerCommand, 'customerId'>;

const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);

/** A token scoped to one customer sees only that customer; anyone else's is answered as not found. */
function requireVisible(principal: Principal, customerId: string): void {
  if (!canActFor(principal, customerId)) throw new CustomerNotFoundError({ customerId });
}

function send(reply: FastifyReply, response: StoredResponse, replayed: boolean) {
  if (replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(response.status).send(response.body);
}

/** REST under /v1/customers, validated and serialised by the schemas of the OpenAPI document served at /openapi.json. */
export function registerCustomerRoutes(app: FastifyInstance, deps: CustomerRoutesDeps): void {
  const { useCases, logger } = deps;
  const idempotent = (request: FastifyRequest, route: string): IdempotentRequest => ({
    principal: request.principal!.name,
    key: idempotencyKeyOf(request),
    route,
    body: request.body ?? null,
  });

  app.get('/openapi.json', async () => openApiDocument);

  /**
   * Registration calls Stripe, which cannot join our transaction. So: claim the key and commit the customer (with
   * CustomerRegistered) in ONE transaction, storing a provisional "pending" response with them; call Stripe after the
   * commit; store the final response. A crash between the two leaves a replay answering the true provisional response
   * (never a key stuck "in progress"), and the background job links the customer. A request that fails validation or
   * hits a duplicate rolls the claim back with everything else.
   */
  app.post('/v1/customers', { schema: routeSchemas.registerCustomer, validatorCompiler }, async (request, reply) => {
    if (request.principal!.customerId !== undefined) throw forbidden('a token scoped to one customer cannot register customers');
    const idempotency = idempotent(request, 'POST /v1/customers');
    const command = request.body as RegisterCustomerCommand;
    return withMessageContext(request.messageContext, async () => {
      const claimed = await useCases.unitOfWork.transaction(async (tx): Promise<{ replay: StoredResponse } | { registered: CustomerReadModel }> => {
        const replay = await claimIdempotencyKey(tx, idempotency);
        if (replay) return { replay };
        const registered = await useCases.in(tx).register.registerOnly(command);
        await storeIdempotentResponse(tx, idempotency, { status: 201, body: { customer: registered, gatewayLink: 'pending' } });
        return { registered };
      });
      if ('replay' in claimed) return send(reply, claimed.replay, true);

      const result = await useCases.register.linkRegistered(claimed.registered);
      logPending(logger, result, request.messageContext.correlationId);
      const response: StoredResponse = { status: 201, body: { customer: result.customer, gatewayLink: result.gatewayLink } };
      await useCases.unitOfWork
        .transaction((tx) => storeIdempotentResponse(tx, idempotency, response))
        .catch((error: unknown) => logger.error({ err: error, customerId: result.customer.id }, 'final registration response not stored; replays answer the provisional one'));
      reply.header('location', `/v1/customers/${result.customer.id}`);
      return send(reply, response, false);
    });
  });

  app.get('/v1/customers', { schema: routeSchemas.listCustomers, validatorCompiler }, async (request) => {
    const query = request.query as ListQuery;
    const principal = request.principal!;
    if (query.externalAccountId !== undefined) {
      if (query.cursor !== undefined) throw new ApiError(400, 'INVALID_REQUEST', 'cursor cannot be combined with externalAccountId (that page holds one customer at most)');
      const items: CustomerReadModel[] = [];
      try {
        const customer = await useCases.getByExternalId.execute({ externalAccountId: query.externalAccountId });
        if (canActFor(principal, customer.id)) items.push(customer);
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'CUSTOMER_NOT_FOUND')) throw error;
      }
      return { items, nextCursor: null };
    }
    if (principal.customerId !== undefined) throw forbidden('a token scoped to one customer cannot list customers');
    return useCases.list.execute({ limit: query.limit, cursor: query.cursor ?? null });
  });

  app.get('/v1/customers/:customerId', { schema: routeSchemas.getCustomer, validatorCompiler }, async (request) => {
    const { customerId } = request.params as CustomerParams;
    requireVisible(request.principal!, customerId.toLowerCase());
    return useCases.get.execute({ customerId });
  });

  app.patch('/v1/customers/:customerId', { schema: routeSchemas.updateCustomer, validatorCompiler }, async (request, reply) => {
    const { customerId } = request.params as CustomerParams;
    requireVisible(request.principal!, customerId.toLowerCase());
    const idempotency = idempotent(request, `PATCH /v1/customers/${customerId.toLowerCase()}`);
    const changes = request.body as UpdateBody;
    const result = await withMessageContext(request.messageContext, () =>
      runIdempotent(useCases.unitOfWork, idempotency, async (tx) => {
        const { customer } = await useCases.in(tx).update.execute({ ...changes, customerId });
        return { status: 200, body: customer };
      }),
    );
    return send(reply, result, result.replayed);
  });

  app.post('/v1/customers/:customerId/deactivate', { schema: routeSchemas.deactivateCustomer, validatorCompiler }, async (request, reply) => {
    const { customerId } = request.params as CustomerParams;
    requireVisible(request.principal!, customerId.toLowerCase());
    const idempotency = idempotent(request, `POST /v1/customers/${customerId.toLowerCase()}/deactivate`);
    const result = await withMessageContext(request.messageContext, () =>
      runIdempotent(useCases.unitOfWork, idempotency, async (tx) => {
        const { customer } = await useCases.in(tx).deactivate.execute({ customerId });
        return { status: 200, body: customer };
      }),
    );
    return send(reply, result, result.replayed);
  });
}

function logPending(logger: Logger, result: RegisterCustomerResult, correlationId: string): void {
  if (result.gatewayLink !== 'pending') return;
  const fields = { customerId: result.customer.id, correlationId, err: result.gatewayError };
  if (result.transient) logger.warn(fields, 'registered; Stripe unavailable, the link job will finish the link');
  else logger.error(fields, 'registered; the Stripe link failed for a reason a retry may not fix, the link job keeps trying');
}
