import { SUPPORTED_CURRENCIES } from '../../domain/currency.value-object';
import { MAX_EMAIL_LENGTH } from '../../domain/email.value-object';
import { MAX_EXTERNAL_ACCOUNT_ID_LENGTH } from '../../domain/external-account-id.value-object';
import { MAX_NAME_LENGTH } from '../../domain/customer-name.value-object';
import { PAYMENT_GATEWAYS } from '../../domain/payment-gateway-link.value-object';
import { CUSTOMER_STATUSES } from '../../domain/customer-status';
import { MAX_LIST_LIMIT, DEFAULT_LIST_LIMIT } from '../../application/queries/list-customers/list-customers.query';

/**
 * The customer service's REST contract, served at GET /openapi.json, hand-written as one JSON object. The Fastify
 * routes take their JSON Schemas from it (route-schemas.ts inlines the $refs), so what is documented is what is
 * validated and serialised: the two cannot drift.
 *
 * `x-error-code` on a request field names the error code a bad value of that field is answered with (400); it is an
 * OpenAPI extension, removed before the schema reaches the validator's strict mode.
 */

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const customerResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Customer' } } },
});

const common = {
  '400': errorResponse('Malformed request: the code names the field (INVALID_EMAIL, INVALID_CURRENCY, …) or INVALID_REQUEST / INVALID_JSON.'),
  '401': errorResponse('UNAUTHENTICATED: no valid service token.'),
  '403': errorResponse('FORBIDDEN: the token is scoped to another customer.'),
};

