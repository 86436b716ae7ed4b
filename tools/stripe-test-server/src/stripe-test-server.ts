/**
 * A local, stateful, Stripe-compatible HTTP server for tests. The real `stripe` SDK is pointed at it through its own
 * options — nothing is monkey-patched:
 *
 *   const stripeServer = await startStripeTestServer();
 *   const stripe = new Stripe(stripeServer.apiKey, { ...stripeServer.clientOptions, maxNetworkRetries: 0 });
 *   // clientOptions = { host: '127.0.0.1', port, protocol: 'http' }
 *
 * Why not stripe-stateful-mock: see docs/stripe-test-server.md (no PaymentIntents, no customer search, no outage switch).
 *
 * ## API (stable; the customer and payment services both use it)
 *
 * startStripeTestServer({ apiKey?, host?, port?, stateFile?, webhookRetries? }) → Promise<StripeTestServer>, listening on
 * 127.0.0.1:<free port> (or `port`; `apiKey` defaults to sk_test_billing_platform).
 * - `stateFile`: state survives restarts (state-file.ts): loaded at start when the file exists (an unreadable file throws
 *   rather than being overwritten), saved atomically and coalesced after every change, flushed by close(). Customers,
 *   intents, charges, refunds, disputes, events, creation times and answered idempotency keys; not webhook endpoints,
 *   knobs or requests(). Ids are random, so new ones never collide with loaded ones.
 * - `webhookRetries`: `true` retries a delivery not answered 2xx after 1, 2, 4, 8, 16, 32 s (about a minute, as Stripe
 *   retries; each try is signed anew and logged in deliveries() with its `attempt`), `{ delaysMs }` sets the waits.
 *   Default off: one try per delivery, which tests' flushWebhooks()/deliveries() rely on. close() ends the waits with
 *   one last try.
 * Both are meant for the server `npm start` runs (scripts/start.ts, when STRIPE_SECRET_KEY is unset); tests leave them off.
 *
 * Connection: `host`, `port`, `protocol` ('http'), `apiKey` (requests need `Authorization: Bearer <apiKey>`, else 401),
 * `clientOptions` ({host, port, protocol}), `url`, `checkoutUrl(ref)` (= `${url}/pay/${encodeURIComponent(ref)}`).
 *
 * Hosted test-checkout page (checkout-page.ts; no API key, like Stripe's hosted pages): `GET /pay/<ref>`, ref = a
 * PaymentIntent id, its client secret, or the platform's payment id (`metadata.paymentId`; the newest intent carrying it
 * — intent-ref.ts, shared with the CLI scripts/stripe.ts). HTML with the amount, purpose, status and buttons for the test
 * cards (visa, declined, insufficient funds, authentication required) or, when the intent requires_action, "Complete /
 * Fail authentication". A button POSTs `action=pay:<card>|authenticate:complete|authenticate:fail` to the same URL,
 * which runs `POST /v1/payment_intents/:id/confirm` or `POST /v1/test_helpers/payment_intents/:id/authenticate`
 * through the API's own route (recorded in requests(), same events and webhooks) and answers 303 back to the page
 * (400 with the reason when the API refused, e.g. already succeeded). Unknown ref → 404; while setDown → 503.
 *
 * Outages: `setDown(down, mode = 'http-500')` → Promise<void>. 'http-500' answers every request with 500 api_error
 * (nothing changes state); 'connection-refused' closes the listener and every open socket (keep-alive included), so
 * the SDK gets ECONNREFUSED; `setDown(false)` listens again on the same port. `setLatency(ms, match?)` delays every
 * answer (or those matching {method?, path?}); the request is still carried out if the client gave up meanwhile.
 * `dropResponses(count, match?)`: the next `count` matching requests are carried out, then their connection is
 * destroyed instead of answered — "Stripe did it, we never heard". stripe-node retries a closed connection once even
 * with maxNetworkRetries: 0 (with the same idempotency key), so drop 2 for the caller to see the connection error.
 * `setSearchLag(ms)`: search (not retrieve or list) does not see objects younger than `ms`, as Stripe's search index
 * lags writes by up to about a minute.
 *
 * Inspection (deep copies, oldest first, shaped like the API's objects): `customers()`, `paymentIntents()`,
 * `charges()`, `refunds()`, `disputes()`, `events()`, and `requests()` — every request that reached the server:
 * {method, path, idempotencyKey, status, replayed} (use it to count e.g. `POST /v1/customers`).
 *
 * Idempotency (POST only, as Stripe): the first result for an `Idempotency-Key` is stored and replayed (with header
 * `Idempotent-Replayed: true`) for the same endpoint and the same parameters; other parameters or another endpoint → 400
 * `idempotency_error`; a key whose first request is still running → 409 `idempotency_error`. Validation failures
 * (400) are not stored, card declines (402) are. `expireIdempotencyKeys()` forgets every key, as Stripe does after 24 h.
 *
 * Endpoints (form-encoded like Stripe v1; `expand[]` supported for ids, `refunds` on charges, and `data.*` in lists):
 * - customers: POST /v1/customers, GET/POST/DELETE /v1/customers/:id, GET /v1/customers (email, limit,
 *   starting_after, ending_before), GET /v1/customers/search (query, limit, page).
 * - payment_intents: POST /v1/payment_intents (amount, currency, customer, payment_method, confirm, off_session,
 *   metadata, capture_method, description, …), GET/POST /v1/payment_intents/:id, POST …/:id/confirm, …/:id/cancel,
 *   …/:id/capture, GET /v1/payment_intents (customer, limit, starting_after), GET /v1/payment_intents/search.
 * - charges: GET /v1/charges/:id, GET /v1/charges (payment_intent, customer). refunds: POST /v1/refunds
 *   (payment_intent | charge, amount, reason, metadata), GET /v1/refunds/:id, GET /v1/refunds (payment_intent, charge).
 * - disputes: GET /v1/disputes/:id, GET /v1/disputes (payment_intent, charge). events: GET /v1/events/:id,
 *   GET /v1/events (type, limit).
 * - the test server's own (API key needed): POST /v1/test_helpers/disputes (payment_intent | charge, amount?, reason?)
 *   = createDispute; POST /v1/test_helpers/disputes/:id/close (status=won|lost; 400 dispute_already_closed) =
 *   updateDispute; POST /v1/test_helpers/payment_intents/:id/authenticate (result=complete|fail) for an intent that
 *   requires_action: succeeds it, or fails it with payment_intent_authentication_failure (→ requires_payment_method).
 *
 * Confirmation outcome (create with confirm=true, or /confirm), first match wins:
 * 1. `queueConfirmOutcomes(...outcomes)` — consumed one per confirmation;
 * 2. `setConfirmOutcome(outcome | undefined)` — sticky until reset;
 * 3. the payment method, as Stripe's test ones: pm_card_chargeDeclined → card_declined/generic_decline,
 *    pm_card_chargeDeclinedInsufficientFunds → insufficient_funds, pm_card_chargeDeclinedExpiredCard → expired_card,
 *    pm_card_authenticationRequired → requires_action (off_session: declined authentication_required), plus the
 *    test server's own pm_test_processing → processing; any other pm_… → succeeded.
 * Outcomes: {status:'succeeded'} | {status:'processing'} | {status:'requires_action'} |
 *   {status:'declined', code?, declineCode?, message?}. A decline answers 402 card_error with the intent attached
 *   (error.payment_intent) and leaves it requires_payment_method with last_payment_error, as Stripe does.
 *   A confirmation without a payment method is refused with 400 (Stripe does not fall back to the customer's default).
 *
 * Driving intents from the test (each records the matching events): `succeedPaymentIntent(id)`,
 * `failPaymentIntent(id, {code?, declineCode?, message?})`, `markPaymentIntentProcessing(id)`,
 * `requirePaymentIntentAction(id)`.
 * Refunds are 'succeeded' at once unless `setRefundStatus('pending')`; `settleRefund(id, 'succeeded' | 'failed')`
 * finishes a pending one. Disputes: `createDispute(paymentIntentOrChargeId, {amount?, reason?, status?})`,
 * `updateDispute(id, status)` (won | lost | warning_closed also record charge.dispute.closed).
 *
 * Events: payment_intent.created|processing|requires_action|succeeded|payment_failed|canceled|amount_capturable_updated,
 * charge.succeeded|failed|refunded|refund.updated|dispute.created|updated|closed, refund.created|updated|failed,
 * customer.created|updated|deleted. `data.object` is a snapshot at that moment (a charge without `refunds`, as the
 * current API version sends it; retrieve with expand[]=refunds). Webhooks: `addWebhookEndpoint(url, secret,
 * enabledEvents = ['*'])` POSTs every later event there, signed (header Stripe-Signature); `flushWebhooks()` waits for
 * deliveries in flight (retries included); `deliveries()` lists every try {eventId, type, url, status, error, attempt};
 * `redeliverEvent(eventId)` sends one again (duplicate delivery); `webhookPayload(eventId)` is the exact body sent. `signWebhook(payload, secret, timestamp?)` (also exported on its
 * own) makes a Stripe-Signature header with `stripe.webhooks.generateTestHeaderString`, which
 * `stripe.webhooks.constructEvent(payload, header, secret)` accepts.
 *
 * `reset()` forgets all state and knobs (not the endpoints' port; with a state file, the empty state is saved);
 * `close()` stops the server (and saves the state file).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Stripe from 'stripe';
import { checkoutActionOf, renderCheckoutPage, renderNotFoundPage, renderUnavailablePage, testCards } from './checkout-page';
import { canonicalParams, decodeFormParams, type FormParams, type FormValue } from './form-params';
import { parseIntentRef, paymentIdSearchQuery } from './intent-ref';
import { compileSearchQuery, SearchQueryError } from './search-query';
import { loadStateFile, serializeState, StateFileWriter } from './state-file';

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

/** A Stripe-Signature header for `payload` signed with `secret` (a webhook endpoint's whsec_…). */
export function signWebhook(payload: string, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

// ---------------------------------------------------------------------------------------------------------------
// Internals

// Objects are kept as the JSON the API returns; `any` is the honest type for that here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Obj,
  ) {
    super(String(body.message ?? 'stripe error'));
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });
const missing = (kind: string, id: string, param = 'id') =>
  new StripeApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${kind}: '${id}'` });

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomId = (length: number) =>
  Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
const newId = (prefix: string) => `${prefix}_${randomId(24)}`;
const now = () => Math.floor(Date.now() / 1000);
const clone = <T>(value: T): T => structuredClone(value);

function str(params: FormParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`Invalid string: ${name}`, name);
  return value;
}

function int(params: FormParams, name: string): number | undefined {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalid(`Invalid integer: ${value}`, name);
  return Number(value);
}

function bool(params: FormParams, name: string): boolean | undefined {
  const value = str(params, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalid(`Invalid boolean: ${value}`, name);
  return value === 'true';
}

function hash(params: FormParams, name: string): Record<string, FormValue> | undefined {
  const value = params[name];
  if (value === undefined || value === '') return value === '' ? {} : undefined;
  if (typeof value === 'string' || Array.isArray(value)) throw invalid(`Invalid hash: ${name}`, name);
  return value;
}

function metadataOf(params: FormParams, current: Record<string, string> = {}): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return current;
  if (value === '') return {};
  const update = hash(params, 'metadata')!;
  const merged = { ...current };
  for (const [key, entry] of Object.entries(update)) {
    if (typeof entry !== 'string') throw invalid(`Invalid metadata value for ${key}`, `metadata[${key}]`);
    if (entry === '') delete merged[key];
    else merged[key] = entry;
  }
  if (Object.keys(merged).length > 50) throw invalid('Metadata can have at most 50 keys', 'metadata');
  return merged;
}

function expandPaths(params: FormParams): string[] {
  const value = params.expand;
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => {
    if (typeof entry !== 'string') throw invalid('Invalid expand', 'expand');
    return entry;
  });
}

function onlyParams(params: FormParams, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key !== 'expand' && !allowed.includes(key)) throw invalid(`Received unknown parameter: ${key}`, key);
  }
}

const testPaymentMethodOutcomes: Record<string, ConfirmOutcome | 'authentication'> = {
  pm_card_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_visa_chargeDeclined: { status: 'declined', code: 'card_declined', declineCode: 'generic_decline' },
  pm_card_chargeDeclinedInsufficientFunds: { status: 'declined', code: 'card_declined', declineCode: 'insufficient_funds' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { status: 'declined', code: 'card_declined', declineCode: 'insufficient_funds' },
  pm_card_chargeDeclinedExpiredCard: { status: 'declined', code: 'expired_card', declineCode: 'expired_card' },
  pm_card_authenticationRequired: 'authentication',
  pm_card_threeDSecure2Required: 'authentication',
  pm_test_processing: { status: 'processing' },
};

const declineMessages: Record<string, string> = {
  insufficient_funds: 'Your card has insufficient funds.',
  expired_card: 'Your card has expired.',
  authentication_required: 'Your card was declined. This transaction requires authentication.',
};

const closedDisputeStatuses = ['won', 'lost', 'warning_closed'];
const disputeReasons = [
  'bank_cannot_process', 'check_returned', 'credit_not_processed', 'customer_initiated', 'debit_not_authorized', 'duplicate',
  'fraudulent', 'general', 'incorrect_account_details', 'insufficient_funds', 'product_not_received', 'product_unacceptable',
  'subscription_canceled', 'unrecognized',
];
const authenticationFailedMessage =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';

interface StoredResponse {
  readonly status: number;
  readonly body: string;
}

interface IdempotencyEntry {
  readonly endpoint: string;
  readonly params: string;
  response?: StoredResponse;
}

interface Endpoint {
  readonly url: string;
  readonly secret: string;
  readonly enabledEvents: readonly string[];
}

interface RequestContext {
  readonly params: FormParams;
  readonly match: RegExpExecArray;
  readonly idempotencyKey: string | null;
  readonly requestId: string;
}

type Handler = (context: RequestContext) => Obj;

class StripeState {
  customers = new Map<string, Obj>();
  paymentIntents = new Map<string, Obj>();
  charges = new Map<string, Obj>();
  refunds = new Map<string, Obj>();
  disputes = new Map<string, Obj>();
  events = new Map<string, Obj>();
  idempotency = new Map<string, IdempotencyEntry>();
  requests: RecordedStripeRequest[] = [];
  confirmQueue: ConfirmOutcome[] = [];
  stickyOutcome: ConfirmOutcome | undefined;
  refundStatus: 'succeeded' | 'pending' = 'succeeded';
  /** Milliseconds each searchable object was created at, for the search lag. */
  createdAtMs = new Map<string, number>();
  searchLagMs = 0;
  /** Events recorded during the current request, delivered to webhooks after it answers. */
  fresh: Obj[] = [];
  currentRequest: { id: string; idempotencyKey: string | null } | null = null;

  emit(type: string, object: Obj, previousAttributes?: Obj): void {
    const event: Obj = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: clone(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: this.currentRequest?.id ?? null, idempotency_key: this.currentRequest?.idempotencyKey ?? null },
      type,
    };
    this.events.set(event.id, event);
    this.fresh.push(event);
  }

  lookup(id: string): Obj | undefined {
    if (id.startsWith('cus_')) return this.customers.get(id);
    if (id.startsWith('pi_')) return this.paymentIntents.get(id);
    if (id.startsWith('ch_')) return this.charges.get(id);
    if (id.startsWith('re_')) return this.refunds.get(id);
    if (id.startsWith('dp_')) return this.disputes.get(id);
    if (id.startsWith('evt_')) return this.events.get(id);
    return undefined;
  }

  refundList(chargeId: string): Obj {
    const data = [...this.refunds.values()].filter((refund) => refund.charge === chargeId).reverse().map(clone);
    return { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/charges/${chargeId}/refunds` };
  }

  /** A copy of `object` with `paths` (dotted) expanded. */
  expand(object: Obj, paths: readonly string[]): Obj {
    const result = clone(object);
    for (const path of paths) this.expandPath(result, path.split('.'));
    return result;
  }

  private expandPath(target: Obj, path: string[]): void {
    const [head, ...rest] = path;
    if (!head) return;
    if ((target.object === 'list' || target.object === 'search_result') && head === 'data') {
      for (const item of target.data as Obj[]) this.expandPath(item, rest);
      return;
    }
    if (head === 'refunds' && target.object === 'charge') {
      target.refunds = this.refundList(target.id);
    } else {
      const value = target[head];
      if (typeof value === 'string') {
        const found = this.lookup(value);
        if (!found) throw invalid(`This property cannot be expanded (${head}).`, 'expand');
        target[head] = clone(found);
      } else if (value === undefined) {
        throw invalid(`This property cannot be expanded (${head}).`, 'expand');
      }
    }
    if (rest.length && target[head] && typeof target[head] === 'object') this.expandPath(target[head], rest);
  }
}

