import type { PaymentStatus } from './payment-status';
import { InvalidStatusError } from './payment.errors';

/** Stripe PaymentIntent statuses, as the gateway reports them. */
export const GATEWAY_INTENT_STATUSES = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
  'requires_capture',
  'canceled',
  'succeeded',
] as const;
export type GatewayIntentStatus = (typeof GATEWAY_INTENT_STATUSES)[number];

/** Stripe's `last_payment_error`, reduced to what we keep. */
export interface GatewayPaymentError {
  readonly code?: string | null;
  readonly declineCode?: string | null;
  readonly message?: string | null;
  /** The charge that failed; tells one failed attempt on an intent from the next. */
  readonly chargeId?: string | null;
}

/** What a failure is recorded with; `attempt` is added by the payment. */
export interface FailureDetails {
  readonly code: string;
  readonly declineCode: string | null;
  readonly message: string;
  readonly chargeId: string | null;
}

export interface IntentObservation {
  readonly status: PaymentStatus;
  readonly failure: FailureDetails | null;
  readonly cancellationReason: string | null;
}

export const DEFAULT_FAILURE: FailureDetails = { code: 'payment_failed', declineCode: null, message: 'The payment failed', chargeId: null };

/** What an off-session charge that needs the customer (3-D Secure) amounts to: nobody is there to authenticate. */
export const AUTHENTICATION_REQUIRED: FailureDetails = {
  code: 'authentication_required',
  declineCode: null,
  message: 'The charge needs customer authentication, which an off-session charge cannot get',
  chargeId: null,
};

export function requireGatewayIntentStatus(value: unknown): GatewayIntentStatus {
  if (typeof value !== 'string' || !(GATEWAY_INTENT_STATUSES as readonly string[]).includes(value)) {
    throw new InvalidStatusError('gateway intent status', value);
  }
  return value as GatewayIntentStatus;
}

/**
 * Maps a gateway intent onto our status:
 * - `requires_payment_method` with a `last_payment_error` → `failed` (that is how Stripe reports a failed attempt);
 *   without one → `requires_payment_method` (nothing submitted yet).
 * - `requires_confirmation` → `requires_payment_method` (same rank: waiting on the customer).
 * - `requires_action` → `requires_payment_method` on-session (the browser runs 3-D Secure); off-session → `failed`
 *   with `authentication_required`, so dunning takes over instead of the charge hanging forever.
 * - `requires_capture` → `processing`: we never create manual-capture intents; if one shows up, money is not taken yet.
 */
export function observationOf(
  intent: { readonly status: GatewayIntentStatus; readonly lastPaymentError?: GatewayPaymentError | null; readonly cancellationReason?: string | null },
  options: { readonly offSession: boolean },
): IntentObservation {
  const status = requireGatewayIntentStatus(intent.status);
  const none = { failure: null, cancellationReason: null };
  switch (status) {
    case 'succeeded':
      return { status: 'succeeded', ...none };
    case 'canceled':
      return { status: 'canceled', failure: null, cancellationReason: intent.cancellationReason ?? null };
    case 'processing':
    case 'requires_capture':
      return { status: 'processing', ...none };
    case 'requires_payment_method':
      return intent.lastPaymentError ? { status: 'failed', failure: failureOf(intent.lastPaymentError), cancellationReason: null } : { status: 'requires_payment_method', ...none };
    case 'requires_confirmation':
      return { status: 'requires_payment_method', ...none };
    case 'requires_action':
      return options.offSession
        ? { status: 'failed', failure: intent.lastPaymentError ? failureOf(intent.lastPaymentError) : AUTHENTICATION_REQUIRED, cancellationReason: null }
        : { status: 'requires_payment_method', ...none };
    default: {
      const unknown: never = status;
      throw new InvalidStatusError('gateway intent status', unknown);
    }
  }
}

function failureOf(error: GatewayPaymentError): FailureDetails {
  return {
    code: nonEmpty(error.code) ?? DEFAULT_FAILURE.code,
    declineCode: nonEmpty(error.declineCode) ?? null,
    message: nonEmpty(error.message) ?? DEFAULT_FAILURE.message,
    chargeId: nonEmpty(error.chargeId) ?? null,
  };
}

const nonEmpty = (value: string | null | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
