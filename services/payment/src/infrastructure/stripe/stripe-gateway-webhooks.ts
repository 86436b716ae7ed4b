import Stripe from 'stripe';
import type { GatewayEvent } from '../../application/ports/gateway-event';
import { type GatewayWebhooks, WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS, WebhookRefusedError } from '../../application/ports/gateway-webhooks.port';
import { type ChargeRefundsSource, requireEventEnvelope, toGatewayEvent } from './stripe-event.mapper';

/** Stripe's own default: a signed timestamp older than this is a replay. We refuse one as far in the future too. */
const SIGNATURE_TOLERANCE_SECONDS = WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS;

const refuse = (code: ConstructorParameters<typeof WebhookRefusedError>[0], message: string) => new WebhookRefusedError(code, message);
const outsideTolerance = () =>
  refuse('WEBHOOK_TIMESTAMP_OUTSIDE_TOLERANCE', `the signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s away from now (in the past or the future)`);

/**
 * Stripe's webhook deliveries: the Stripe-Signature header checked against the endpoint's secret(s) (one, or the new and
 * the old while the secret is rolled), its timestamp within ±SIGNATURE_TOLERANCE_SECONDS of now, then the Stripe event
 * mapped to a GatewayEvent. Stripe's SDK refuses only a timestamp too OLD: a signature dated in the future (a signing
 * clock that is wrong, or a delivery prepared to be replayed later) is refused here.
 */
export class StripeGatewayWebhooks implements GatewayWebhooks {
  constructor(
    private readonly secrets: readonly string[],
    private readonly refundsOf: ChargeRefundsSource,
    /** Real time, not the service's Clock: Stripe signs with its own wall clock. */
    private readonly nowMs: () => number = Date.now,
  ) {}

  async verifyAndParse(rawBody: Uint8Array, signatureHeader: string | undefined): Promise<GatewayEvent> {
    if (signatureHeader === undefined || signatureHeader.trim() === '') throw refuse('WEBHOOK_SIGNATURE_MISSING', 'the Stripe-Signature header is required');
    if (rawBody.length === 0) throw refuse('WEBHOOK_PAYLOAD_MISSING', 'the request has no body');
    this.verify(rawBody, signatureHeader);
    const event = requireEventEnvelope(parsed(rawBody));
    // Mapping can fail on the payload (refused) or on Stripe (a refunds lookup: not a refusal, Stripe retries it later).
    return toGatewayEvent(event, this.refundsOf);
  }

  /**
   * The signature under the first secret it matches, then its timestamp. Matching no secret: a timestamp failure wins,
   * since Stripe checks the timestamp only once a secret matched.
   */
  private verify(body: Uint8Array, signatureHeader: string): void {
    const signature = Stripe.webhooks.signature;
    if (signature === null) throw new Error('the Stripe SDK has no webhook signature helper');
    const now = this.nowMs();
    const failures: unknown[] = [];
    for (const secret of this.secrets) {
      try {
        signature.verifyHeader(body, signatureHeader, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, now);
        if (signedAtSeconds(signatureHeader) * 1_000 - now > SIGNATURE_TOLERANCE_SECONDS * 1_000) throw outsideTolerance();
        return;
      } catch (error) {
        if (!(error instanceof Stripe.errors.StripeSignatureVerificationError)) throw error;
        failures.push(error);
      }
    }
    if (failures.some(isToleranceFailure)) throw outsideTolerance();
    throw refuse('WEBHOOK_SIGNATURE_INVALID', 'the Stripe-Signature does not match the body and the endpoint secret');
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The signed body as JSON; bytes that are not UTF-8 are refused rather than read as U+FFFD. */
function parsed(body: Uint8Array): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw refuse('INVALID_WEBHOOK_PAYLOAD', 'the webhook payload is not a Stripe event: bytes that are not UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw refuse('WEBHOOK_PAYLOAD_NOT_JSON', 'the signed body is not JSON');
  }
}

const isToleranceFailure = (error: unknown): boolean => /tolerance/i.test((error as Error).message);

/** The `t=` of the header, read as Stripe reads it (the last one wins); the signature check already required one. */
function signedAtSeconds(signatureHeader: string): number {
  let timestamp = Number.NaN;
  for (const item of signatureHeader.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}
