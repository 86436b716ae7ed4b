/**
 * JSON schemas of the REST API: the routes validate requests with them and /openapi.json is built from them, so the
 * document cannot drift from what is enforced.
 */
import { type JsonSchema, listEnvelopeSchema, listQuerySchema } from '@billing/platform';
import { MAX_AMOUNT, SUPPORTED_CURRENCIES } from '../../domain/money.value-object';
import { MAX_TOP_UP_CREDITS } from '../../domain/payment-reference.value-object';
import { DISPUTE_STATUSES } from '../../domain/dispute-status';
import { PAYMENT_STATUSES } from '../../domain/payment-status';

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const currency = {
  type: 'string',
  pattern: '^[A-Za-z]{3}$',
  description: `ISO 4217, one of ${SUPPORTED_CURRENCIES.join(', ')} (lower case accepted)`,
} as const;

const packCode = { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'a top-up pack of the catalogue (GET /v1/top-up-packs)' } as const;

/**
 * The caller names a pack and a currency; the platform prices it. A body naming `amount`, `price(s)`, `unitAmount` or
 * `credits` is refused with 400 PRICE_NOT_ACCEPTED before this schema is applied (see refuseCallerPrice).
 */
export const topUpBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'packCode', 'currency'],
  properties: {
    customerId: id,
    packCode,
    currency,
  },
} as const satisfies JsonSchema;

export interface TopUpBody {
  customerId: string;
  packCode: string;
  currency: string;
}

const price = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: { amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'minor units of currency' }, currency },
} as const;
// At least one, one per currency: the domain refuses the rest with INVALID_TOP_UP_PACK (the route fuzzer's schema
// reader knows no array-length keywords).
const prices = { type: 'array', items: price, description: 'at least one price, one per currency' } as const;
const packCredits = { type: 'integer', minimum: 1, maximum: MAX_TOP_UP_CREDITS, description: 'credits granted once the payment succeeds' } as const;

export const createTopUpPackBody = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'credits', 'prices'],
  properties: { code: packCode, credits: packCredits, prices },
} as const satisfies JsonSchema;

export interface CreateTopUpPackBody {
  code: string;
  credits: number;
  prices: { amount: number; currency: string }[];
}

export const changeTopUpPackBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { credits: packCredits, prices },
} as const satisfies JsonSchema;

export interface ChangeTopUpPackBody {
  credits?: number;
  prices?: { amount: number; currency: string }[];
}

export const packCodeParams = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 64 } },
} as const satisfies JsonSchema;

export const listTopUpPacksQuery = listQuerySchema({
  active: { type: 'boolean', default: true, description: 'true (default): packs on sale only; false: all' },
});

export interface ListTopUpPacksQuery {
  active: boolean;
  limit: number;
  cursor?: string;
}

export const topUpPackView = {
  type: 'object',
  required: ['code', 'credits', 'prices', 'active', 'createdAt', 'updatedAt'],
  properties: {
    code: { type: 'string' },
    credits: { type: 'integer' },
    prices: { type: 'array', items: { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'integer' }, currency: { type: 'string' } } } },
    active: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const satisfies JsonSchema;

export const topUpPackList = listEnvelopeSchema(topUpPackView);

export const paymentIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['paymentId'],
  properties: { paymentId: { type: 'string', minLength: 1, maxLength: 100 } },
} as const satisfies JsonSchema;

export const listPaymentsQuery = listQuerySchema({
  customerId: { ...id, description: 'a customer’s payments (a token scoped to a customer lists its own without it)' },
  subscriptionId: { ...id, description: 'a subscription’s payments: its periods’ charges and its upgrades' },
  periodIndex: { type: 'integer', minimum: 1, maximum: 999_999_999, description: 'of that period' },
  attempt: { type: 'integer', minimum: 1, maximum: 9_999, description: 'that charge attempt (off-session renewals count them)' },
  topUpId: id,
});

export interface ListPaymentsQuery {
  limit: number;
  cursor?: string;
  customerId?: string;
  subscriptionId?: string;
  periodIndex?: number;
  attempt?: number;
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
    {
      type: 'object',
      required: ['purpose', 'subscriptionId', 'periodIndex', 'changeId'],
      properties: { purpose: { const: 'SUBSCRIPTION_UPGRADE' }, subscriptionId: { type: 'string' }, periodIndex: { type: 'integer' }, changeId: { type: 'string' } },
    },
  ],
} as const;

