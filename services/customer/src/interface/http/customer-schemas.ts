import { type JsonSchema, listEnvelopeSchema, listQuerySchema } from '@billing/platform';
import { CUSTOMER_STATUSES } from '../../domain/customer-status';
import { SUPPORTED_CURRENCIES } from '../../domain/currency.value-object';
import { MAX_NAME_LENGTH } from '../../domain/customer-name.value-object';
import { MAX_EMAIL_LENGTH } from '../../domain/email.value-object';
import { MAX_EXTERNAL_ACCOUNT_ID_LENGTH } from '../../domain/external-account-id.value-object';
import { PAYMENT_GATEWAYS } from '../../domain/payment-gateway-link.value-object';
import { MAX_QUERY_LENGTH } from '../../application/queries/list-customers/list-customers.query';

// The JSON schemas of the customer routes: they validate, serialise, and are the OpenAPI document (the kit generates it).

const externalAccountId: JsonSchema = {
  type: 'string',
  description: "The platform's own account id; unique, case-sensitive.",
  minLength: 1,
  maxLength: MAX_EXTERNAL_ACCOUNT_ID_LENGTH,
  pattern: '^[A-Za-z0-9._:-]+$',
};
const email: JsonSchema = { type: 'string', format: 'email', maxLength: MAX_EMAIL_LENGTH, description: 'Stored trimmed and lower-cased.' };
const name: JsonSchema = { type: ['string', 'null'], minLength: 1, maxLength: MAX_NAME_LENGTH, description: 'Display name; null for none.' };
const currency: JsonSchema = { type: 'string', enum: [...SUPPORTED_CURRENCIES], description: 'ISO 4217 code the customer is billed in.' };
const instant: JsonSchema = { type: 'string', format: 'date-time' };

export const customerParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId'],
  properties: { customerId: { type: 'string', format: 'uuid' } },
};

export const listCustomersQuery: JsonSchema = listQuerySchema({
  externalAccountId: { ...externalAccountId, description: 'Only this customer: a page of one or none (no cursor with it).' },
  query: {
    type: 'string',
    minLength: 1,
    maxLength: MAX_QUERY_LENGTH,
    description: 'Customers whose email, name or externalAccountId contains this text, ignoring case (% and _ match themselves); cursor-paged in registration order. With externalAccountId, both must match.',
  },
});

export const registerCustomerBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['externalAccountId', 'email', 'defaultCurrency'],
  properties: { externalAccountId, email, name, defaultCurrency: currency },
};

export const updateCustomerBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { email, name, defaultCurrency: currency },
};

const gatewayLink: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['gateway', 'gatewayCustomerId', 'linkedAt'],
  properties: {
    gateway: { type: 'string', enum: [...PAYMENT_GATEWAYS] },
    gatewayCustomerId: { type: 'string', description: 'e.g. cus_… at Stripe' },
    linkedAt: instant,
  },
};

export const customerView: JsonSchema = {
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
    gatewayLinks: { type: 'array', items: gatewayLink, description: 'Empty while the Stripe link is pending.' },
    createdAt: instant,
    updatedAt: instant,
    deactivatedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export const registeredCustomerView: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['customer', 'gatewayLink'],
  properties: {
    customer: customerView,
    gatewayLink: {
      type: 'string',
      enum: ['linked', 'pending'],
      description: 'pending: Stripe could not be reached; the customer is registered and a background job links it.',
    },
  },
};

export const customerPage: JsonSchema = listEnvelopeSchema(customerView);
