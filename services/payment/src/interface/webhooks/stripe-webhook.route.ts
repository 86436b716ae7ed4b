import { ApiError, type MessageContext, type UnitOfWork, type SqlExecutor } from '@billing/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import type { HandleGatewayWebhookHandler, HandleGatewayWebhookResult } from '../../application/commands/handle-gateway-webhook/handle-gateway-webhook.handler';
import type { GatewayEvent } from '../../application/commands/handle-gateway-webhook/gateway-event';
import { PaymentConcurrentUpdateError } from '../../infrastructure/sql-payment.repository';
import type { OpenApiRegistry } from '../http/openapi';
import { webhookAcknowledgement } from '../http/payment-schemas';
import { type ChargeRefundsSource, InvalidWebhookPayloadError, requireEventEnvelope, toGatewayEvent } from './stripe-event.mapper';

export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe';
/** Stripe's own default: a signed timestamp older than this is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe events are a few kB; anything near this is not one. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface StripeWebhookDeps {
  /** The endpoint's signing secrets: one, or the new and the old while the secret is rolled. */
  webhookSecrets: readonly string[];
  unitOfWork: UnitOfWork;
  /** The handler, wired to repositories that use this transaction and write outbox rows with this context. */
  handlerFor: (tx: SqlExecutor, context: MessageContext) => HandleGatewayWebhookHandler;
  refundsOf: ChargeRefundsSource;
  /** The tracing context of the flow that opened the payment behind this PaymentIntent, caused by this gateway event. */
  flowContextOf: (gatewayPaymentIntentId: string, gatewayEventId: string) => Promise<MessageContext | undefined>;
  logger: Logger;
}

const paymentIntentOf = (event: GatewayEvent): string | null =>
  event.kind === 'payment_intent' ? event.intent.id : event.kind === 'charge_refunded' ? event.charge.paymentIntentId : event.kind === 'dispute' ? event.dispute.paymentIntentId : null;

/** 400 refusals: nothing is read or written before the signature holds. */
const refuse = (code: string, message: string) => new ApiError(400, code, message);

function verifiedEvent(request: FastifyRequest, secrets: readonly string[]): Stripe.Event {
  const signature = request.headers['stripe-signature'];
  if (typeof signature !== 'string' || signature.trim() === '') throw refuse('WEBHOOK_SIGNATURE_MISSING', 'the Stripe-Signature header is required');
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) throw refuse('WEBHOOK_PAYLOAD_MISSING', 'the request has no body');
  let event: unknown;
  try {
    event = constructWithAnyOf(secrets, body, signature);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      if (/tolerance/i.test(error.message)) {
        throw refuse('WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE', `the signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s old`);
      }
      throw refuse('WEBHOOK_SIGNATURE_INVALID', 'the Stripe-Signature does not match the body and the endpoint secret');
    }
    // constructEvent parses only after the signature and timestamp held.
    if (error instanceof SyntaxError) throw refuse('WEBHOOK_PAYLOAD_NOT_JSON', 'the signed body is not JSON');
    throw error;
  }
  try {
    return requireEventEnvelope(event);
  } catch (error) {
    if (error instanceof InvalidWebhookPayloadError) throw refuse(error.code, error.message);
    throw error;
  }
}

/**
 * The event under the first secret its signature matches. Failing all: a timestamp-tolerance failure wins, since Stripe
 * checks the timestamp only after a secret matched.
 */
function constructWithAnyOf(secrets: readonly string[], body: Buffer, signature: string): unknown {
  const failures: unknown[] = [];
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(body, signature, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
      failures.push(error);
    }
  }
  throw failures.find((failure) => /tolerance/i.test((failure as Error).message)) ?? failures[0];
}

const ATTEMPTS_ON_CONFLICT = 3;

/** One transaction: the event id mark, the payment's state and its outbox rows. Another writer in between: again. */
async function apply(deps: StripeWebhookDeps, event: GatewayEvent, context: MessageContext): Promise<HandleGatewayWebhookResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deps.unitOfWork.transaction((tx) => deps.handlerFor(tx, context).execute({ event }));
    } catch (error) {
      if (!(error instanceof PaymentConcurrentUpdateError) || attempt >= ATTEMPTS_ON_CONFLICT) throw error;
    }
  }
}

