import { ApiError } from '@billing/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebhookRefusedError } from '../../application/application.errors';
import type { OpenApiRegistry } from '../http/openapi';
import { webhookAcknowledgement } from '../http/payment-schemas';
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
