/** The hosted test-checkout page's route (no API key, like Stripe's hosted pages); checkout-page.ts renders it. */
import type { ServerResponse } from 'node:http';
import { checkoutActionOf, renderCheckoutPage, renderNotFoundPage, renderUnavailablePage, testCards } from './checkout-page';
import type { FormParams } from './form-params';
import { parseIntentRef, paymentIdSearchQuery } from './intent-ref';
import { compileSearchQuery } from './search-query';
import type { Obj } from './stripe-objects';
import type { StripeState } from './stripe-state';

/** The intent a checkout ref names (see intent-ref.ts); for a payment id, its newest intent. */
function intentByRef(state: StripeState, ref: string): Obj | undefined {
  const parsed = parseIntentRef(ref);
  if (parsed.kind === 'intent') return state.paymentIntents.get(parsed.intentId);
  if (parsed.kind === 'client_secret') {
    const intent = state.paymentIntents.get(parsed.intentId);
    return intent?.client_secret === parsed.clientSecret ? intent : undefined;
  }
  let matches;
  try {
    matches = compileSearchQuery(paymentIdSearchQuery(parsed.paymentId), []);
  } catch {
    return undefined;
  }
  return [...state.paymentIntents.values()].reverse().find(matches);
}

/**
 * Answers GET/POST /pay/<ref>: the page, or a button's action run through the API's own routes (`callRoute`, so events
 * and webhooks are the same as from a browser), then 303 back to the page.
 */
export function serveCheckoutPage(
  server: { readonly state: StripeState; readonly down: boolean; callRoute(method: string, path: string, params: FormParams): { status: number; body: string } },
  request: { readonly method: string; readonly ref: string; readonly body: string },
  response: ServerResponse,
): void {
  const { state } = server;
  const { method, ref, body } = request;
  const html = (status: number, page: string) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(page);
  };
  if (server.down) return html(503, renderUnavailablePage());
  const intent = intentByRef(state, ref);
  if (!intent) return html(404, renderNotFoundPage(ref));
  if (method === 'GET') return html(200, renderCheckoutPage(intent));
  if (method !== 'POST') return html(405, renderCheckoutPage(intent, { error: `${method} is not allowed here.` }));
  const action = checkoutActionOf(body);
  if (!action) return html(400, renderCheckoutPage(intent, { error: 'Unknown action.' }));
  // The same routes a browser's Stripe.js and the 3-D Secure page would call, so events and webhooks are identical.
  const outcome =
    action.kind === 'pay'
      ? server.callRoute('POST', `/v1/payment_intents/${intent.id}/confirm`, { payment_method: testCards[action.card].paymentMethod })
      : server.callRoute('POST', `/v1/test_helpers/payment_intents/${intent.id}/authenticate`, { result: action.result });
  // A decline (402) is an outcome the page shows from the intent's state; anything else is an error to show.
  if (outcome.status !== 200 && outcome.status !== 402) {
    const message = (JSON.parse(outcome.body) as { error?: { message?: string } }).error?.message ?? `HTTP ${outcome.status}`;
    return html(outcome.status, renderCheckoutPage(intent, { error: message }));
  }
  response.writeHead(303, { location: `/pay/${encodeURIComponent(ref)}`, 'cache-control': 'no-store' });
  response.end();
}