export const paymentView = {
  type: 'object',
  required: [
    'paymentId',
    'customerId',
    'reference',
    'amount',
    'currency',
    'status',
    'attempt',
    'offSession',
    'gatewayPaymentIntentId',
    'clientSecret',
    'failure',
    'totalRefunded',
    'refunds',
    'disputes',
  ],
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
    refunds: {
      type: 'array',
      description: 'every refund Stripe reported (charge.refunded webhook), oldest first; they add up to totalRefunded',
      items: {
        type: 'object',
        required: ['refundId', 'amount', 'recordedAt'],
        properties: {
          refundId: { type: 'string' },
          amount: { type: 'integer', description: 'minor units of the payment currency' },
          recordedAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    disputes: {
      type: 'array',
      description: 'every dispute of the payment, oldest first; closedAt is null while it is open',
      items: {
        type: 'object',
        required: ['disputeId', 'status', 'amount', 'openedAt', 'closedAt'],
        properties: {
          disputeId: { type: 'string' },
          status: { type: 'string', enum: [...DISPUTE_STATUSES], description: 'warning_* are inquiries; won, lost and warning_closed are closed' },
          amount: { type: 'integer', description: 'minor units of the payment currency' },
          openedAt: { type: 'string', format: 'date-time' },
          closedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  },
} as const satisfies JsonSchema;

/** A top-up answer: the payment, and what the platform priced (the pack, its credits, the amount charged). */
export const topUpView = {
  type: 'object',
  required: [...paymentView.required, 'quote'],
  properties: {
    ...paymentView.properties,
    quote: {
      type: 'object',
      required: ['packCode', 'credits', 'amount', 'currency'],
      properties: { packCode: { type: 'string' }, credits: { type: 'integer' }, amount: { type: 'integer' }, currency: { type: 'string' } },
    },
  },
} as const satisfies JsonSchema;

export const paymentList = listEnvelopeSchema(paymentView);

export const webhookAcknowledgement = {
  type: 'object',
  required: ['received'],
  properties: {
    received: { const: true },
    outcome: { type: 'string', enum: ['applied', 'unchanged', 'duplicate', 'ignored'] },
    reason: { type: 'string' },
    paymentId: uuid,
    status: { type: 'string', enum: [...PAYMENT_STATUSES] },
    refetched: { type: 'boolean' },
  },
} as const satisfies JsonSchema;

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;

export const refundBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'minor units; default: everything still refundable' },
    reason: { type: 'string', enum: [...REFUND_REASONS] },
  },
} as const satisfies JsonSchema;

export interface RefundBody {
  amount?: number;
  reason?: (typeof REFUND_REASONS)[number];
}

export const refundView = {
  type: 'object',
  required: ['refundId', 'paymentId', 'amount', 'currency', 'status'],
  properties: {
    refundId: { type: 'string', description: 'Stripe’s re_…' },
    paymentId: uuid,
    amount: { type: 'integer', description: 'minor units' },
    currency: { type: 'string', enum: [...SUPPORTED_CURRENCIES] },
    status: {
      type: 'string',
      enum: ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'],
      description: 'Stripe’s refund status when it answered; the payment’s refunds follow from the charge.refunded webhook',
    },
  },
} as const satisfies JsonSchema;

export const listWebhookDeliveriesQuery = listQuerySchema({});

export interface ListWebhookDeliveriesQuery {
  limit: number;
  cursor?: string;
}

export const webhookDeliveryList = listEnvelopeSchema({
  type: 'object',
  required: ['eventId', 'type', 'receivedAt', 'outcome', 'detail'],
  properties: {
    eventId: { type: 'string', description: 'Stripe’s evt_…; a redelivery repeats it' },
    type: { type: 'string', description: 'e.g. payment_intent.succeeded, charge.refunded' },
    receivedAt: { type: 'string', format: 'date-time' },
    outcome: {
      type: 'string',
      enum: ['applied', 'duplicate', 'ignored', 'failed'],
      description: 'applied: changed the payment; duplicate: event id seen before; ignored: nothing to change (stale, already reflected, type not handled); failed: answered 5xx, Stripe delivers it again',
    },
    detail: { type: 'string' },
  },
});
