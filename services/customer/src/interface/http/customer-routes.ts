import {
  claimIdempotencyKey,
  defineRoute,
  idempotencyKeyOf,
  type IdempotentRequest,
  type RouteSpec,
  type StoredResponse,
  storeIdempotentResponse,
} from '@billing/platform';
import type { Logger } from 'pino';
import type { RegisterCustomerCommand } from '../../application/commands/register-customer/register-customer.command';
import type { RegisterCustomerResult } from '../../application/commands/register-customer/register-customer.handler';
import type { UpdateCustomerCommand } from '../../application/commands/update-customer/update-customer.command';
import type { CustomerReadModel } from '../../application/customer.read-model';
import type { CustomerUseCases } from '../customer-use-cases';
import { customerPage, customerParams, customerView, listCustomersQuery, registerCustomerBody, registeredCustomerView, updateCustomerBody } from './customer-schemas';

export interface CustomerRoutesDeps {
  readonly useCases: CustomerUseCases;
  readonly logger: Logger;
}

export const CUSTOMER_API_INFO = {
  title: 'Billing customer service',
  version: '2.0.0',
  description:
    'Customers of the billing platform and their payment-gateway (Stripe) customers. The platform-wide REST contract (auth, idempotency, errors, lists, 403 for scoped tokens) is in docs/api.md.',
};

type CustomerParams = { customerId: string };
/** Ids are uuids, compared lower-case (a scoped token's customer id is stored lower-case). */
const customerOf = (request: { params: CustomerParams }) => request.params.customerId.toLowerCase();
const tag = 'customers';

