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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Stripe from 'stripe';
import type { ConfirmOutcome, PaymentFailure, RequestMatch, StripeDownMode, StripeTestServer, StripeTestServerOptions } from './api-types';
import { serveCheckoutPage } from './checkout-route';
import { canonicalParams, decodeFormParams, type FormParams } from './form-params';
import { fail, newCharge, succeed } from './payment-intent-lifecycle';
import { apiRoutes, type Handler, type Route } from './routes';
import { openDispute, setDisputeStatus } from './routes/disputes.routes';
import { loadStateFile, serializeState, StateFileWriter } from './state-file';
import { clone, invalid, type Obj, randomId, StripeApiError } from './stripe-objects';
import { type IdempotencyEntry, StripeState } from './stripe-state';
import { signWebhook, Webhooks } from './webhooks';

export type * from './api-types';
export { signWebhook } from './webhooks';

class StripeTestServerImpl implements StripeTestServer {
  readonly protocol = 'http' as const;
  private readonly routes: Route[];
  private readonly webhooks: Webhooks;
  private downMode: StripeDownMode | null = null;
  private latency: { ms: number; match: RequestMatch } = { ms: 0, match: {} };
  private drops: { count: number; match: RequestMatch } = { count: 0, match: {} };
  private readonly sockets = new Set<Socket>();
  private readonly stateWriter: StateFileWriter | null;
  private listening = true;

  constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    readonly apiKey: string,
    readonly state: StripeState,
    options: Pick<StripeTestServerOptions, 'stateFile' | 'webhookRetries'>,
  ) {
    this.webhooks = new Webhooks(options.webhookRetries);
    this.stateWriter = options.stateFile ? new StateFileWriter(options.stateFile, () => serializeState(state)) : null;
    this.routes = apiRoutes(state);
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
      this.downMode = null;
      if (!this.listening) await this.listenAgain();
      return;
    }
    this.downMode = mode;
    if (mode === 'connection-refused' && this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
    }
  }

  isDown(): boolean {
    return this.downMode !== null;
  }

  get down(): boolean {
    return this.isDown();
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
  deliveries = () => this.webhooks.deliveries();

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
      succeed(this.state, intent);
      return clone(intent) as Stripe.PaymentIntent;
    });
  }

  failPaymentIntent(id: string, failure: PaymentFailure = {}): Stripe.PaymentIntent {
    return this.driven(() => {
      const intent = this.intentIn(id, ['processing', 'requires_action', 'requires_confirmation']);
      fail(this.state, intent, failure);
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
      if (pending?.status !== 'pending') newCharge(this.state, intent, 'pending');
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
      return clone(openDispute(this.state, charge, options)) as Stripe.Dispute;
    });
  }

  updateDispute(id: string, status: string): Stripe.Dispute {
    return this.driven(() => {
      const dispute = this.state.disputes.get(id);
      if (!dispute) throw new Error(`stripe test server: no dispute ${id}`);
      return clone(setDisputeStatus(this.state, dispute, status)) as Stripe.Dispute;
    });
  }

  // ---- webhooks

  addWebhookEndpoint(url: string, secret: string, enabledEvents: readonly string[] = ['*']): void {
    this.webhooks.addEndpoint(url, secret, enabledEvents);
  }

  removeWebhookEndpoints(): void {
    this.webhooks.removeEndpoints();
  }

  flushWebhooks(): Promise<void> {
    return this.webhooks.flush();
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
    this.webhooks.deliver(event);
    await this.flushWebhooks();
  }

  private dispatchFresh(): void {
    for (const event of this.state.fresh.splice(0)) this.webhooks.deliver(event);
  }

  // ---- lifecycle

  reset(): void {
    const fresh = new StripeState();
    Object.assign(this.state, fresh);
    this.downMode = null;
    this.latency = { ms: 0, match: {} };
    this.drops = { count: 0, match: {} };
    this.webhooks.clear();
    this.stateWriter?.schedule();
  }

  async close(): Promise<void> {
    // Deliveries waiting to retry get their last try now rather than after the backoff.
    await this.webhooks.close().catch(() => undefined);
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
      serveCheckoutPage(this, { method, ref: decodeURIComponent(checkoutRef), body: Buffer.concat(chunks).toString('utf8') }, response);
      return;
    }
    if (this.downMode) {
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

  /** An API call made by the server itself (the checkout page): recorded, its events delivered, state saved. */
  callRoute(method: string, path: string, params: FormParams): { status: number; body: string } {
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
