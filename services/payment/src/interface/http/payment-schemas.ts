/**
 * JSON schemas of the REST API: the routes validate requests with them and /openapi.json is built from them, so the
 * document cannot drift from what is enforced.
 */
import { MAX_AMOUNT, SUPPORTED_CURRENCIES } from '../../domain/money.value-object';
import { MAX_TOP_UP_CREDITS } from '../../domain/payment-reference.value-object';
import { PAYMENT_STATUSES } from '../../domain/payment-status';

export type JsonSchema = Record<string, unknown>;

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const currency = {
  type: 'string',
  pattern: '^[A-Za-z]{3}$',
  description: `ISO 4217, one of ${SUPPORTED_CURRENCIES.join(', ')} (lower case accepted)`,
} as const;

export const topUpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'credits', 'amount', 'currency'],
  properties: {
    customerId: id,
    credits: { type: 'integer', minimum: 1, maximum: MAX_TOP_UP_CREDITS, description: 'credits granted once the payment succeeds' },
    amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'price in minor units of currency' },
    currency,
  },
} as const satisfies JsonSchema;

export interface TopUpBody {
  customerId: string;
  credits: number;
  amount: number;
  currency: string;
}

export const paymentIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['paymentId'],
  properties: { paymentId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const satisfies JsonSchema;

export const findPaymentsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    subscriptionId: { ...id, description: 'with periodIndex: that period’s on-session first charge' },
    periodIndex: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
    attempt: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', description: 'an off-session renewal attempt of the period' },
    topUpId: id,
  },
  oneOf: [{ required: ['subscriptionId', 'periodIndex'] }, { required: ['topUpId'] }],
} as const satisfies JsonSchema;

export interface FindPaymentsQuery {
  subscriptionId?: string;
  periodIndex?: string;
  attempt?: string;
  topUpId?: string;
}

const reference = {
  oneOf: [
    {
      type: 'object',
      required: ['purpose', 'subscriptionId', 'periodIndex'],
      properties: { purpose: { const: 'SUBSCRIPTION_PERIOD' }, subscriptionId: { type: 'string' }, periodIndex: { type: 'integer' } },
    },
    {
      type: 'object',
      required: ['purpose', 'topUpId', 'credits'],
      properties: { purpose: { const: 'CREDIT_TOP_UP' }, topUpId: { type: 'string' }, credits: { type: 'integer' } },
    },
  ],
} as const;

export const paymentView = {
  type: 'object',
  required: ['paymentId', 'customerId', 'reference', 'amount', 'currency', 'status', 'attempt', 'offSession', 'gatewayPaymentIntentId', 'clientSecret', 'failure', 'totalRefunded'],
  properties: {
    paymentId: uuid,
    customerId: { type: 'string' },
    reference,
    amount: { type: 'integer' },
    currency: { type: 'string', enum: [...SUPPORTED_CURRENCIES] },
    status: { type: 'string', enum: [...PAYMENT_STATUSES] },
    attempt: { type: 'integer' },
    offSession: { type: 'boolean' },
    gatewayPaymentIntentId: { type: ['string', 'null'] },
    clientSecret: {
      type: ['string', 'null'],
      description: 'for Stripe.js (stripe.confirmPayment) while the customer can act: status requires_payment_method, or failed on-session',
    },
    checkoutUrl: {
      type: 'string',
      description: 'local mode only (npm start without STRIPE_SECRET_KEY): the test-checkout page where a person pays, while clientSecret is given',
    },
    failure: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, declineCode: { type: ['string', 'null'] }, message: { type: 'string' }, attempt: { type: 'integer' } },
    },
    totalRefunded: { type: 'integer' },
  },
} as const satisfies JsonSchema;

export const paymentList = {
  type: 'object',
  required: ['data'],
  properties: { data: { type: 'array', items: paymentView, maxItems: 1 } },
} as const satisfies JsonSchema;

export const webhookAcknowledgement = {
  type: 'object',
  required: ['received'],
  properties: {
    received: { const: true },
    outcome: { type: 'string', enum: ['applied', 'unchanged', 'duplicate', 'ignored'] },
    reason: { type: 'string' },
    paymentId: uuid,
  },
} as const satisfies JsonSchema;

export const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]+$' }, message: { type: 'string' }, details: {} },
    },
  },
} as const satisfies JsonSchema;
