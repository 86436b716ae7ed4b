/**
 * Callers that keep trying through the chaos, as a well-behaved client would: the same Idempotency-Key (REST) or
 * idempotency_key (gRPC) on every attempt, so a request that was carried out before the process died is answered
 * from its stored result instead of being done twice.
 */
import type { Platform, ServiceName } from '../support/platform';
import type { CreditGrpc, RestResponse } from '../support/clients';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GaveUpError extends Error {
  override readonly name = 'GaveUpError';
}

/**
 * REST with one Idempotency-Key for all attempts. Retries connection errors, 5xx, 409 (in progress / not linked yet)
 * and the statuses in `retryOn` (e.g. 404 while a projection catches up) until `deadline` (epoch ms); an answer whose
 * error code is in `finalCodes` is returned at once.
 */
export async function persistentRest(
  platform: Platform,
  service: ServiceName,
  request: { method: string; path: string; body?: unknown; key: string; retryOn?: number[]; finalCodes?: string[] },
  deadline: number,
): Promise<RestResponse> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await fetch(`${platform.services[service].httpUrl}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${platform.token}`,
        'idempotency-key': request.key,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(15_000),
    }).then(
      async (response) => {
        const text = await response.text();
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        return { status: response.status, headers: response.headers, body } as RestResponse;
      },
      () => undefined,
    );
    const final = answer !== undefined && (request.finalCodes ?? []).includes(answer.body?.error?.code);
    const retry = !final && (answer === undefined || answer.status >= 500 || answer.status === 409 || (request.retryOn ?? []).includes(answer.status));
    if (!retry) return answer!;
    if (Date.now() > deadline) {
      throw new GaveUpError(`${request.method} ${service}${request.path}: ${answer ? `${answer.status} ${JSON.stringify(answer.body)}` : 'no answer'} after ${attempt} attempts`);
    }
    await sleep(Math.min(1_000, 100 * attempt));
  }
}

/** gRPC codes worth another attempt until the deadline: the server is down or restarting, or the answer was lost. */
const unavailable = new Set([1, 4, 14]); // CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE
/** Worth a few attempts only: a crash mid-call can surface as these, but so can a server-side bug that never heals. */
const serverError = new Set([2, 13]); // UNKNOWN, INTERNAL
const SERVER_ERROR_ATTEMPTS = 5;

/** A credit gRPC call retried (same request, same idempotency key) while the failure is transient. */
export async function persistentGrpc<T>(credit: CreditGrpc, method: Parameters<CreditGrpc['call']>[0], request: object, deadline: number): Promise<T> {
  let serverErrors = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await credit.call<T>(method, request);
    } catch (error) {
      const code = (error as { code?: number }).code ?? -1;
      if (serverError.has(code)) serverErrors += 1;
      if (serverErrors >= SERVER_ERROR_ATTEMPTS) throw new GaveUpError(`${method}: ${(error as Error).message} (${serverErrors} times)`);
      if (!unavailable.has(code) && !serverError.has(code)) throw error;
      if (Date.now() > deadline) throw new GaveUpError(`${method}: ${(error as Error).message} after ${attempt} attempts`);
      await sleep(Math.min(1_000, 100 * attempt));
    }
  }
}