function paginate(items: Obj[], params: FormParams, url: string): Obj {
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', 'limit');
  // Newest first, as Stripe lists.
  let ordered = [...items].reverse();
  const startingAfter = str(params, 'starting_after');
  const endingBefore = str(params, 'ending_before');
  if (startingAfter) {
    const index = ordered.findIndex((item) => item.id === startingAfter);
    if (index < 0) throw missing('object', startingAfter, 'starting_after');
    ordered = ordered.slice(index + 1);
  } else if (endingBefore) {
    const index = ordered.findIndex((item) => item.id === endingBefore);
    if (index < 0) throw missing('object', endingBefore, 'ending_before');
    ordered = ordered.slice(Math.max(0, index - limit), index);
    return { object: 'list', data: ordered.map(clone), has_more: index - limit > 0, url };
  }
  return { object: 'list', data: ordered.slice(0, limit).map(clone), has_more: ordered.length > limit, url };
}

function search(state: StripeState, all: Obj[], params: FormParams, url: string, fields: readonly string[]): Obj {
  const indexedBefore = Date.now() - state.searchLagMs;
  const items = all.filter((item) => (state.createdAtMs.get(item.id) ?? 0) <= indexedBefore);
  onlyParams(params, ['query', 'limit', 'page']);
  const query = str(params, 'query');
  if (!query) throw invalid('Missing required param: query.', 'query');
  let predicate;
  try {
    predicate = compileSearchQuery(query, fields);
  } catch (error) {
    if (error instanceof SearchQueryError) throw invalid(error.message, 'query');
    throw error;
  }
  const limit = int(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalid('Invalid limit: must be between 1 and 100', 'limit');
  const page = str(params, 'page');
  const offset = page ? Number(Buffer.from(page, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('Invalid page', 'page');
  const matching = [...items].reverse().filter(predicate);
  const data = matching.slice(offset, offset + limit).map(clone);
  const hasMore = matching.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    url,
  };
}

function createRoutes(state: StripeState, server: { outcomeFor(intent: Obj, offSession: boolean): ConfirmOutcome }) {
  const customerFields = ['email', 'name', 'description', 'phone', 'metadata', 'payment_method', 'invoice_settings', 'preferred_locales'];

  function requireCustomer(id: string, param = 'id'): Obj {
    const customer = state.customers.get(id);
    if (!customer || customer.deleted) throw missing('customer', id, param);
    return customer;
  }

  function applyCustomerParams(customer: Obj, params: FormParams): void {
    for (const field of ['email', 'name', 'description', 'phone'] as const) {
      const value = str(params, field);
      if (value !== undefined) customer[field] = value === '' ? null : value;
    }
    if (customer.email !== null && customer.email !== undefined && !/^\S+@\S+$/.test(customer.email)) {
      throw invalid('Invalid email address: ' + customer.email, 'email', 'email_invalid');
    }
    customer.metadata = metadataOf(params, customer.metadata);
    const invoiceSettings = hash(params, 'invoice_settings');
    if (invoiceSettings?.default_payment_method !== undefined) {
      const pm = invoiceSettings.default_payment_method;
      customer.invoice_settings.default_payment_method = pm === '' ? null : pm;
    }
    const paymentMethod = str(params, 'payment_method');
    if (paymentMethod) customer.invoice_settings.default_payment_method ??= paymentMethod;
    const locales = params.preferred_locales;
    if (Array.isArray(locales)) customer.preferred_locales = locales;
  }

  function requireIntent(id: string): Obj {
    const intent = state.paymentIntents.get(id);
    if (!intent) throw missing('payment_intent', id);
    return intent;
  }

  function requireCharge(id: string, param = 'id'): Obj {
    const charge = state.charges.get(id);
    if (!charge) throw missing('charge', id, param);
    return charge;
  }

  function newCharge(intent: Obj, status: 'succeeded' | 'failed' | 'pending', failure?: Obj): Obj {
    const charge: Obj = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: status === 'succeeded' && intent.capture_method !== 'manual' ? intent.amount : 0,
      amount_refunded: 0,
      captured: status === 'succeeded' && intent.capture_method !== 'manual',
      created: now(),
      currency: intent.currency,
      customer: intent.customer,
      description: intent.description,
      disputed: false,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
      livemode: false,
      metadata: clone(intent.metadata),
      outcome: {
        network_status: status === 'failed' ? 'declined_by_network' : 'approved_by_network',
        reason: failure?.decline_code ?? null,
        type: status === 'failed' ? 'issuer_declined' : 'authorized',
      },
      paid: status === 'succeeded',
      payment_intent: intent.id,
      payment_method: intent.payment_method,
      refunded: false,
      status,
    };
    state.charges.set(charge.id, charge);
    intent.latest_charge = charge.id;
    return charge;
  }

  function succeed(intent: Obj): void {
    const charge =
      intent.status === 'processing' && intent.latest_charge && state.charges.get(intent.latest_charge)?.status === 'pending'
        ? state.charges.get(intent.latest_charge)!
        : newCharge(intent, 'succeeded');
    if (charge.status === 'pending') {
      charge.status = 'succeeded';
      charge.paid = true;
      charge.captured = intent.capture_method !== 'manual';
      charge.amount_captured = charge.captured ? charge.amount : 0;
    }
    intent.last_payment_error = null;
    intent.next_action = null;
    if (intent.capture_method === 'manual') {
      intent.status = 'requires_capture';
      intent.amount_capturable = intent.amount;
      state.emit('charge.succeeded', charge);
      state.emit('payment_intent.amount_capturable_updated', intent);
    } else {
      intent.status = 'succeeded';
      intent.amount_received = intent.amount;
      state.emit('charge.succeeded', charge);
      state.emit('payment_intent.succeeded', intent);
    }
  }

  function fail(intent: Obj, failure: PaymentFailure): Obj {
    const code = failure.code ?? 'card_declined';
    const declineCode = failure.declineCode ?? (code === 'card_declined' ? 'generic_decline' : code);
    const message = failure.message ?? declineMessages[declineCode] ?? 'Your card was declined.';
    const error: Obj = {
      type: 'card_error',
      code,
      decline_code: declineCode,
      message,
      doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`,
      payment_method: intent.payment_method ? { id: intent.payment_method, object: 'payment_method', type: 'card' } : null,
    };
    const pending = intent.latest_charge ? state.charges.get(intent.latest_charge) : undefined;
    const charge = pending?.status === 'pending' ? pending : newCharge(intent, 'failed', { code, message, decline_code: declineCode });
    charge.status = 'failed';
    charge.paid = false;
    charge.failure_code = code;
    charge.failure_message = message;
    error.charge = charge.id;
    intent.status = 'requires_payment_method';
    intent.next_action = null;
    intent.last_payment_error = error;
    state.emit('charge.failed', charge);
    state.emit('payment_intent.payment_failed', intent);
    return error;
  }

  function confirm(intent: Obj, offSession: boolean): Obj {
    if (!intent.payment_method) {
      throw invalid(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with " +
          `${intent.customer ?? 'a customer'}, specify a payment method attached to this customer along with the customer ID.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    const outcome = server.outcomeFor(intent, offSession);
    switch (outcome.status) {
      case 'succeeded':
        succeed(intent);
        return intent;
      case 'processing':
        intent.status = 'processing';
        newCharge(intent, 'pending');
        state.emit('payment_intent.processing', intent);
        return intent;
      case 'requires_action':
        intent.status = 'requires_action';
        intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
        state.emit('payment_intent.requires_action', intent);
        return intent;
      case 'declined': {
        const error = fail(intent, outcome);
        throw new StripeApiError(402, { ...clone(error), payment_intent: clone(intent) });
      }
    }
  }

  function offSessionOf(params: FormParams): boolean {
    const value = str(params, 'off_session');
    if (value === undefined) return false;
    if (value === 'true' || value === 'one_off' || value === 'recurring') return true;
    if (value === 'false') return false;
    throw invalid(`Invalid off_session: ${value}`, 'off_session');
  }

  const confirmable = new Set(['requires_payment_method', 'requires_confirmation', 'requires_action']);

  /** Opens a dispute on a succeeded charge (the caller checked it): charge.dispute.created. */
  function openDispute(charge: Obj, options: { amount?: number; reason?: string; status?: string }): Obj {
    const dispute: Obj = {
      id: newId('dp'),
      object: 'dispute',
      amount: options.amount ?? charge.amount,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: options.reason ?? 'fraudulent',
      status: options.status ?? 'needs_response',
    };
    state.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    state.emit('charge.dispute.created', dispute);
    return dispute;
  }

  /** charge.dispute.updated, and charge.dispute.closed for a final status. */
  function setDisputeStatus(dispute: Obj, status: string): Obj {
    const previous = dispute.status;
    dispute.status = status;
    state.emit('charge.dispute.updated', dispute, { status: previous });
    if (closedDisputeStatuses.includes(status)) state.emit('charge.dispute.closed', dispute);
    return dispute;
  }

  const routes: Array<[string, RegExp, Handler]> = [
    // ---- customers
    [
      'POST',
      /^\/v1\/customers$/,
      ({ params }) => {
        onlyParams(params, customerFields);
        const customer: Obj = {
          id: `cus_${randomId(14)}`,
          object: 'customer',
          address: null,
          balance: 0,
          created: now(),
          currency: null,
          default_source: null,
          delinquent: false,
          description: null,
          discount: null,
          email: null,
          invoice_prefix: randomId(8).toUpperCase(),
          invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
          livemode: false,
          metadata: {},
          name: null,
          phone: null,
          preferred_locales: [],
          shipping: null,
          tax_exempt: 'none',
          test_clock: null,
        };
        applyCustomerParams(customer, params);
        state.customers.set(customer.id, customer);
        state.createdAtMs.set(customer.id, Date.now());
        state.emit('customer.created', customer);
        return state.expand(customer, expandPaths(params));
      },
    ],
    ['GET', /^\/v1\/customers\/search$/, ({ params }) =>
      search(state, [...state.customers.values()].filter((c) => !c.deleted), params, '/v1/customers/search', ['email', 'name', 'phone', 'created'])],
    [
      'GET',
      /^\/v1\/customers$/,
      ({ params }) => {
        onlyParams(params, ['email', 'limit', 'starting_after', 'ending_before', 'created', 'test_clock']);
        const email = str(params, 'email');
        const items = [...state.customers.values()].filter((c) => !c.deleted && (email === undefined || c.email === email));
        return paginate(items, params, '/v1/customers');
      },
    ],
    [
      'GET',
      /^\/v1\/customers\/([^/]+)$/,
      ({ params, match }) => {
        const customer = state.customers.get(match[1]!);
        if (!customer) throw missing('customer', match[1]!);
        return customer.deleted ? { id: customer.id, object: 'customer', deleted: true } : state.expand(customer, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/customers\/([^/]+)$/,
      ({ params, match }) => {
        onlyParams(params, customerFields.filter((field) => field !== 'payment_method'));
        const customer = requireCustomer(match[1]!);
        const before = clone(customer);
        applyCustomerParams(customer, params);
        const previous: Obj = {};
        for (const key of Object.keys(customer)) if (JSON.stringify(before[key]) !== JSON.stringify(customer[key])) previous[key] = before[key];
        if (Object.keys(previous).length) state.emit('customer.updated', customer, previous);
        return state.expand(customer, expandPaths(params));
      },
    ],
    [
      'DELETE',
      /^\/v1\/customers\/([^/]+)$/,
      ({ match }) => {
        const customer = requireCustomer(match[1]!);
        customer.deleted = true;
        state.emit('customer.deleted', customer);
        return { id: customer.id, object: 'customer', deleted: true };
      },
    ],
    // ---- payment intents
    [
      'POST',
      /^\/v1\/payment_intents$/,
      ({ params }) => {
        onlyParams(params, [
          'amount', 'currency', 'customer', 'payment_method', 'confirm', 'off_session', 'metadata', 'description',
          'capture_method', 'payment_method_types', 'automatic_payment_methods', 'setup_future_usage', 'receipt_email',
          'statement_descriptor', 'statement_descriptor_suffix', 'return_url', 'confirmation_method', 'error_on_requires_action',
        ]);
        const amount = int(params, 'amount');
        if (amount === undefined) throw invalid('Missing required param: amount.', 'amount');
        if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount');
        const currency = str(params, 'currency');
        if (!currency) throw invalid('Missing required param: currency.', 'currency');
        if (!/^[a-zA-Z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}`, 'currency');
        const customerId = str(params, 'customer');
        if (customerId) requireCustomer(customerId, 'customer');
        const confirmNow = bool(params, 'confirm') ?? false;
        const offSession = offSessionOf(params);
        if (offSession && !confirmNow) throw invalid('off_session can only be used when confirm=true.', 'off_session');
        const captureMethod = str(params, 'capture_method') ?? 'automatic';
        if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod)) throw invalid(`Invalid capture_method: ${captureMethod}`, 'capture_method');
        const paymentMethod = str(params, 'payment_method') ?? null;
        const types = params.payment_method_types;
        const id = newId('pi');
        const intent: Obj = {
          id,
          object: 'payment_intent',
          amount,
          amount_capturable: 0,
          amount_received: 0,
          automatic_payment_methods: hash(params, 'automatic_payment_methods')
            ? { enabled: hash(params, 'automatic_payment_methods')!.enabled === 'true' }
            : null,
          canceled_at: null,
          cancellation_reason: null,
          capture_method: captureMethod,
          client_secret: `${id}_secret_${randomId(24)}`,
          confirmation_method: str(params, 'confirmation_method') ?? 'automatic',
          created: now(),
          currency: currency.toLowerCase(),
          customer: customerId ?? null,
          description: str(params, 'description') ?? null,
          last_payment_error: null,
          latest_charge: null,
          livemode: false,
          metadata: metadataOf(params),
          next_action: null,
          payment_method: paymentMethod,
          payment_method_types: Array.isArray(types) ? types : ['card'],
          receipt_email: str(params, 'receipt_email') ?? null,
          setup_future_usage: str(params, 'setup_future_usage') ?? null,
          status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
        };
        if (confirmNow && !paymentMethod) confirm(intent, offSession); // throws the missing-payment-method error
        state.paymentIntents.set(id, intent);
        state.createdAtMs.set(id, Date.now());
        state.emit('payment_intent.created', intent);
        if (confirmNow) confirm(intent, offSession);
        return state.expand(intent, expandPaths(params));
      },
    ],
    ['GET', /^\/v1\/payment_intents\/search$/, ({ params }) =>
      search(state, [...state.paymentIntents.values()], params, '/v1/payment_intents/search', ['amount', 'currency', 'customer', 'status', 'created'])],
    [
      'GET',
      /^\/v1\/payment_intents$/,
      ({ params }) => {
        onlyParams(params, ['customer', 'limit', 'starting_after', 'ending_before', 'created']);
        const customer = str(params, 'customer');
        const items = [...state.paymentIntents.values()].filter((intent) => customer === undefined || intent.customer === customer);
        return paginate(items, params, '/v1/payment_intents');
      },
    ],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, ({ params, match }) => {
      onlyParams(params, ['client_secret']);
      return state.expand(requireIntent(match[1]!), expandPaths(params));
    }],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)$/,
      ({ params, match }) => {
        onlyParams(params, ['metadata', 'description', 'payment_method', 'amount', 'currency', 'customer', 'receipt_email', 'setup_future_usage']);
        const intent = requireIntent(match[1]!);
        if (!confirmable.has(intent.status) && Object.keys(params).some((key) => key !== 'metadata' && key !== 'description' && key !== 'expand')) {
          throw invalid(`This PaymentIntent's parameters could not be updated because it has a status of ${intent.status}.`, undefined, 'payment_intent_unexpected_state');
        }
        intent.metadata = metadataOf(params, intent.metadata);
        const description = str(params, 'description');
        if (description !== undefined) intent.description = description || null;
        const amount = int(params, 'amount');
        if (amount !== undefined) intent.amount = amount;
        const paymentMethod = str(params, 'payment_method');
        if (paymentMethod !== undefined) {
          intent.payment_method = paymentMethod || null;
          if (intent.status === 'requires_payment_method' && paymentMethod) intent.status = 'requires_confirmation';
        }
        const customer = str(params, 'customer');
        if (customer) intent.customer = requireCustomer(customer, 'customer').id;
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      ({ params, match }) => {
        onlyParams(params, ['payment_method', 'off_session', 'return_url', 'setup_future_usage', 'error_on_requires_action', 'receipt_email']);
        const intent = requireIntent(match[1]!);
        if (!confirmable.has(intent.status)) {
          throw invalid(
            `This PaymentIntent's status is ${intent.status}, but must be one of requires_payment_method, requires_confirmation, requires_action to be confirmed.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        const paymentMethod = str(params, 'payment_method');
        if (paymentMethod) intent.payment_method = paymentMethod;
        confirm(intent, offSessionOf(params));
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      ({ params, match }) => {
        onlyParams(params, ['cancellation_reason']);
        const intent = requireIntent(match[1]!);
        if (intent.status === 'succeeded' || intent.status === 'canceled') {
          throw invalid(
            `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        intent.status = 'canceled';
        intent.canceled_at = now();
        intent.cancellation_reason = str(params, 'cancellation_reason') ?? 'requested_by_customer';
        intent.next_action = null;
        state.emit('payment_intent.canceled', intent);
        return state.expand(intent, expandPaths(params));
      },
    ],
    [
      'POST',
      /^\/v1\/payment_intents\/([^/]+)\/capture$/,
      ({ params, match }) => {
        onlyParams(params, ['amount_to_capture', 'metadata']);
        const intent = requireIntent(match[1]!);
        if (intent.status !== 'requires_capture') {
          throw invalid(`This PaymentIntent could not be captured because it has a status of ${intent.status}.`, undefined, 'payment_intent_unexpected_state');
        }
        const amount = int(params, 'amount_to_capture') ?? intent.amount;
        const charge = state.charges.get(intent.latest_charge)!;
        charge.captured = true;
        charge.amount_captured = amount;
        intent.amount_received = amount;
        intent.amount_capturable = 0;
        intent.status = 'succeeded';
        intent.metadata = metadataOf(params, intent.metadata);
        state.emit('charge.captured', charge);
        state.emit('payment_intent.succeeded', intent);
        return state.expand(intent, expandPaths(params));
      },
    ],
    // ---- charges
    [
      'GET',
      /^\/v1\/charges$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'customer', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const customer = str(params, 'customer');
        const items = [...state.charges.values()].filter(
          (charge) => (intent === undefined || charge.payment_intent === intent) && (customer === undefined || charge.customer === customer),
        );
        return paginate(items, params, '/v1/charges');
      },
    ],
    ['GET', /^\/v1\/charges\/([^/]+)$/, ({ params, match }) => state.expand(requireCharge(match[1]!), expandPaths(params))],
    // ---- refunds
    [
      'POST',
      /^\/v1\/refunds$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'instructions_email']);
        const intentId = str(params, 'payment_intent');
        const chargeId = str(params, 'charge');
        if (!intentId && !chargeId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.');
        let charge: Obj;
        if (intentId) {
          const intent = state.paymentIntents.get(intentId);
          if (!intent) throw missing('payment_intent', intentId, 'payment_intent');
          if (intent.status !== 'succeeded' || !intent.latest_charge) {
            throw invalid(
              `This PaymentIntent (${intentId}) does not have a successful charge to refund.`,
              'payment_intent',
              'charge_not_refundable',
            );
          }
          charge = requireCharge(intent.latest_charge, 'payment_intent');
        } else {
          charge = requireCharge(chargeId!, 'charge');
        }
        if (charge.status !== 'succeeded' || !charge.captured) throw invalid(`Charge ${charge.id} cannot be refunded.`, 'charge', 'charge_not_refundable');
        const remaining = charge.amount - charge.amount_refunded;
        if (remaining <= 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
        const amount = int(params, 'amount') ?? remaining;
        if (amount < 1) throw invalid('This value must be greater than or equal to 1.', 'amount');
        if (amount > remaining) {
          throw invalid(
            `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`,
            'amount',
            'amount_too_large',
          );
        }
        const reason = str(params, 'reason') ?? null;
        if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'reason');
        const refund: Obj = {
          id: newId('re'),
          object: 'refund',
          amount,
          charge: charge.id,
          created: now(),
          currency: charge.currency,
          metadata: metadataOf(params),
          payment_intent: charge.payment_intent,
          reason,
          status: state.refundStatus,
        };
        state.refunds.set(refund.id, refund);
        charge.amount_refunded += amount;
        charge.refunded = charge.amount_refunded === charge.amount;
        state.emit('refund.created', refund);
        state.emit('charge.refunded', charge);
        return state.expand(refund, expandPaths(params));
      },
    ],
    [
      'GET',
      /^\/v1\/refunds$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const charge = str(params, 'charge');
        const items = [...state.refunds.values()].filter(
          (refund) => (intent === undefined || refund.payment_intent === intent) && (charge === undefined || refund.charge === charge),
        );
        return paginate(items, params, '/v1/refunds');
      },
    ],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, ({ params, match }) => {
      const refund = state.refunds.get(match[1]!);
      if (!refund) throw missing('refund', match[1]!);
      return state.expand(refund, expandPaths(params));
    }],
    ['GET', /^\/v1\/charges\/([^/]+)\/refunds$/, ({ match }) => state.refundList(requireCharge(match[1]!).id)],
    // ---- disputes, events
    [
      'GET',
      /^\/v1\/disputes$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'limit', 'starting_after', 'ending_before', 'created']);
        const intent = str(params, 'payment_intent');
        const charge = str(params, 'charge');
        const items = [...state.disputes.values()].filter(
          (dispute) => (intent === undefined || dispute.payment_intent === intent) && (charge === undefined || dispute.charge === charge),
        );
        return paginate(items, params, '/v1/disputes');
      },
    ],
    [
      // The test server's own: what createDispute() does, over HTTP (Stripe opens disputes through pm_card_createDispute).
      'POST',
      /^\/v1\/test_helpers\/disputes$/,
      ({ params }) => {
        onlyParams(params, ['payment_intent', 'charge', 'amount', 'reason']);
        const intentId = str(params, 'payment_intent');
        const chargeId = str(params, 'charge');
        if (!intentId === !chargeId) throw invalid('Exactly one of the following params should be provided for this request: payment_intent or charge.');
        const charge = intentId ? state.charges.get(requireIntent(intentId).latest_charge ?? '') : requireCharge(chargeId!, 'charge');
        if (!charge || charge.status !== 'succeeded') {
          throw invalid(`${intentId ?? chargeId} has no succeeded charge to dispute.`, intentId ? 'payment_intent' : 'charge', 'charge_not_disputable');
        }
        const amount = int(params, 'amount');
        if (amount !== undefined && (amount < 1 || amount > charge.amount)) {
          throw invalid(`Dispute amount must be between 1 and the charge's amount (${charge.amount}).`, 'amount', 'amount_too_large');
        }
        const reason = str(params, 'reason');
        if (reason !== undefined && !disputeReasons.includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'reason');
        return clone(openDispute(charge, { ...(amount !== undefined ? { amount } : {}), ...(reason ? { reason } : {}) }));
      },
    ],
    [
      'POST',
      /^\/v1\/test_helpers\/disputes\/([^/]+)\/close$/,
      ({ params, match }) => {
        onlyParams(params, ['status']);
        const dispute = state.disputes.get(match[1]!);
        if (!dispute) throw missing('dispute', match[1]!);
        const status = str(params, 'status');
        if (status !== 'won' && status !== 'lost') throw invalid(`Invalid status: ${String(status)} (won or lost)`, 'status');
        if (closedDisputeStatuses.includes(dispute.status)) {
          throw invalid(`This dispute is already closed (${dispute.status}).`, undefined, 'dispute_already_closed');
        }
        return clone(setDisputeStatus(dispute, status));
      },
    ],
    [
      // The test server's own: the 3-D Secure page's "Complete" / "Fail" for an intent that requires_action.
      'POST',
      /^\/v1\/test_helpers\/payment_intents\/([^/]+)\/authenticate$/,
      ({ params, match }) => {
        onlyParams(params, ['result']);
        const intent = requireIntent(match[1]!);
        const result = str(params, 'result');
        if (result !== 'complete' && result !== 'fail') throw invalid(`Invalid result: ${String(result)} (complete or fail)`, 'result');
        if (intent.status !== 'requires_action') {
          throw invalid(
            `This PaymentIntent's status is ${intent.status}, but must be requires_action to be authenticated.`,
            undefined,
            'payment_intent_unexpected_state',
          );
        }
        if (result === 'complete') succeed(intent);
        else fail(intent, { code: 'payment_intent_authentication_failure', declineCode: 'authentication_failure', message: authenticationFailedMessage });
        return state.expand(intent, expandPaths(params));
      },
    ],
    ['GET', /^\/v1\/disputes\/([^/]+)$/, ({ params, match }) => {
      const dispute = state.disputes.get(match[1]!);
      if (!dispute) throw missing('dispute', match[1]!);
      return state.expand(dispute, expandPaths(params));
    }],
    [
      'GET',
      /^\/v1\/events$/,
      ({ params }) => {
        onlyParams(params, ['type', 'types', 'limit', 'starting_after', 'ending_before', 'created', 'delivery_success']);
        const type = str(params, 'type');
        const items = [...state.events.values()].filter((event) => type === undefined || event.type === type);
        return paginate(items, params, '/v1/events');
      },
    ],
    ['GET', /^\/v1\/events\/([^/]+)$/, ({ match }) => {
      const event = state.events.get(match[1]!);
      if (!event) throw missing('event', match[1]!);
      return clone(event);
    }],
  ];

  return { routes, succeed, fail, newCharge, openDispute, setDisputeStatus };
}