/** REST under /v1/customers, on the platform's contract kit: each route calls one use case through the entry point. */
export function customerRoutes({ useCases, logger }: CustomerRoutesDeps): RouteSpec[] {
  return [
    defineRoute<{ Body: RegisterCustomerCommand }>({
      kind: 'custom',
      idempotent: true,
      method: 'POST',
      url: '/v1/customers',
      operationId: 'registerCustomer',
      summary: 'Register a customer',
      description:
        'Creates the customer and its Stripe customer. When Stripe cannot be reached the customer is still registered (201, `gatewayLink: "pending"`) and a background job links it as soon as Stripe answers; a retry never creates a second Stripe customer.',
      tag,
      access: 'unscoped',
      schema: {
        body: registerCustomerBody,
        success: { status: 201, body: registeredCustomerView, description: 'Registered (linked to Stripe, or pending).' },
        errors: { 400: ['INVALID_EMAIL', 'INVALID_NAME', 'INVALID_CURRENCY', 'INVALID_EXTERNAL_ACCOUNT_ID'], 409: ['DUPLICATE_EXTERNAL_ACCOUNT_ID'] },
      },
      /**
       * Registration calls Stripe, which cannot join our transaction. So: claim the key and commit the customer (with
       * CustomerRegistered) in ONE transaction, storing a provisional "pending" response with them; call Stripe after
       * the commit; store the final response. A crash between the two leaves a replay answering the true provisional
       * response (never a key stuck "in progress"), and the background job links the customer. A request that fails
       * validation or hits a duplicate rolls the claim back with everything else.
       */
      handle: async (request) => {
        const context = request.messageContext;
        const idempotency: IdempotentRequest = { principal: request.principal.name, key: idempotencyKeyOf(request), route: 'POST /v1/customers', body: request.body };
        const claimed = await useCases.transaction(context, async (inTx, tx): Promise<{ replay: StoredResponse } | { registered: CustomerReadModel }> => {
          const replay = await claimIdempotencyKey(tx, idempotency);
          if (replay) return { replay };
          const registered = await inTx.register.registerOnly(request.body);
          await storeIdempotentResponse(tx, idempotency, { status: 201, body: { customer: registered, gatewayLink: 'pending' } });
          return { registered };
        });
        if ('replay' in claimed) return { ...claimed.replay, replayed: true };

        const result = await useCases.withGateway(context).register.linkRegistered(claimed.registered);
        logPending(logger, result, context.correlationId);
        const response: StoredResponse = { status: 201, body: { customer: result.customer, gatewayLink: result.gatewayLink } };
        await useCases
          .transaction(context, (_, tx) => storeIdempotentResponse(tx, idempotency, response))
          .catch((error: unknown) => logger.error({ err: error, customerId: result.customer.id }, 'final registration response not stored; replays answer the provisional one'));
        return { ...response, headers: { location: `/v1/customers/${result.customer.id}` } };
      },
    }),

    defineRoute<{ Querystring: { limit: number; cursor?: string; externalAccountId?: string; query?: string } }>({
      kind: 'read',
      method: 'GET',
      url: '/v1/customers',
      operationId: 'listCustomers',
      summary: 'List or search customers, or find one by externalAccountId',
      description:
        'Every customer (deactivated ones too) in registration order; with `query`, those whose email, name or externalAccountId contains the text (case-insensitive), paged the same way; with `externalAccountId`, a page of that customer or none (with both, the customer must match both).',
      tag,
      access: 'unscoped',
      schema: { querystring: listCustomersQuery, success: { status: 200, body: customerPage, description: 'A page.' } },
      execute: async (request, tx) => ({ body: await useCases.in(tx, request.messageContext).list.execute(request.query) }),
    }),

    defineRoute<{ Params: CustomerParams }>({
      kind: 'read',
      method: 'GET',
      url: '/v1/customers/:customerId',
      operationId: 'getCustomer',
      summary: 'Get a customer',
      tag,
      access: { customer: customerOf },
      schema: { params: customerParams, success: { status: 200, body: customerView, description: 'The customer.' }, errors: { 404: ['CUSTOMER_NOT_FOUND'] } },
      execute: async (request, tx) => ({ body: await useCases.in(tx, request.messageContext).get.execute({ customerId: request.params.customerId }) }),
    }),

    defineRoute<{ Params: CustomerParams; Body: Omit<UpdateCustomerCommand, 'customerId'> }>({
      kind: 'idempotent-write',
      method: 'PATCH',
      url: '/v1/customers/:customerId',
      operationId: 'updateCustomer',
      summary: "Change a customer's email, name or default currency",
      description: 'Omitted fields stay as they are; `name: null` clears the name.',
      tag,
      access: { customer: customerOf },
      schema: {
        params: customerParams,
        body: updateCustomerBody,
        success: { status: 200, body: customerView, description: 'The customer after the change.' },
        errors: {
          400: ['INVALID_EMAIL', 'INVALID_NAME', 'INVALID_CURRENCY'],
          404: ['CUSTOMER_NOT_FOUND'],
          409: ['CONCURRENT_MODIFICATION'],
          422: ['CUSTOMER_DEACTIVATED'],
        },
      },
      execute: async (request, tx) => {
        const { customer } = await useCases.in(tx, request.messageContext).update.execute({ ...request.body, customerId: request.params.customerId });
        return { body: customer };
      },
    }),

    defineRoute<{ Params: CustomerParams }>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/customers/:customerId/deactivate',
      operationId: 'deactivateCustomer',
      summary: 'Deactivate a customer (one way)',
      description: 'No request body. A deactivated customer is kept for history and lookups but never changes again.',
      tag,
      access: { customer: customerOf },
      schema: {
        params: customerParams,
        success: { status: 200, body: customerView, description: 'The deactivated customer.' },
        errors: { 404: ['CUSTOMER_NOT_FOUND'], 409: ['CUSTOMER_ALREADY_DEACTIVATED', 'CONCURRENT_MODIFICATION'] },
      },
      execute: async (request, tx) => {
        const { customer } = await useCases.in(tx, request.messageContext).deactivate.execute({ customerId: request.params.customerId });
        return { body: customer };
      },
    }),
  ];
}

function logPending(logger: Logger, result: RegisterCustomerResult, correlationId: string): void {
  if (result.gatewayLink !== 'pending') return;
  const fields = { customerId: result.customer.id, correlationId, err: result.gatewayError };
  if (result.transient) logger.warn(fields, 'registered; Stripe unavailable, the link job will finish the link');
  else logger.error(fields, 'registered; the Stripe link failed for a reason a retry may not fix, the link job keeps trying');
}
