import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BillingUnavailable, type CreditClient, InsufficientCredits, ReservationAlreadyResolved, ReservationExpired } from '@billing/client';
import type { CustomerAccess } from './access.js';
import { complete } from './model.js';

export interface GatewayOptions {
  credits: CreditClient;
  access: CustomerAccess;
  /** Estimate held when a request names no maxTokens. */
  defaultMaxTokens: number;
  modelLatencyMs: number;
  /** How long a hold outlives a crash of this process. */
  holdTtlSeconds: number;
  ready: () => boolean;
}

const send = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const error = (code: string, message: string, details?: object) => ({ error: { code, message, ...(details ? { details } : {}) } });

async function jsonBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = '';
  for await (const chunk of request) text += chunk;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const noCredits = (customerId: string, reason: string) =>
  error('INSUFFICIENT_CREDITS', reason === 'subscription_canceled' ? 'the subscription has ended: subscribe again or top up to continue' : 'no credits left: top up to continue', {
    customerId,
    reason,
  });

/** POST /v1/complete {customerId, prompt, maxTokens?}: holds maxTokens credits, runs the model, charges the tokens it used. */
async function completeRoute(request: IncomingMessage, response: ServerResponse, options: GatewayOptions): Promise<void> {
  const body = await jsonBody(request);
  const customerId = body?.customerId;
  const prompt = body?.prompt;
  const maxTokens = body?.maxTokens ?? options.defaultMaxTokens;
  if (typeof customerId !== 'string' || !customerId || typeof prompt !== 'string' || !Number.isSafeInteger(maxTokens) || (maxTokens as number) < 1) {
    return send(response, 400, error('INVALID_REQUEST', 'send {"customerId": string, "prompt": string, "maxTokens"?: integer ≥ 1}'));
  }
  const blocked = options.access.blockedFor(customerId);
  if (blocked) return send(response, 402, noCredits(customerId, blocked));
  // A client that retries with the same Idempotency-Key is charged once for the request.
  const operationId = request.headers['idempotency-key'];
  try {
    const charged = await options.access.holding(customerId, () =>
      options.credits.withCredits(
        customerId,
        maxTokens as number,
        async () => {
          const answer = await complete(prompt, maxTokens as number, options.modelLatencyMs);
          return { used: answer.tokens, result: answer.text };
        },
        { operationId: typeof operationId === 'string' && operationId ? `complete:${customerId}:${operationId}` : undefined, ttlSeconds: options.holdTtlSeconds },
      ),
    );
    send(response, 200, { completion: charged.result, usage: { credits: charged.captured }, reservationId: charged.reservationId });
  } catch (caught) {
    if (caught instanceof InsufficientCredits) {
      options.access.block(customerId, 'no_credits');
      return send(response, 402, noCredits(customerId, 'no_credits'));
    }
    // The same Idempotency-Key again after its operation settled: charged (or expired, never charged) once already.
    if (caught instanceof ReservationAlreadyResolved || caught instanceof ReservationExpired) {
      return send(response, 409, error('OPERATION_ALREADY_SETTLED', 'this Idempotency-Key was used by a call that already settled; send a new key to call again'));
    }
    if (caught instanceof BillingUnavailable) return send(response, 503, error('BILLING_UNAVAILABLE', 'billing does not answer; retry later'));
    throw caught;
  }
}

export function gatewayServer(options: GatewayOptions): Server {
  return createServer((request, response) => {
    const route = `${request.method} ${request.url?.split('?')[0]}`;
    const handled =
      route === 'POST /v1/complete'
        ? completeRoute(request, response, options)
        : route === 'GET /readyz'
          ? Promise.resolve(send(response, options.ready() ? 200 : 503, { ready: options.ready() }))
          : Promise.resolve(send(response, 404, error('NOT_FOUND', `no route ${route}`)));
    handled.catch((caught: unknown) => {
      console.error(JSON.stringify({ level: 'error', msg: 'request failed', route, err: String(caught) }));
      if (!response.headersSent) send(response, 500, error('INTERNAL', 'internal error'));
    });
  });
}
