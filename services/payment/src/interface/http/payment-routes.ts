import { createHash } from 'node:crypto';
import { ApiError, canActFor, claimIdempotencyKey, idempotencyKeyOf, storeIdempotentResponse, type IdempotentRequest, type StoredResponse, type UnitOfWork } from '@billing/platform';
import type { FastifyInstance } from 'fastify';
import type { PaymentView } from '../../application/payment-view';
import { refuseCallerPrice } from '../../domain/top-up-pricing';
import type { UseCasesIn } from '../payment-use-cases';
import type { OpenApiRegistry } from './openapi';
import { findPaymentsQuery, paymentIdParams, paymentList, paymentView, topUpBody, topUpView, type FindPaymentsQuery, type TopUpBody } from './payment-schemas';

export interface PaymentRouteDeps {
  unitOfWork: UnitOfWork;
  useCasesIn: UseCasesIn;
  /** The local Stripe-compatible server's test-checkout page (`…/pay/`); unset against Stripe. */
  checkoutPageUrl?: string;
}

/** Our top-up id for (caller, Idempotency-Key): a retried request finds the payment, and the intent, it opened before. */
export function topUpIdFor(principal: string, key: string): string {
  const hex = createHash('sha256').update(`top-up\n${principal}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

class Peeked extends Error {
  constructor(readonly response: StoredResponse | undefined) {
    super('peeked');
  }
}

/**
 * The stored response for this key, if any, without keeping a claim: the claim is rolled back. Throws 422 for the key
 * used with another body. A claim is only kept, together with the response, once the gateway call is done.
 */
async function storedResponseOf(unitOfWork: UnitOfWork, request: IdempotentRequest): Promise<StoredResponse | undefined> {
  try {
    await unitOfWork.transaction(async (tx) => {
      throw new Peeked(await claimIdempotencyKey(tx, request));
    });
  } catch (error) {
    if (error instanceof Peeked) return error.response;
    throw error;
  }
  return undefined;
}

export function registerPaymentRoutes(app: FastifyInstance, openApi: OpenApiRegistry, deps: PaymentRouteDeps): void {
  // Locally there is no Stripe.js front end to confirm with the client secret: a link to the test checkout stands in.
  const withCheckout = (payment: PaymentView): PaymentView | (PaymentView & { checkoutUrl: string }) =>
    deps.checkoutPageUrl && payment.clientSecret ? { ...payment, checkoutUrl: `${deps.checkoutPageUrl}${encodeURIComponent(payment.clientSecret)}` } : payment;
  openApi.add({
    method: 'post',
    url: '/v1/top-ups',
    operationId: 'createTopUp',
    summary: 'Buy a top-up pack at the platform’s price: opens a Stripe PaymentIntent; confirm it in the browser with the client secret',
    idempotent: true,
    body: topUpBody,
    responses: {
      201: { description: 'the payment and the price the platform computed (a replay returns the first response)', schema: topUpView },
      400: { description: 'PRICE_NOT_ACCEPTED (the body names amount, price(s), unitAmount or credits), another invalid request, or a missing Idempotency-Key' },
      401: { description: 'no valid service token' },
      403: { description: 'the token is scoped to another customer' },
      404: { description: 'TOP_UP_PACK_NOT_FOUND' },
      409: { description: 'CUSTOMER_NOT_LINKED: the customer has no Stripe customer yet; retry later. CUSTOMER_DEACTIVATED' },
      422: { description: 'TOP_UP_PACK_NOT_ACTIVE, TOP_UP_PACK_NOT_PRICED (no price in that currency), IDEMPOTENCY_KEY_REUSED or PAYMENT_REFERENCE_CONFLICT' },
      503: { description: 'Stripe or the customer service is unavailable; retry with the same Idempotency-Key' },
    },
  });
  // The Stripe call cannot run inside the idempotency transaction (a rollback cannot undo an intent). Instead the top-up
  // id is derived from the key, so the use case itself is idempotent; the response is stored once it is known.
  app.post<{ Body: TopUpBody }>(
    '/v1/top-ups',
    // Before the schema, so a named price gets its own code rather than a generic validation error.
    { schema: { body: topUpBody }, preValidation: async (request) => refuseCallerPrice(request.body) },
    async (request, reply) => {
      const principal = request.principal!;
      const key = idempotencyKeyOf(request);
      if (!canActFor(principal, request.body.customerId)) throw new ApiError(403, 'FORBIDDEN', 'this token may not act for that customer');
      const idempotent: IdempotentRequest = { principal: principal.name, key, route: 'POST /v1/top-ups', body: request.body };
      const earlier = await storedResponseOf(deps.unitOfWork, idempotent);
      if (earlier) return reply.status(earlier.status).header('idempotent-replayed', 'true').send(earlier.body);

      const command = { topUpId: topUpIdFor(principal.name, key), ...request.body };
      const result = await deps.useCasesIn(null, request.messageContext).createTopUp.execute(command);
      const response: StoredResponse = { status: 201, body: { ...withCheckout(result.payment), quote: result.quote } };
      const stored = await deps.unitOfWork.transaction(async (tx) => {
        const raced = await claimIdempotencyKey(tx, idempotent);
        if (raced) return raced;
        await storeIdempotentResponse(tx, idempotent, response);
        return response;
      });
      return reply.status(stored.status).send(stored.body);
    },
  );

  openApi.add({
    method: 'get',
    url: '/v1/payments/:paymentId',
    operationId: 'getPayment',
    summary: 'A payment: status, failure, refunds, and the client secret while the customer can still pay',
    params: paymentIdParams,
    responses: {
      200: { description: 'the payment', schema: paymentView },
      401: { description: 'no valid service token' },
      404: { description: 'PAYMENT_NOT_FOUND (also for another customer’s payment under a scoped token)' },
    },
  });
  app.get<{ Params: { paymentId: string } }>('/v1/payments/:paymentId', { schema: { params: paymentIdParams } }, async (request) => {
    const customerId = request.principal!.customerId;
    const query = { paymentId: request.params.paymentId, ...(customerId === undefined ? {} : { customerId }) };
    return withCheckout(await deps.unitOfWork.transaction((tx) => deps.useCasesIn(tx, request.messageContext).getPayment.execute(query)));
  });

  openApi.add({
    method: 'get',
    url: '/v1/payments',
    operationId: 'findPayments',
    summary: 'The payment of a subscription period (or renewal attempt) or of a top-up',
    querystring: findPaymentsQuery,
    responses: {
      200: { description: 'zero or one payment', schema: paymentList },
      400: { description: 'give subscriptionId and periodIndex, or topUpId' },
      401: { description: 'no valid service token' },
    },
  });
  app.get<{ Querystring: FindPaymentsQuery }>('/v1/payments', { schema: { querystring: findPaymentsQuery } }, async (request) => {
    const { subscriptionId, periodIndex, attempt, topUpId } = request.query;
    const customerId = request.principal!.customerId;
    const scope = customerId === undefined ? {} : { customerId };
    const query =
      topUpId !== undefined
        ? { topUpId, ...scope }
        : { subscriptionId: subscriptionId!, periodIndex: Number(periodIndex), ...(attempt === undefined ? {} : { attempt: Number(attempt) }), ...scope };
    const found: PaymentView | null = await deps.unitOfWork.transaction((tx) => deps.useCasesIn(tx, request.messageContext).findPayment.execute(query));
    return { data: found === null ? [] : [withCheckout(found)] };
  });
}
