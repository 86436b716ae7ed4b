import { createHash } from 'node:crypto';
import {
  assertCustomerScope,
  claimIdempotencyKey,
  decodeCursor,
  defineRoute,
  encodeCursor,
  idempotencyKeyOf,
  type IdempotentRequest,
  type MikroOrmExecutor,
  type RouteSpec,
  type StoredResponse,
  storeIdempotentResponse,
  type UnitOfWork,
} from '@billing/platform';
import type { FastifyInstance } from 'fastify';
import type { PaymentView } from '../../application/payment-view';
import type { WebhookDeliveryPosition } from '../../application/ports/webhook-deliveries.port';
import type { PaymentListPosition } from '../../domain/payment.repository.port';
import { refuseCallerPrice } from '../../domain/top-up-pricing';
import type { UseCasesIn } from '../payment-use-cases';
import {
  listPaymentsQuery,
  listWebhookDeliveriesQuery,
  paymentIdParams,
  paymentList,
  paymentView,
  refundBody,
  refundView,
  topUpBody,
  topUpView,
  webhookDeliveryList,
  type ListPaymentsQuery,
  type ListWebhookDeliveriesQuery,
  type RefundBody,
  type TopUpBody,
} from './payment-schemas';

export interface PaymentRouteDeps {
  unitOfWork: UnitOfWork<MikroOrmExecutor>;
  useCasesIn: UseCasesIn;
  /** The local Stripe-compatible server's test-checkout page (`…/pay/`); unset against Stripe. */
  checkoutPageUrl?: string;
}

export const TOP_UPS_PATH = '/v1/top-ups';

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

/**
 * A top-up body that names its own price is refused with PRICE_NOT_ACCEPTED before the schema is applied, so it gets its
 * own code rather than a generic INVALID_REQUEST for the unknown field. Added before the routes are registered.
 */
export function refuseCallerPricedTopUps(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && request.routeOptions.url === TOP_UPS_PATH) refuseCallerPrice(request.body);
  });
}

/** The gateway idempotency key of a refund request: one per (caller, Idempotency-Key, payment). */
export function refundRequestKeyFor(principal: string, key: string, paymentId: string): string {
  return `refund-${createHash('sha256').update(`refund\n${principal}\n${key}\n${paymentId}`).digest('hex').slice(0, 40)}`;
}

const deliveryPositionOf = ([receivedAt, deliveryId]: readonly unknown[]): WebhookDeliveryPosition | undefined =>
  typeof receivedAt === 'string' && typeof deliveryId === 'string' && /^[0-9]{1,19}$/.test(deliveryId) && !Number.isNaN(Date.parse(receivedAt))
    ? { receivedAt: new Date(receivedAt), deliveryId }
    : undefined;

const positionOf = ([createdAt, paymentId]: readonly unknown[]): PaymentListPosition | undefined =>
  typeof createdAt === 'string' && typeof paymentId === 'string' && !Number.isNaN(Date.parse(createdAt)) ? { createdAt: new Date(createdAt), paymentId } : undefined;

const tag = 'payments';

