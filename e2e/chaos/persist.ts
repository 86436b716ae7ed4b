/**
 * Callers that keep trying through the chaos, as a well-behaved client behind a load balancer would: each attempt goes
 * to the next instance of the service (round-robin), with the same Idempotency-Key (REST) or idempotency_key (gRPC)
 * on every attempt, so a request that was carried out before the process died is answered from its stored result
 * instead of being done twice.
 */
import type { Platform, ServiceName } from '../support/platform';
import type { CreditGrpc, RestResponse } from '../support/clients';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GaveUpError extends Error {
  override readonly name = 'GaveUpError';
}

/** What a client with a bounded retry budget would have reported as failed (the chaos clients still keep trying). */
export interface FailedOperation {
  what: string;
  /** First attempt of the failing streak, epoch ms. */
  since: number;
  /** When the budget ran out, epoch ms. */
  failedAt: number;
}

/**
 * Client operations and the ones that failed: an operation fails when it got no usable answer for longer than
 * RETRY_BUDGET_MS in a row — no connection, a reset, 5xx / 503, gRPC UNAVAILABLE and the like — what a client behind a
 * load balancer retrying for that long would surface as an error. Business answers that say "not yet" (409 in
 * progress, 404 while a projection catches up) are not failures.
 */
export class OperationLog {
  static readonly RETRY_BUDGET_MS = 10_000;
  operations = 0;
  readonly failures: FailedOperation[] = [];

  /** One operation's failing streak; `fail` records it once, when the budget has run out. */
  streak(what: string) {
    this.operations += 1;
    let since: number | undefined;
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      this.failures.push({ what, since: since ?? Date.now(), failedAt: Date.now() });
    };
    return {
      ok: () => {
        since = undefined;
      },
      /** Another attempt failed; true once the streak has outlasted the budget (the operation failed). */
      fail: (): boolean => {
        since ??= Date.now();
        if (Date.now() - since > OperationLog.RETRY_BUDGET_MS) record();
        return recorded;
      },
      /** The caller stops trying: failed, however short the streak. */
      giveUp: () => record(),
    };
  }

  /** Failed operations whose failing streak overlapped [from, to]. */
  failedBetween(from: number, to: number): FailedOperation[] {
    return this.failures.filter((failure) => failure.since <= to && failure.failedAt >= from);
  }
}

/**
 * REST with one Idempotency-Key for all attempts, each to the next instance. Retries connection errors, 5xx, 409 (in
 * progress / not linked yet) and the statuses in `retryOn` (e.g. 404 while a projection catches up) until `deadline`
 * (epoch ms); an answer whose error code is in `finalCodes` is returned at once.
 */
export async function persistentRest(
  client: { platform: Platform; operations: OperationLog },
  service: ServiceName,
  request: { method: string; path: string; body?: unknown; key: string; retryOn?: number[]; finalCodes?: string[] },
  deadline: number,
): Promise<RestResponse> {
  const streak = client.operations.streak(`${request.method} ${service}${request.path}`);
  for (let attempt = 1; ; attempt += 1) {
    const answer = await fetch(`${client.platform.nextHttpUrl(service)}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${client.platform.token}`,
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
    if (answer === undefined || answer.status >= 500) streak.fail();
    else streak.ok();
    const final = answer !== undefined && (request.finalCodes ?? []).includes(answer.body?.error?.code);
    const retry = !final && (answer === undefined || answer.status >= 500 || answer.status === 409 || (request.retryOn ?? []).includes(answer.status));
    if (!retry) return answer!;
    if (Date.now() > deadline) {
      streak.giveUp();
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
export async function persistentGrpc<T>(
  client: { credit: CreditGrpc; operations: OperationLog },
  method: Parameters<CreditGrpc['call']>[0],
  request: object,
  deadline: number,
): Promise<T> {
  const streak = client.operations.streak(method);
  let serverErrors = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await client.credit.call<T>(method, request);
    } catch (error) {
      const code = (error as { code?: number }).code ?? -1;
      if (!unavailable.has(code) && !serverError.has(code)) throw error;
      streak.fail();
      if (serverError.has(code)) serverErrors += 1;
      const gaveUp =
        serverErrors >= SERVER_ERROR_ATTEMPTS
          ? `${method}: ${(error as Error).message} (${serverErrors} times)`
          : Date.now() > deadline
            ? `${method}: ${(error as Error).message} after ${attempt} attempts`
            : undefined;
      if (gaveUp) {
        streak.giveUp();
        throw new GaveUpError(gaveUp);
      }
      await sleep(Math.min(1_000, 100 * attempt));
    }
  }
}
