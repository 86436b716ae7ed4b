import { ApiError, defineRoute, type MikroOrmExecutor, type RouteSpec } from '@billing/platform';
import { DomainError } from '@billing/platform/domain';
import type { Logger } from 'pino';
import { WebhookRefusedError } from '../../application/application.errors';
import { WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS } from '../../application/ports/gateway-webhooks.port';
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
 * What a failed delivery is answered. Refused ones are 400 (the service's error status for their codes). The service's
 * own errors after verification are answered 5xx with their code — 503 when retrying may help — so Stripe delivers the
 * event again later (it retries for days). Anything else is the platform's to answer: 503 DATABASE_UNAVAILABLE when
 * the database is away, 500 INTERNAL otherwise.
 */
export function webhookFailure(error: unknown): unknown {
  if (error instanceof WebhookRefusedError) return error;
  const coded = error as { code?: unknown; retryable?: unknown; message?: string };
  const ours = error instanceof DomainError || typeof coded.retryable === 'boolean';
  if (!ours || typeof coded.code !== 'string') return error;
  return new ApiError(coded.retryable === true ? 503 : 500, coded.code, coded.message ?? 'the event could not be applied; Stripe will deliver it again');
}

/**
 * POST /v1/webhooks/stripe — public (authenticated by the signature only; the path is in the runtime's publicPaths),
 * one use case: handleGatewayWebhook. The kit keeps the body as the raw bytes the signature covers.
 */
export function stripeWebhookRoute(deps: StripeWebhookDeps): RouteSpec<MikroOrmExecutor> {
  return defineRoute<{ Body: Buffer | undefined }, MikroOrmExecutor>({
    kind: 'custom',
    idempotent: false,
    public: true,
    rawBody: { description: 'the Stripe event exactly as sent (the signature covers the raw bytes)', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
    method: 'POST',
    url: STRIPE_WEBHOOK_PATH,
    operationId: 'receiveStripeWebhook',
    summary: 'Stripe webhook endpoint (payment_intent.*, charge.refunded, charge.dispute.*); other types are acknowledged and ignored',
    description: `Deduplicated by event id and applied in any order. Authenticated by the Stripe-Signature header only (no service token): the signature over the raw body under the endpoint secret, its timestamp at most ${WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS} s from now, in the past or the future. A refused delivery writes nothing; one that could not be applied is answered 5xx, so Stripe delivers it again.`,
    tag: 'webhooks',
    access: 'any',
    schema: {
      success: { status: 200, body: webhookAcknowledgement, description: 'Acknowledged: applied, unchanged, duplicate, or ignored.' },
      errors: {
        400: [
          'WEBHOOK_SIGNATURE_MISSING',
          'WEBHOOK_SIGNATURE_INVALID',
          'WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE',
          'WEBHOOK_PAYLOAD_MISSING',
          'WEBHOOK_PAYLOAD_NOT_JSON',
          'INVALID_WEBHOOK_PAYLOAD',
        ],
        415: ['UNSUPPORTED_MEDIA_TYPE'],
        500: ['GATEWAY_INTENT_MISMATCH', 'PAYMENT_GATEWAY_REJECTED', 'INVARIANT_VIOLATION', 'INTERNAL'],
        503: ['PAYMENT_GATEWAY_UNAVAILABLE', 'PAYMENT_CONCURRENT_UPDATE'],
      },
    },
    handle: async (request) => {
      // Stripe sends application/json (with a charset); any other type is 415, as on every route of the contract.
      if (!/^application\/json(\s*;|\s*$)/i.test(request.headers['content-type'] ?? '')) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the Stripe event as application/json');
      }
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
        throw webhookFailure(error);
      }
      // Stripe knows nothing of our correlation ids: the webhook (its request log line included) joins the payment's flow.
      request.messageContext = handled.context;
      const { result, event } = handled;
      const log = deps.logger.child({ stripeEventId: event.id, stripeEventType: event.type, correlationId: handled.context.correlationId });
      if (result.outcome === 'ignored' && result.reason === 'unhandled_event_type') log.info('stripe event type not handled; acknowledged');
      else if (result.outcome === 'ignored') log.warn({ reason: result.reason }, 'stripe event ignored');
      else log.info({ outcome: result.outcome, ...('paymentId' in result ? { paymentId: result.paymentId, status: result.status, refetched: result.refetched } : {}) }, 'stripe event');
      return { status: 200, body: { received: true, ...result } };
    },
  });
}