/** Top-ups and payments: POST /v1/top-ups, GET /v1/payments/{id}, GET /v1/payments, refunds, webhook deliveries. */
export function paymentRoutes(deps: PaymentRouteDeps): RouteSpec<MikroOrmExecutor>[] {
  const { useCasesIn } = deps;
  // Locally there is no Stripe.js front end to confirm with the client secret: a link to the test checkout stands in.
  const withCheckout = (payment: PaymentView): PaymentView | (PaymentView & { checkoutUrl: string }) =>
    deps.checkoutPageUrl && payment.clientSecret ? { ...payment, checkoutUrl: `${deps.checkoutPageUrl}${encodeURIComponent(payment.clientSecret)}` } : payment;

  return [
    defineRoute<{ Body: TopUpBody }, MikroOrmExecutor>({
      kind: 'custom',
      idempotent: true,
      method: 'POST',
      url: TOP_UPS_PATH,
      operationId: 'createTopUp',
      summary: 'Buy a top-up pack at the platform’s price: opens a Stripe PaymentIntent; confirm it in the browser with the client secret',
      description:
        'A body naming amount, price(s), unitAmount or credits is 400 PRICE_NOT_ACCEPTED. 503: Stripe or the customer service is unavailable; retry with the same Idempotency-Key (one intent is opened whatever the retries).',
      tag,
      access: { customer: (request) => request.body.customerId },
      schema: {
        body: topUpBody,
        success: { status: 201, body: topUpView, description: 'The payment and the price the platform computed.' },
        errors: {
          400: ['PRICE_NOT_ACCEPTED', 'INVALID_CURRENCY'],
          404: ['TOP_UP_PACK_NOT_FOUND'],
          409: ['CUSTOMER_NOT_LINKED', 'CUSTOMER_DEACTIVATED'],
          422: ['TOP_UP_PACK_NOT_ACTIVE', 'TOP_UP_PACK_NOT_PRICED', 'PAYMENT_REFERENCE_CONFLICT'],
          502: ['PAYMENT_GATEWAY_REJECTED'],
          503: ['PAYMENT_GATEWAY_UNAVAILABLE', 'CUSTOMER_DIRECTORY_UNAVAILABLE'],
        },
      },
      // The Stripe call cannot run inside the idempotency transaction (a rollback cannot undo an intent). Instead the
      // top-up id is derived from the key, so the use case itself is idempotent; the response is stored once known.
      handle: async (request) => {
        const principal = request.principal;
        const key = idempotencyKeyOf(request);
        const idempotent: IdempotentRequest = { principal: principal.name, key, route: `POST ${TOP_UPS_PATH}`, body: request.body };
        const earlier = await storedResponseOf(deps.unitOfWork, idempotent);
        if (earlier) return { ...earlier, replayed: true };

        const command = { topUpId: topUpIdFor(principal.name, key), ...request.body };
        const result = await useCasesIn(null, request.messageContext).createTopUp.execute(command);
        const response: StoredResponse = { status: 201, body: { ...withCheckout(result.payment), quote: result.quote } };
        const stored = await deps.unitOfWork.transaction(async (tx) => {
          const raced = await claimIdempotencyKey(tx, idempotent);
          if (raced) return { ...raced, replayed: true };
          await storeIdempotentResponse(tx, idempotent, response);
          return response;
        });
        return stored;
      },
    }),

    defineRoute<{ Params: { paymentId: string } }, MikroOrmExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/payments/:paymentId',
      operationId: 'getPayment',
      summary: 'A payment: status, failure, refunds, disputes, and the client secret while the customer can still pay',
      description: 'A token scoped to a customer may read that customer’s payments only (403 FORBIDDEN for another’s).',
      tag,
      access: 'any',
      schema: { params: paymentIdParams, success: { status: 200, body: paymentView, description: 'The payment.' }, errors: { 403: ['FORBIDDEN'], 404: ['PAYMENT_NOT_FOUND'] } },
      execute: async (request, tx) => {
        const payment = await useCasesIn(tx, request.messageContext).getPayment.execute({ paymentId: request.params.paymentId });
        assertCustomerScope(request.principal, payment.customerId);
        return { body: withCheckout(payment) };
      },
    }),

    defineRoute<{ Querystring: ListPaymentsQuery }, MikroOrmExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/payments',
      operationId: 'listPayments',
      summary: 'Payments oldest first: of a customer, a subscription (its period, its attempt) or a top-up',
      description: 'Every filter given must match. A token scoped to a customer lists its own payments (customerId may be left out).',
      tag,
      access: { customer: (request) => request.query.customerId ?? request.principal.customerId ?? '' },
      schema: { querystring: listPaymentsQuery, success: { status: 200, body: paymentList, description: 'A page of payments.' } },
      execute: async (request, tx) => {
        const { limit, cursor, customerId, subscriptionId, periodIndex, attempt, topUpId } = request.query;
        const owner = customerId ?? request.principal.customerId;
        const filter = {
          ...(owner === undefined ? {} : { customerId: owner }),
          ...(subscriptionId === undefined ? {} : { subscriptionId }),
          ...(periodIndex === undefined ? {} : { periodIndex }),
          ...(attempt === undefined ? {} : { attempt }),
          ...(topUpId === undefined ? {} : { topUpId }),
        };
        const after = cursor === undefined ? undefined : decodeCursor(cursor, positionOf);
        const page = await useCasesIn(tx, request.messageContext).listPayments.execute({ filter, limit, ...(after === undefined ? {} : { after }) });
        const nextCursor = page.next === null ? null : encodeCursor([page.next.createdAt.toISOString(), page.next.paymentId]);
        return { body: { data: page.data.map(withCheckout), nextCursor } };
      },
    }),
  
    defineRoute<{ Params: { paymentId: string }; Body: RefundBody }, MikroOrmExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/payments/:paymentId/refunds',
      operationId: 'refundPayment',
      summary: 'Refund a succeeded payment through Stripe, in full (default) or in part',
      description:
        'Unscoped token only. What is still refundable counts every refund already requested at Stripe. The payment’s refunds, PaymentRefunded and the credit clawback follow from Stripe’s charge.refunded webhook, not from this answer. The Idempotency-Key is passed on to Stripe (derived), so a retry never refunds twice; the Billing-Actor is kept in the refund’s metadata. 503: Stripe is unreachable, nothing was refunded; retry with the same key.',
      tag,
      access: 'unscoped',
      schema: {
        params: paymentIdParams,
        body: refundBody,
        success: { status: 201, body: refundView, description: 'The refund Stripe created (or had created for this key).' },
        errors: {
          404: ['PAYMENT_NOT_FOUND'],
          409: ['PAYMENT_NOT_REFUNDABLE'],
          422: ['REFUND_EXCEEDS_PAYMENT'],
          502: ['PAYMENT_GATEWAY_REJECTED'],
          503: ['PAYMENT_GATEWAY_UNAVAILABLE'],
        },
      },
      execute: async (request, tx) => {
        const { paymentId } = request.params;
        const actor = request.messageContext.actor ?? null;
        const requestKey = refundRequestKeyFor(request.principal.name, idempotencyKeyOf(request), paymentId);
        const { customerId, ...refund } = await useCasesIn(tx, request.messageContext).refundPayment.execute({ paymentId, ...request.body, requestKey, actor });
        request.log.info({ paymentId: refund.paymentId, customerId, refundId: refund.refundId, amount: refund.amount, status: refund.status, actor }, 'refund requested at the gateway');
        return { body: refund };
      },
    }),

    defineRoute<{ Params: { paymentId: string }; Querystring: ListWebhookDeliveriesQuery }, MikroOrmExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/payments/:paymentId/webhook-deliveries',
      operationId: 'listPaymentWebhookDeliveries',
      summary: 'Every Stripe webhook delivery about a payment, newest first, with its outcome',
      description: 'A redelivered event is listed again (outcome duplicate). A token scoped to a customer may read its own payments’ deliveries only.',
      tag,
      access: 'any',
      schema: {
        params: paymentIdParams,
        querystring: listWebhookDeliveriesQuery,
        success: { status: 200, body: webhookDeliveryList, description: 'A page of deliveries.' },
        errors: { 403: ['FORBIDDEN'], 404: ['PAYMENT_NOT_FOUND'] },
      },
      execute: async (request, tx) => {
        const { limit, cursor } = request.query;
        const after = cursor === undefined ? undefined : decodeCursor(cursor, deliveryPositionOf);
        const page = await useCasesIn(tx, request.messageContext).listWebhookDeliveries.execute({
          paymentId: request.params.paymentId,
          limit,
          ...(after === undefined ? {} : { after }),
        });
        assertCustomerScope(request.principal, page.customerId);
        const data = page.data.map((delivery) => ({
          eventId: delivery.eventId,
          type: delivery.type,
          receivedAt: delivery.receivedAt.toISOString(),
          outcome: delivery.outcome,
          detail: delivery.detail,
        }));
        const nextCursor = page.next === null ? null : encodeCursor([page.next.receivedAt.toISOString(), page.next.deliveryId]);
        return { body: { data, nextCursor } };
      },
    }),
];
}
