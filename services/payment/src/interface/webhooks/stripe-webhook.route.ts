import { ApiError, errorBodySchema } from '@billing/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebhookRefusedError } from '../../application/application.errors';
import { webhookAcknowledgement } from '../http/payment-schemas';
import { WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS } from '../../application/ports/gateway-webhooks.port';
import type { UseCasesIn } from '../payment-use-cases';

export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe';
/** Stripe events are a few kB; anything near this is not one. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export interface StripeWebhookDeps {
  useCasesIn: UseCasesIn;
  logger: Logger;
}

/**
 * Refused deliveries are 400 (the service's error status for their codes); every other error after verification is
 * answered 5xx, so Stripe delivers the event again later (it retries for days).
 */
function asRetryLater(error: unknown): unknown {
  if (error instanceof WebhookRefusedError) return error;
  const coded = error as { code?: unknown; retryable?: unknown; message?: string };
  const code = typeof coded.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(coded.code) ? coded.code : 'WEBHOOK_PROCESSING_FAILED';
  return new ApiError(coded.retryable === true ? 503 : 500, code, coded.message ?? 'the event could not be applied; Stripe will deliver it again');
}

/**
 * POST /v1/webhooks/stripe — public (authenticated by the signature only), one use case: handleGatewayWebhook.
 * Registered in its own encapsulated scope so that here, and only here, a JSON body is kept as the raw Buffer the
 * signature covers, and an oversized body is a 400 like every other refused delivery.
 */
export async function registerStripeWebhookRoute(app: FastifyInstance, deps: StripeWebhookDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Stripe sends application/json (with a charset); any other type is 415 UNSUPPORTED_MEDIA_TYPE, as on every route.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error, _request, reply) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return reply.status(400).send({ error: { code: 'WEBHOOK_PAYLOAD_TOO_LARGE', message: `a Stripe event is never larger than ${WEBHOOK_BODY_LIMIT_BYTES} bytes` } });
      }
      throw error; // the service's error handler answers the rest in the shared shape
    });

    scope.post(STRIPE_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT_BYTES }, async (request, reply) => {
      const signature = request.headers['stripe-signature'];
      const command = {
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        signatureHeader: typeof signature === 'string' ? signature : undefined,
        context: request.messageContext,
      };
      let handled;
      try {
        handled = await deps.useCasesIn(null, request.messageContext).handleGatewayWebhook.execute(command);
      } catch (error) {
        if (!(error instanceof WebhookRefusedError)) deps.logger.error({ err: error }, 'stripe event could not be applied');
        throw asRetryLater(error);
      }
      // Stripe knows nothing of our correlation ids: the webhook (its request log line included) joins the payment's flow.
      request.messageContext = handled.context;
      const { result, event } = handled;
      const log = deps.logger.child({ stripeEventId: event.id, stripeEventType: event.type, correlationId: handled.context.correlationId });
      if (result.outcome === 'ignored' && result.reason === 'unhandled_event_type') log.info('stripe event type not handled; acknowledged');
      else if (result.outcome === 'ignored') log.warn({ reason: result.reason }, 'stripe event ignored');
      else log.info({ outcome: result.outcome, ...('paymentId' in result ? { paymentId: result.paymentId, status: result.status, refetched: result.refetched } : {}) }, 'stripe event');
      return reply.status(200).send({ received: true, ...result });
    });
  });
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/**
 * The webhook's operation in the service's OpenAPI document. It cannot be a route spec of the kit: its body must stay the
 * raw bytes Stripe signed (its own content-type parser, in its own scope), and it is authenticated by the signature, not
 * a service token. Its errors are the one error body all the same.
 */
export const stripeWebhookOperation = {
  post: {
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe webhook endpoint (payment_intent.*, charge.refunded, charge.dispute.*); other types are acknowledged and ignored',
    description: `Deduplicated by event id and applied in any order. Authenticated by the Stripe-Signature header only (no service token): the signature over the raw body under the endpoint secret, with its timestamp at most ${WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS} s from now, in the past or the future.`,
    tags: ['webhooks'],
    security: [],
    parameters: [{ name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' } }],
    requestBody: { required: true, description: 'the Stripe event exactly as sent (the signature covers the raw bytes)', content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      200: { description: 'acknowledged: applied, unchanged, duplicate, or ignored', content: { 'application/json': { schema: webhookAcknowledgement } } },
      415: errorResponse('UNSUPPORTED_MEDIA_TYPE: not sent as application/json'),
      400: errorResponse(
        'refused, nothing written: WEBHOOK_SIGNATURE_MISSING, WEBHOOK_SIGNATURE_INVALID, WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE, WEBHOOK_PAYLOAD_MISSING, WEBHOOK_PAYLOAD_NOT_JSON, INVALID_WEBHOOK_PAYLOAD, WEBHOOK_PAYLOAD_TOO_LARGE',
      ),
      500: errorResponse('could not be applied (the code says why, e.g. GATEWAY_INTENT_MISMATCH); Stripe delivers it again'),
      503: errorResponse('PAYMENT_GATEWAY_UNAVAILABLE (a re-read), DATABASE_UNAVAILABLE, PAYMENT_CONCURRENT_UPDATE; Stripe delivers it again'),
    },
  },
};

/** Adds the webhook to the document the kit generated from the other routes (before the server listens). */
export function documentStripeWebhook(document: Record<string, unknown>): void {
  const paths = document.paths as Record<string, unknown>;
  paths[STRIPE_WEBHOOK_PATH] = stripeWebhookOperation;
  const components = document.components as { schemas: Record<string, unknown> };
  components.schemas.Error ??= errorBodySchema;
}