/** Errors after verification are answered 5xx, so Stripe delivers the event again later (it retries for days). */
function asRetryLater(error: unknown): ApiError {
  const coded = error as { code?: unknown; retryable?: unknown; message?: string };
  const code = typeof coded.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(coded.code) ? coded.code : 'WEBHOOK_PROCESSING_FAILED';
  return new ApiError(coded.retryable === true ? 503 : 500, code, coded.message ?? 'the event could not be applied; Stripe will deliver it again');
}

/**
 * POST /v1/webhooks/stripe — public (authenticated by the signature only). Registered in its own encapsulated scope so
 * that here, and only here, every body is kept as the raw Buffer the signature covers, and an oversized body is a 400
 * like every other refused delivery.
 */
export async function registerStripeWebhookRoute(app: FastifyInstance, openApi: OpenApiRegistry, deps: StripeWebhookDeps): Promise<void> {
  openApi.add({
    method: 'post',
    url: STRIPE_WEBHOOK_PATH,
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe webhook endpoint (payment_intent.*, charge.refunded, charge.dispute.*); other types are acknowledged and ignored',
    security: 'stripe-signature',
    rawBody: { contentType: 'application/json', description: 'the Stripe event exactly as sent (the signature covers the raw bytes)' },
    responses: {
      200: { description: 'acknowledged: applied, unchanged, duplicate, or ignored', schema: webhookAcknowledgement },
      400: {
        description:
          'refused, nothing written: WEBHOOK_SIGNATURE_MISSING, WEBHOOK_SIGNATURE_INVALID, WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE, WEBHOOK_PAYLOAD_NOT_JSON, INVALID_WEBHOOK_PAYLOAD, WEBHOOK_PAYLOAD_TOO_LARGE, WEBHOOK_PAYLOAD_MISSING',
      },
      500: { description: 'could not be applied; Stripe retries' },
      503: { description: 'Stripe (re-read) or the database unavailable; Stripe retries' },
    },
  });

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, _request, reply) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.status(400).send({ error: { code: 'WEBHOOK_PAYLOAD_TOO_LARGE', message: `a Stripe event is never larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes` } });
      }
      throw error; // the service's error handler answers the rest in the shared shape
    });

    scope.post(STRIPE_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => {
      const stripeEvent = verifiedEvent(request, deps.webhookSecrets);
      let event: GatewayEvent;
      try {
        event = await toGatewayEvent(stripeEvent, deps.refundsOf);
      } catch (error) {
        if (error instanceof InvalidWebhookPayloadError) throw refuse(error.code, error.message);
        throw asRetryLater(error);
      }
      // Stripe knows nothing of our correlation ids: the webhook (its request log line included) joins the payment's flow.
      const intentId = paymentIntentOf(event);
      const flow = intentId
        ? await deps.flowContextOf(intentId, stripeEvent.id).catch((error: unknown) => {
            throw asRetryLater(error);
          })
        : undefined;
      request.messageContext = flow ?? { ...request.messageContext, causationId: stripeEvent.id };
      const log = deps.logger.child({ stripeEventId: stripeEvent.id, stripeEventType: stripeEvent.type, correlationId: request.messageContext.correlationId });
      if (event.kind === 'unhandled') {
        log.info('stripe event type not handled; acknowledged');
        return reply.status(200).send({ received: true, outcome: 'ignored', reason: 'unhandled_event_type' });
      }
      let result: HandleGatewayWebhookResult;
      try {
        result = await apply(deps, event, request.messageContext);
      } catch (error) {
        log.error({ err: error }, 'stripe event could not be applied');
        throw asRetryLater(error);
      }
      if (result.outcome === 'ignored') log.warn({ reason: result.reason }, 'stripe event ignored');
      else log.info({ outcome: result.outcome, ...('paymentId' in result ? { paymentId: result.paymentId, status: result.status, refetched: result.refetched } : {}) }, 'stripe event');
      return reply.status(200).send({ received: true, ...result });
    });
  });
}