const writes = {
  '409': errorResponse('IDEMPOTENCY_KEY_IN_PROGRESS, or a state conflict (DUPLICATE_EXTERNAL_ACCOUNT_ID, CUSTOMER_ALREADY_DEACTIVATED, CONCURRENT_MODIFICATION).'),
  '413': errorResponse('PAYLOAD_TOO_LARGE: the body is over 1 MB.'),
  '415': errorResponse('UNSUPPORTED_MEDIA_TYPE: send application/json.'),
  '422': errorResponse('IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used for another request; or a rule refused it (CUSTOMER_DEACTIVATED).'),
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Billing customer service',
    version: '1.0.0',
    description:
      'Customers of the billing platform and their payment-gateway (Stripe) customers. Every /v1 call needs `Authorization: Bearer <service token>`; every write needs an `Idempotency-Key` (a replay returns the first response with `Idempotent-Replayed: true`; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED). Errors are `{ "error": { "code", "message", "details" } }`.',
  },
  servers: [{ url: '/' }],
  security: [{ serviceToken: [] }],
  paths: {
    '/v1/customers': {
      post: {
        operationId: 'registerCustomer',
        summary: 'Register a customer',
        description:
          'Creates the customer and its Stripe customer. When Stripe cannot be reached the customer is still registered (201, `gatewayLink: "pending"`) and a background job links it as soon as Stripe answers; a retry never creates a second Stripe customer.',
        parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/RegisterCustomerRequest' } } } },
        responses: {
          '201': {
            description: 'Registered (linked to Stripe, or pending).',
            headers: { 'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/RegisteredCustomer' } } },
          },
          ...common,
          ...writes,
        },
      },
      get: {
        operationId: 'listCustomers',
        summary: 'List customers, or find one by externalAccountId',
        description:
          'Every customer (deactivated ones too) in registration order, `limit` at a time; pass `nextCursor` back as `cursor` for the next page. With `externalAccountId`, the page holds that customer or nothing.',
        parameters: [
          { $ref: '#/components/parameters/ExternalAccountIdQuery' },
          { $ref: '#/components/parameters/Limit' },
          { $ref: '#/components/parameters/Cursor' },
        ],
        responses: {
          '200': { description: 'A page.', content: { 'application/json': { schema: { $ref: '#/components/schemas/CustomerPage' } } } },
          ...common,
        },
      },
    },
    '/v1/customers/{customerId}': {
      get: {
        operationId: 'getCustomer',
        summary: 'Get a customer',
        parameters: [{ $ref: '#/components/parameters/CustomerId' }],
        responses: { '200': customerResponse('The customer.'), ...common, '404': errorResponse('CUSTOMER_NOT_FOUND') },
      },
      patch: {
        operationId: 'updateCustomer',
        summary: "Change a customer's email, name or default currency",
        description: 'Omitted fields stay as they are; `name: null` clears the name.',
        parameters: [{ $ref: '#/components/parameters/CustomerId' }, { $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateCustomerRequest' } } } },
        responses: { '200': customerResponse('The customer after the change.'), ...common, '404': errorResponse('CUSTOMER_NOT_FOUND'), ...writes },
      },
    },
    '/v1/customers/{customerId}/deactivate': {
      post: {
        operationId: 'deactivateCustomer',
        summary: 'Deactivate a customer (one way)',
        description: 'No request body. A deactivated customer is kept for history and lookups but never changes again.',
        parameters: [{ $ref: '#/components/parameters/CustomerId' }, { $ref: '#/components/parameters/IdempotencyKey' }],
        responses: { '200': customerResponse('The deactivated customer.'), ...common, '404': errorResponse('CUSTOMER_NOT_FOUND'), ...writes },
      },
    },
  },
  components: {
    securitySchemes: {
      serviceToken: { type: 'http', scheme: 'bearer', description: 'A service token from SERVICE_TOKENS (name:token[:customerId]).' },
    },
    headers: {
      IdempotentReplayed: { description: '"true" when this is the stored response of an earlier request with the same key.', schema: { type: 'string', enum: ['true'] } },
    },
    parameters: {
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description: 'Chosen by the caller, unique per intended write; 1 to 255 printable ASCII characters.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', 'x-error-code': 'INVALID_IDEMPOTENCY_KEY' },
      },
      CustomerId: {
        name: 'customerId',
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid', 'x-error-code': 'INVALID_CUSTOMER_ID' },
      },
      ExternalAccountIdQuery: {
        name: 'externalAccountId',
        in: 'query',
        required: false,
        schema: { $ref: '#/components/schemas/ExternalAccountId' },
      },
      Limit: {
        name: 'limit',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT, 'x-error-code': 'INVALID_LIMIT' },
      },
      Cursor: {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The nextCursor of the previous page, as returned.',
        schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', 'x-error-code': 'INVALID_CURSOR' },
      },
    },
    schemas: {
      ExternalAccountId: {
        type: 'string',
        description: "The platform's own account id; unique, case-sensitive.",
        minLength: 1,
        maxLength: MAX_EXTERNAL_ACCOUNT_ID_LENGTH,
        pattern: '^[A-Za-z0-9._:-]+$',
        'x-error-code': 'INVALID_EXTERNAL_ACCOUNT_ID',
      },
      Email: {
        type: 'string',
        format: 'email',
        maxLength: MAX_EMAIL_LENGTH,
        description: 'Stored trimmed and lower-cased.',
        'x-error-code': 'INVALID_EMAIL',
      },
      Name: {
        type: ['string', 'null'],
        minLength: 1,
        maxLength: MAX_NAME_LENGTH,
        description: 'Display name; null for none.',
        'x-error-code': 'INVALID_NAME',
      },
      Currency: {
        type: 'string',
        enum: [...SUPPORTED_CURRENCIES],
        description: 'ISO 4217 code the customer is billed in.',
        'x-error-code': 'INVALID_CURRENCY',
      },
      RegisterCustomerRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['externalAccountId', 'email', 'defaultCurrency'],
        properties: {
          externalAccountId: { $ref: '#/components/schemas/ExternalAccountId' },
          email: { $ref: '#/components/schemas/Email' },
          name: { $ref: '#/components/schemas/Name' },
          defaultCurrency: { $ref: '#/components/schemas/Currency' },
        },
      },
      UpdateCustomerRequest: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          email: { $ref: '#/components/schemas/Email' },
          name: { $ref: '#/components/schemas/Name' },
          defaultCurrency: { $ref: '#/components/schemas/Currency' },
        },
      },
      GatewayLink: {
        type: 'object',
        additionalProperties: false,
        required: ['gateway', 'gatewayCustomerId', 'linkedAt'],
        properties: {
          gateway: { type: 'string', enum: [...PAYMENT_GATEWAYS] },
          gatewayCustomerId: { type: 'string', description: 'e.g. cus_… at Stripe' },
          linkedAt: { type: 'string', format: 'date-time' },
        },
      },
      Customer: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'externalAccountId', 'email', 'name', 'defaultCurrency', 'status', 'gatewayLinks', 'createdAt', 'updatedAt', 'deactivatedAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          externalAccountId: { type: 'string' },
          email: { type: 'string' },
          name: { type: ['string', 'null'] },
          defaultCurrency: { type: 'string', enum: [...SUPPORTED_CURRENCIES] },
          status: { type: 'string', enum: [...CUSTOMER_STATUSES] },
          gatewayLinks: { type: 'array', items: { $ref: '#/components/schemas/GatewayLink' }, description: 'Empty while the Stripe link is pending.' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          deactivatedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      RegisteredCustomer: {
        type: 'object',
        additionalProperties: false,
        required: ['customer', 'gatewayLink'],
        properties: {
          customer: { $ref: '#/components/schemas/Customer' },
          gatewayLink: {
            type: 'string',
            enum: ['linked', 'pending'],
            description: 'pending: Stripe could not be reached; the customer is registered and will be linked by a background job.',
          },
        },
      },
      CustomerPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { $ref: '#/components/schemas/Customer' } },
          nextCursor: { type: ['string', 'null'], description: 'Pass back as `cursor`; null on the last page.' },
        },
      },
      Error: {
        type: 'object',
        additionalProperties: false,
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: {
              code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]+$', description: 'Stable, machine-readable.' },
              message: { type: 'string', description: 'For humans; may change.' },
              details: { description: 'Structured context, e.g. the offending value.' },
            },
          },
        },
      },
    },
  },
} as const;

export type OpenApiDocument = typeof openApiDocument;