/** Waits between webhook delivery tries with `webhookRetries: true` (about a minute in all, bounded). */
const defaultRetryDelaysMs = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];

class StripeTestServerImpl implements StripeTestServer {
  readonly protocol = 'http' as const;
  private readonly routes;
  private readonly intentOps;
  private down: StripeDownMode | null = null;
  private latency: { ms: number; match: RequestMatch } = { ms: 0, match: {} };
  private drops: { count: number; match: RequestMatch } = { count: 0, match: {} };
  private readonly sockets = new Set<Socket>();
  private readonly endpoints: Endpoint[] = [];
  private readonly deliveryLog: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Wake-ups of deliveries waiting to retry; close() calls them so it does not wait out the backoff. */
  private readonly retryWaits = new Set<() => void>();
  private readonly retryDelaysMs: readonly number[];
  private readonly stateWriter: StateFileWriter | null;
  private listening = true;
  private closing = false;

  constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    readonly apiKey: string,
    private readonly state: StripeState,
    options: Pick<StripeTestServerOptions, 'stateFile' | 'webhookRetries'>,
  ) {
    const retries = options.webhookRetries;
    this.retryDelaysMs = retries === true ? defaultRetryDelaysMs : retries ? [...retries.delaysMs] : [];
    this.stateWriter = options.stateFile ? new StateFileWriter(options.stateFile, () => serializeState(state)) : null;
    const built = createRoutes(this.state, { outcomeFor: (intent, offSession) => this.outcomeFor(intent, offSession) });
    this.routes = built.routes;
    this.intentOps = built;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
        }
      });
    });
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  checkoutUrl(ref: string): string {
    return `${this.url}/pay/${encodeURIComponent(ref)}`;
  }

  get clientOptions() {
    return { host: this.host, port: this.port, protocol: this.protocol };
  }

  // ---- outage and latency

  async setDown(down: boolean, mode: StripeDownMode = 'http-500'): Promise<void> {
    if (!down) {
      this.down = null;
      if (!this.listening) await this.listenAgain();
      return;
    }
    this.down = mode;
    if (mode === 'connection-refused' && this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
  }

  isDown(): boolean {
    return this.down !== null;
  }

  setLatency(ms: number, match: RequestMatch = {}): void {
    this.latency = { ms, match };
  }

  dropResponses(count: number, match: RequestMatch = {}): void {
    this.drops = { count, match };
  }

  setSearchLag(ms: number): void {
    this.state.searchLagMs = ms;
  }

  private async listenAgain(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          this.server.once('error', reject);
          this.server.listen(this.port, this.host, () => {
            this.server.off('error', reject);
            resolve();
          });
        });
        this.listening = true;
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  // ---- inspection

  customers = () => [...this.state.customers.values()].filter((c) => !c.deleted).map(clone) as Stripe.Customer[];
  paymentIntents = () => [...this.state.paymentIntents.values()].map(clone) as Stripe.PaymentIntent[];
  charges = () => [...this.state.charges.values()].map(clone) as Stripe.Charge[];
  refunds = () => [...this.state.refunds.values()].map(clone) as Stripe.Refund[];
  disputes = () => [...this.state.disputes.values()].map(clone) as Stripe.Dispute[];
  events = () => [...this.state.events.values()].map(clone) as Stripe.Event[];
  requests = () => this.state.requests.map((request) => ({ ...request }));
  deliveries = () => this.deliveryLog.map((delivery) => ({ ...delivery }));

  expireIdempotencyKeys(): void {
    for (const [key, entry] of this.state.idempotency) if (entry.response) this.state.idempotency.delete(key);
    this.stateWriter?.schedule();
  }

  // ---- scripting payment intents

  queueConfirmOutcomes(...outcomes: ConfirmOutcome[]): void {
    this.state.confirmQueue.push(...outcomes);
  }

  setConfirmOutcome(outcome: ConfirmOutcome | undefined): void {
    this.state.stickyOutcome = outcome;
  }

  private outcomeFor(intent: Obj, offSession: boolean): ConfirmOutcome {
    const queued = this.state.confirmQueue.shift();
    if (queued) return queued;
    if (this.state.stickyOutcome) return this.state.stickyOutcome;
    const byMethod = testPaymentMethodOutcomes[String(intent.payment_method)];
    if (byMethod === 'authentication') {
      return offSession
        ? { status: 'declined', code: 'authentication_required', declineCode: 'authentication_required' }
        : { status: 'requires_action' };
    }
    return byMethod ?? { status: 'succeeded' };
  }

  private driven<T>(action: () => T): T {
    this.state.currentRequest = null;
    try {
      return action();
    } finally {
      this.dispatchFresh();
      this.stateWriter?.schedule();
    }
  }

  private intentIn(id: string, allowed: readonly string[]): Obj {
    const intent = this.state.paymentIntents.get(id);
    if (!intent) throw new Error(`stripe test server: no payment intent ${id}`);
    if (!allowed.includes(intent.status)) {
      throw new Error(`stripe test server: payment intent ${id} is ${intent.status}, expected one of ${allowed.join(', ')}`);
    }
    return intent;
  }

  succeedPaymentIntent(id: string): Stripe.PaymentIntent {
    return this.driven(() => {
      const intent = this.intentIn(id, ['processing', 'requires_action', 'requires_confirmation']);
      this.intentOps.succeed(intent);
      return clone(intent) as Stripe.PaymentIntent;
    });
  }

  failPaymentIntent(id: string, failure: PaymentFailure = {}): Stripe.PaymentIntent {
    return this.driven(() => {
      const intent = this.intentIn(id, ['processing', 'requires_action', 'requires_confirmation']);
      this.intentOps.fail(intent, failure);
      return clone(intent) as Stripe.PaymentIntent;
    });
  }

  markPaymentIntentProcessing(id: string): Stripe.PaymentIntent {
    return this.driven(() => {
      const intent = this.intentIn(id, ['requires_action', 'requires_confirmation']);
      intent.status = 'processing';
      intent.next_action = null;
      const pending = intent.latest_charge ? this.state.charges.get(intent.latest_charge) : undefined;
      // A pending charge, as Stripe shows for payment methods that settle later.
      if (pending?.status !== 'pending') this.intentOps.newCharge(intent, 'pending');
      this.state.emit('payment_intent.processing', intent);
      return clone(intent) as Stripe.PaymentIntent;
    });
  }

  requirePaymentIntentAction(id: string): Stripe.PaymentIntent {
    return this.driven(() => {
      const intent = this.intentIn(id, ['requires_confirmation', 'processing']);
      intent.status = 'requires_action';
      intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      this.state.emit('payment_intent.requires_action', intent);
      return clone(intent) as Stripe.PaymentIntent;
    });
  }

  // ---- refunds and disputes

  setRefundStatus(status: 'succeeded' | 'pending'): void {
    this.state.refundStatus = status;
  }

  settleRefund(id: string, status: 'succeeded' | 'failed'): Stripe.Refund {
    return this.driven(() => {
      const refund = this.state.refunds.get(id);
      if (!refund) throw new Error(`stripe test server: no refund ${id}`);
      if (refund.status !== 'pending') throw new Error(`stripe test server: refund ${id} is ${refund.status}, not pending`);
      const charge = this.state.charges.get(refund.charge)!;
      refund.status = status;
      if (status === 'failed') {
        refund.failure_reason = 'unknown';
        charge.amount_refunded -= refund.amount;
        charge.refunded = false;
        this.state.emit('refund.failed', refund, { status: 'pending' });
      } else {
        this.state.emit('refund.updated', refund, { status: 'pending' });
      }
      this.state.emit('charge.refund.updated', refund, { status: 'pending' });
      return clone(refund) as Stripe.Refund;
    });
  }

  createDispute(paymentIntentOrChargeId: string, options: { amount?: number; reason?: string; status?: string } = {}): Stripe.Dispute {
    return this.driven(() => {
      const chargeId = paymentIntentOrChargeId.startsWith('pi_')
        ? this.state.paymentIntents.get(paymentIntentOrChargeId)?.latest_charge
        : paymentIntentOrChargeId;
      const charge = chargeId ? this.state.charges.get(chargeId) : undefined;
      if (!charge || charge.status !== 'succeeded') throw new Error(`stripe test server: no succeeded charge for ${paymentIntentOrChargeId}`);
      return clone(this.intentOps.openDispute(charge, options)) as Stripe.Dispute;
    });
  }

  updateDispute(id: string, status: string): Stripe.Dispute {
    return this.driven(() => {
      const dispute = this.state.disputes.get(id);
      if (!dispute) throw new Error(`stripe test server: no dispute ${id}`);
      return clone(this.intentOps.setDisputeStatus(dispute, status)) as Stripe.Dispute;
    });
  }

  // ---- webhooks

  addWebhookEndpoint(url: string, secret: string, enabledEvents: readonly string[] = ['*']): void {
    this.endpoints.push({ url, secret, enabledEvents });
  }

  removeWebhookEndpoints(): void {
    this.endpoints.splice(0);
  }

  async flushWebhooks(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  webhookPayload(eventId: string): string {
    const event = this.state.events.get(eventId);
    if (!event) throw new Error(`stripe test server: no event ${eventId}`);
    return JSON.stringify(event, null, 2);
  }

  signWebhook(payload: string, secret: string, timestamp?: number): string {
    return signWebhook(payload, secret, timestamp);
  }

  async redeliverEvent(eventId: string): Promise<void> {
    const event = this.state.events.get(eventId);
    if (!event) throw new Error(`stripe test server: no event ${eventId}`);
    this.deliver(event);
    await this.flushWebhooks();
  }

  private dispatchFresh(): void {
    for (const event of this.state.fresh.splice(0)) this.deliver(event);
  }

  private deliver(event: Obj): void {
    for (const endpoint of this.endpoints) {
      if (!endpoint.enabledEvents.includes('*') && !endpoint.enabledEvents.includes(event.type)) continue;
      const delivery = this.deliverTo(endpoint, event);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** One delivery: a try, then (with webhookRetries) more tries after each wait until a 2xx, as Stripe retries. */
  private async deliverTo(endpoint: Endpoint, event: Obj): Promise<void> {
    const payload = JSON.stringify(event, null, 2);
    const retrying = this.retryDelaysMs.length > 0;
    for (let attempt = 1; ; attempt++) {
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            // Signed at each try, with its own timestamp, as Stripe does.
            'stripe-signature': signWebhook(payload, endpoint.secret),
          },
          body: payload,
          // An endpoint that hangs must not hold a retried delivery forever (Stripe gives up after tens of seconds).
          ...(retrying ? { signal: AbortSignal.timeout(30_000) } : {}),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      this.deliveryLog.push({ eventId: event.id, type: event.type, url: endpoint.url, status, error, attempt });
      if (status !== null && status >= 200 && status < 300) return;
      const wait = this.retryDelaysMs[attempt - 1];
      if (wait === undefined || this.closing) {
        if (retrying) {
          console.error(
            `stripe test server: gave up delivering ${event.type} ${event.id} to ${endpoint.url} after ${attempt} tries (${error ?? `HTTP ${status}`})`,
          );
        }
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.retryWaits.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.retryWaits.add(wake);
      });
    }
  }

  // ---- lifecycle

  reset(): void {
    const fresh = new StripeState();
    Object.assign(this.state, fresh);
    this.down = null;
    this.latency = { ms: 0, match: {} };
    this.drops = { count: 0, match: {} };
    this.endpoints.splice(0);
    this.deliveryLog.splice(0);
    this.stateWriter?.schedule();
  }

  async close(): Promise<void> {
    // Deliveries waiting to retry get their last try now rather than after the backoff.
    this.closing = true;
    for (const wake of [...this.retryWaits]) wake();
    await this.flushWebhooks().catch(() => undefined);
    for (const socket of this.sockets) socket.destroy();
    if (this.listening) {
      this.listening = false;
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
    // A failed save was already reported on stderr; close() must not throw into a shutdown (npm start's stop).
    await this.stateWriter?.flush().catch(() => undefined);
  }

  // ---- HTTP

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://stripe.test');
    const method = (request.method ?? 'GET').toUpperCase();
    const matches = (match: RequestMatch) =>
      (match.method === undefined || match.method.toUpperCase() === method) && (match.path === undefined || match.path === url.pathname);
    if (this.latency.ms > 0 && matches(this.latency.match)) await new Promise((resolve) => setTimeout(resolve, this.latency.ms));
    const idempotencyKey = method === 'POST' ? (request.headers['idempotency-key'] as string | undefined) ?? null : null;
    const requestId = `req_${randomId(14)}`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': String(request.headers['stripe-version'] ?? Stripe.API_VERSION),
    };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const record = (status: number, replayed = false) =>
      this.state.requests.push({ method, path: url.pathname, idempotencyKey, status, replayed });
    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      if (this.drops.count > 0 && matches(this.drops.match)) {
        this.drops = { ...this.drops, count: this.drops.count - 1 };
        request.socket.destroy();
        return;
      }
      response.writeHead(status, { ...headers, ...extra });
      response.end(body);
    };
    const sendError = (error: StripeApiError) => {
      record(error.status);
      send(error.status, JSON.stringify({ error: { ...error.body, request_log_url: `${this.url}/logs/${requestId}` } }));
    };

    const checkoutRef = /^\/pay\/([^/]+)$/.exec(url.pathname)?.[1];
    if (checkoutRef !== undefined) {
      this.checkoutPage(method, decodeURIComponent(checkoutRef), Buffer.concat(chunks).toString('utf8'), response);
      return;
    }
    if (this.down) {
      sendError(new StripeApiError(500, { type: 'api_error', message: 'An unknown error occurred (stripe test server is down).' }));
      return;
    }
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      const given = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      sendError(
        new StripeApiError(401, {
          type: 'invalid_request_error',
          message: given ? `Invalid API Key provided: ${given.slice(0, 8)}****` : 'You did not provide an API key.',
        }),
      );
      return;
    }

    const route = this.findRoute(method, url.pathname);
    if (!route) {
      sendError(invalid(`Unrecognized request URL (${method}: ${url.pathname}).`));
      return;
    }

    let params: FormParams;
    try {
      params = { ...decodeFormParams(url.search.slice(1)), ...decodeFormParams(Buffer.concat(chunks).toString('utf8')) };
    } catch {
      sendError(invalid('Invalid request body'));
      return;
    }

    const endpoint = `${method} ${url.pathname}`;
    let entry: IdempotencyEntry | undefined;
    if (idempotencyKey) {
      const canonical = canonicalParams(params);
      const existing = this.state.idempotency.get(idempotencyKey);
      if (existing) {
        if (existing.endpoint !== endpoint) {
          sendError(
            new StripeApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.endpoint}' vs '${endpoint}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            }),
          );
          return;
        }
        if (existing.params !== canonical) {
          sendError(
            new StripeApiError(400, {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            }),
          );
          return;
        }
        if (!existing.response) {
          sendError(
            new StripeApiError(409, {
              type: 'idempotency_error',
              message: 'There is currently another in-progress request using this Stripe-Idempotency-Key; please try again later.',
            }),
          );
          return;
        }
        record(existing.response.status, true);
        send(existing.response.status, existing.response.body, { 'idempotent-replayed': 'true', 'original-request': requestId });
        return;
      }
      entry = { endpoint, params: canonical };
      this.state.idempotency.set(idempotencyKey, entry);
    }

    const { status, body } = this.execute(route, params, idempotencyKey, requestId);
    if (idempotencyKey && entry) {
      // Stripe stores results of requests that executed (success or a card decline), not validation failures.
      if (status === 200 || status === 402) entry.response = { status, body };
      else this.state.idempotency.delete(idempotencyKey);
    }
    record(status);
    send(status, body);
    this.dispatchFresh();
    if (method !== 'GET') this.stateWriter?.schedule();
  }

  private findRoute(method: string, path: string): { match: RegExpExecArray; handler: Handler } | undefined {
    for (const [routeMethod, pattern, handler] of this.routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) return { match, handler };
    }
    return undefined;
  }

  /** Runs one API route: the JSON answer, or the error body Stripe sends. */
  private execute(
    route: { match: RegExpExecArray; handler: Handler },
    params: FormParams,
    idempotencyKey: string | null,
    requestId: string,
  ): { status: number; body: string } {
    this.state.currentRequest = { id: requestId, idempotencyKey };
    try {
      return { status: 200, body: JSON.stringify(route.handler({ params, match: route.match, idempotencyKey, requestId })) };
    } catch (error) {
      const apiError =
        error instanceof StripeApiError
          ? error
          : new StripeApiError(500, { type: 'api_error', message: `stripe test server bug: ${error instanceof Error ? error.stack : String(error)}` });
      return { status: apiError.status, body: JSON.stringify({ error: { ...apiError.body, request_log_url: `${this.url}/logs/${requestId}` } }) };
    } finally {
      this.state.currentRequest = null;
    }
  }

  // ---- hosted test-checkout page (no API key, like Stripe's hosted pages)

  /** The intent a checkout ref names (see intent-ref.ts); for a payment id, its newest intent. */
  private intentByRef(ref: string): Obj | undefined {
    const parsed = parseIntentRef(ref);
    if (parsed.kind === 'intent') return this.state.paymentIntents.get(parsed.intentId);
    if (parsed.kind === 'client_secret') {
      const intent = this.state.paymentIntents.get(parsed.intentId);
      return intent?.client_secret === parsed.clientSecret ? intent : undefined;
    }
    let matches;
    try {
      matches = compileSearchQuery(paymentIdSearchQuery(parsed.paymentId), []);
    } catch {
      return undefined;
    }
    return [...this.state.paymentIntents.values()].reverse().find(matches);
  }

  private checkoutPage(method: string, ref: string, body: string, response: ServerResponse): void {
    const html = (status: number, page: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
    };
    if (this.down) return html(503, renderUnavailablePage());
    const intent = this.intentByRef(ref);
    if (!intent) return html(404, renderNotFoundPage(ref));
    if (method === 'GET') return html(200, renderCheckoutPage(intent));
    if (method !== 'POST') return html(405, renderCheckoutPage(intent, { error: `${method} is not allowed here.` }));
    const action = checkoutActionOf(body);
    if (!action) return html(400, renderCheckoutPage(intent, { error: 'Unknown action.' }));
    // The same routes a browser's Stripe.js and the 3-D Secure page would call, so events and webhooks are identical.
    const outcome =
      action.kind === 'pay'
        ? this.callRoute('POST', `/v1/payment_intents/${intent.id}/confirm`, { payment_method: testCards[action.card].paymentMethod })
        : this.callRoute('POST', `/v1/test_helpers/payment_intents/${intent.id}/authenticate`, { result: action.result });
    // A decline (402) is an outcome the page shows from the intent's state; anything else is an error to show.
    if (outcome.status !== 200 && outcome.status !== 402) {
      const message = (JSON.parse(outcome.body) as { error?: { message?: string } }).error?.message ?? `HTTP ${outcome.status}`;
      return html(outcome.status, renderCheckoutPage(intent, { error: message }));
    }
    response.writeHead(303, { location: `/pay/${encodeURIComponent(ref)}`, 'cache-control': 'no-store' });
    response.end();
  }

  /** An API call made by the server itself (the checkout page): recorded, its events delivered, state saved. */
  private callRoute(method: string, path: string, params: FormParams): { status: number; body: string } {
    const route = this.findRoute(method, path);
    if (!route) throw new Error(`stripe test server: no route ${method} ${path}`);
    const result = this.execute(route, params, null, `req_${randomId(14)}`);
    this.state.requests.push({ method, path, idempotencyKey: null, status: result.status, replayed: false });
    this.dispatchFresh();
    this.stateWriter?.schedule();
    return result;
  }
}

export async function startStripeTestServer(options: StripeTestServerOptions = {}): Promise<StripeTestServer> {
  const host = options.host ?? '127.0.0.1';
  const state = new StripeState();
  // Before listening: a state file that cannot be read stops the start instead of being overwritten.
  if (options.stateFile) loadStateFile(options.stateFile, state);
  const server = createServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return new StripeTestServerImpl(server, host, port, options.apiKey ?? 'sk_test_billing_platform', state, options);
}
