/** The server's public types (stripe-test-server.ts documents the API). */
import type Stripe from 'stripe';

export type StripeDownMode = 'http-500' | 'connection-refused';

export type ConfirmOutcome =
  | { readonly status: 'succeeded' }
  | { readonly status: 'processing' }
  | { readonly status: 'requires_action' }
  | { readonly status: 'declined'; readonly code?: string; readonly declineCode?: string; readonly message?: string };

export interface PaymentFailure {
  readonly code?: string;
  readonly declineCode?: string;
  readonly message?: string;
}

/** Which requests a knob applies to; omitted fields match anything. `path` is the exact path, without query. */
export interface RequestMatch {
  readonly method?: string;
  readonly path?: string;
}

export interface RecordedStripeRequest {
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly idempotencyKey: string | null;
  readonly status: number;
  /** True when answered from a stored idempotent result. */
  readonly replayed: boolean;
}

export interface WebhookDelivery {
  readonly eventId: string;
  readonly type: string;
  readonly url: string;
  /** HTTP status of the endpoint's answer, or null when it could not be reached. */
  readonly status: number | null;
  readonly error: string | null;
  /** 1 for the first try of this delivery; retries (option `webhookRetries`) count up. */
  readonly attempt: number;
}

export interface StripeTestServerOptions {
  /** Default sk_test_billing_platform. */
  readonly apiKey?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (a free port). */
  readonly port?: number;
  /**
   * Keep state across restarts: loaded from this file at start when it exists, saved (atomically, coalesced) after
   * every change and on close(). Webhook endpoints and knobs are not saved. Default: state lives in memory only.
   */
  readonly stateFile?: string;
  /**
   * Retry a webhook delivery the endpoint did not answer with 2xx (unreachable, 5xx, 4xx), as Stripe does: `true` waits
   * 1, 2, 4, 8, 16, 32 s between tries (about a minute in all), `{ delaysMs }` sets the waits. Default: one try, which
   * keeps tests' deliveries() and flushWebhooks() deterministic.
   */
  readonly webhookRetries?: boolean | { readonly delaysMs: readonly number[] };
}

export interface StripeTestServer {
  readonly host: string;
  readonly port: number;
  readonly protocol: 'http';
  readonly apiKey: string;
  readonly url: string;
  /** The hosted test-checkout page of a payment: `${url}/pay/${encodeURIComponent(ref)}` (ref: pi_…, client secret, payment id). */
  checkoutUrl(ref: string): string;
  /** Spread into `new Stripe(apiKey, {...})`. */
  readonly clientOptions: { readonly host: string; readonly port: number; readonly protocol: 'http' };

  setDown(down: boolean, mode?: StripeDownMode): Promise<void>;
  isDown(): boolean;
  setLatency(ms: number, match?: RequestMatch): void;
  dropResponses(count: number, match?: RequestMatch): void;
  setSearchLag(ms: number): void;

  customers(): Stripe.Customer[];
  paymentIntents(): Stripe.PaymentIntent[];
  charges(): Stripe.Charge[];
  refunds(): Stripe.Refund[];
  disputes(): Stripe.Dispute[];
  events(): Stripe.Event[];
  requests(): RecordedStripeRequest[];

  expireIdempotencyKeys(): void;

  queueConfirmOutcomes(...outcomes: ConfirmOutcome[]): void;
  setConfirmOutcome(outcome: ConfirmOutcome | undefined): void;
  succeedPaymentIntent(id: string): Stripe.PaymentIntent;
  failPaymentIntent(id: string, failure?: PaymentFailure): Stripe.PaymentIntent;
  markPaymentIntentProcessing(id: string): Stripe.PaymentIntent;
  requirePaymentIntentAction(id: string): Stripe.PaymentIntent;

  setRefundStatus(status: 'succeeded' | 'pending'): void;
  settleRefund(id: string, status: 'succeeded' | 'failed'): Stripe.Refund;
  createDispute(paymentIntentOrChargeId: string, options?: { amount?: number; reason?: string; status?: string }): Stripe.Dispute;
  updateDispute(id: string, status: string): Stripe.Dispute;

  addWebhookEndpoint(url: string, secret: string, enabledEvents?: readonly string[]): void;
  removeWebhookEndpoints(): void;
  flushWebhooks(): Promise<void>;
  deliveries(): WebhookDelivery[];
  redeliverEvent(eventId: string): Promise<void>;
  webhookPayload(eventId: string): string;
  signWebhook(payload: string, secret: string, timestamp?: number): string;

  reset(): void;
  close(): Promise<void>;
}
