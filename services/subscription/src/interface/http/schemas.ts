import { listEnvelopeSchema, listQuerySchema, nullable, type JsonSchema } from '@billing/platform';

/**
 * The JSON schemas the routes validate requests with and serialize responses by; the platform kit generates
 * /openapi.json from these same objects, so the document cannot drift from what the server enforces.
 */
const instant: JsonSchema = { type: 'string', format: 'date-time' };
const planCode: JsonSchema = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'lower-case plan code' };
const id: JsonSchema = { type: 'string', minLength: 1, maxLength: 200 };
const currency: JsonSchema = { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, upper case' };
const interval: JsonSchema = { type: 'string', enum: ['day', 'month', 'year'] };

export const priceInput: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'minor units of currency' },
    currency,
  },
};

const planTerms = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  price: priceInput,
  interval,
  creditsPerPeriod: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  creditRollover: { type: 'boolean', description: 'false: a period’s credits expire at its end' },
  trialDays: { type: 'integer', minimum: 0, maximum: 365 },
  lowBalanceThreshold: {
    type: ['integer', 'null'],
    minimum: 1,
    maximum: 1_000_000_000,
    description: 'credits; a subscriber account without a low-balance threshold gets this one with its first credits (null: none)',
  },
};

export const createPlanBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'price', 'interval', 'creditsPerPeriod'],
  properties: { code: planCode, ...planTerms },
};

export const planRevisionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: planTerms,
};

export const createSubscriptionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'planCode'],
  properties: { customerId: id, planCode, planVersion: { type: 'integer', minimum: 1 } },
};

export const cancelBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode'],
  properties: { mode: { type: 'string', enum: ['now', 'at_period_end'] } },
};

export const changePlanBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['planCode'],
  properties: { planCode, planVersion: { type: 'integer', minimum: 1 } },
};

export const codeParams: JsonSchema = { type: 'object', required: ['code'], properties: { code: planCode } };
export const subscriptionParams: JsonSchema = { type: 'object', required: ['id'], properties: { id } };
export const customerParams: JsonSchema = { type: 'object', required: ['customerId'], properties: { customerId: id } };
export const planVersionQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1, maximum: 999_999_999, description: 'a plan version (default: the latest)' } },
};
export const listQuery: JsonSchema = listQuerySchema();

const money: JsonSchema = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: { amount: { type: 'integer' }, currency: { type: 'string' } },
};

const planTermsView: JsonSchema = {
  type: 'object',
  required: ['planId', 'version', 'price', 'interval', 'creditsPerPeriod', 'creditRollover'],
  properties: {
    planId: { type: 'string' },
    version: { type: 'integer' },
    price: money,
    interval: { type: 'string' },
    creditsPerPeriod: { type: 'integer' },
    creditRollover: { type: 'boolean' },
    lowBalanceThreshold: { type: ['integer', 'null'] },
  },
};

export const planView: JsonSchema = {
  type: 'object',
  required: ['planId', 'code', 'version', 'name', 'price', 'interval', 'creditsPerPeriod', 'creditRollover', 'trialDays', 'active'],
  properties: {
    planId: { type: 'string' },
    code: { type: 'string' },
    version: { type: 'integer' },
    name: { type: 'string' },
    price: money,
    interval: { type: 'string' },
    creditsPerPeriod: { type: 'integer' },
    creditRollover: { type: 'boolean' },
    trialDays: { type: 'integer' },
    active: { type: 'boolean' },
    lowBalanceThreshold: { type: ['integer', 'null'] },
  },
};

export const planList: JsonSchema = listEnvelopeSchema(planView);

export const subscriptionView: JsonSchema = {
  type: 'object',
  required: [
    'id',
    'customerId',
    'status',
    'plan',
    'pendingPlan',
    'createdAt',
    'trialEndsAt',
    'currentPeriod',
    'renewalDueAt',
    'cancelAtPeriodEnd',
    'dunning',
    'cancellation',
    'upgrade',
  ],
  properties: {
    id: { type: 'string' },
    customerId: { type: 'string' },
    status: {
      type: 'string',
      enum: ['incomplete', 'trialing', 'active', 'past_due', 'canceled', 'incomplete_expired'],
      description: 'past_due: the renewal charge failed and dunning retries it (see dunning)',
    },
    plan: planTermsView,
    pendingPlan: nullable(planTermsView),
    createdAt: instant,
    trialEndsAt: nullable(instant),
    currentPeriod: nullable({
      type: 'object',
      description: 'the last paid period (1 = the first); null before the first payment',
      required: ['index', 'start', 'end'],
      properties: { index: { type: 'integer' }, start: instant, end: instant },
    }),
    renewalDueAt: {
      ...nullable(instant),
      description:
        'the next renewal: when the next period is charged (trialing: the trial end; active: the period end, or the cancellation if cancelAtPeriodEnd); null while a charge is outstanding, past_due (see dunning.nextAttemptAt) or ended',
    },
    cancelAtPeriodEnd: { type: 'boolean' },
    dunning: nullable({
      type: 'object',
      description: 'while past_due: the period being retried, the failed attempts so far, and when the next charge attempt is made',
      required: ['periodIndex', 'attempt', 'nextAttemptAt'],
      properties: {
        periodIndex: { type: 'integer' },
        attempt: { type: 'integer', description: 'charge attempts that failed for that period' },
        nextAttemptAt: { ...instant, description: 'when the next retry is charged' },
      },
    }),
    cancellation: nullable({
      type: 'object',
      required: ['reason', 'effectiveAt'],
      properties: { reason: { type: 'string' }, effectiveAt: instant },
    }),
    upgrade: nullable({
      type: 'object',
      description: 'the last mid-period upgrade: waiting for its payment, applied once paid, or failed (the plan stayed) with the reason',
      required: ['changeId', 'toPlan', 'periodIndex', 'amount', 'currency', 'proratedCredits', 'status', 'failureReason', 'failureDetail', 'requestedAt', 'settledAt'],
      properties: {
        changeId: { type: 'string' },
        toPlan: planTermsView,
        periodIndex: { type: 'integer' },
        amount: { type: 'integer', description: 'the prorated price difference charged, minor units' },
        currency: { type: 'string' },
        proratedCredits: { type: 'integer', description: 'granted once the payment succeeds' },
        status: { type: 'string', enum: ['payment_pending', 'applied', 'failed'] },
        failureReason: { type: ['string', 'null'], enum: ['payment_failed', 'amount_mismatch', 'period_ended', 'subscription_ended', null] },
        failureDetail: { type: ['string', 'null'] },
        requestedAt: instant,
        settledAt: nullable(instant),
      },
    }),
  },
};

export const subscriptionList: JsonSchema = listEnvelopeSchema(subscriptionView);

export const planChangeResult: JsonSchema = {
  type: 'object',
  required: ['outcome', 'subscription'],
  properties: {
    outcome: { type: 'string', enum: ['applied_now', 'payment_pending', 'scheduled_at_period_end', 'scheduled_change_withdrawn', 'unchanged'] },
    subscription: subscriptionView,
  },
};
