import * as grpc from '@grpc/grpc-js';
import { BillingUnavailable, billingErrorOf, errorCodeOf, isServiceError } from '../errors';
import { type ConnectionOptions, channelCredentials, channelTarget, defaultDeadlineMs, defaultRetryPolicy, type RetryPolicy } from './connection';

/** Statuses after which the call may not have happened, or happened without its answer reaching us: safe to retry
 * because every write carries an idempotency key the service answers the first outcome for. */
const retriable = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);

export interface CallOptions {
  /** This call's per-attempt deadline, overriding the client's. */
  deadlineMs?: number;
  /** Sent as `x-correlation-id`: follow the call through every event and log it causes. */
  correlationId?: string;
}

export interface Timing {
  random(): number;
  sleep(ms: number): Promise<void>;
}

const realTiming: Timing = { random: Math.random, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** Full jitter (AWS architecture blog): a uniform pause in [0, min(max, initial × 2^retry)). */
export const backoffMs = (policy: RetryPolicy, retry: number, random: () => number) =>
  Math.floor(random() * Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** retry));

/**
 * Unary calls on one channel with the token, a deadline on every attempt, bounded jittered retries of UNAVAILABLE and
 * DEADLINE_EXCEEDED with the very same request (so the same idempotency key), and typed errors.
 */
export class UnaryCaller {
  private readonly client: grpc.Client;
  private readonly retry: RetryPolicy;
  private readonly deadlineMs: number;

  constructor(
    Service: grpc.ServiceClientConstructor,
    private readonly options: ConnectionOptions,
    private readonly timing: Timing = realTiming,
  ) {
    this.client = new Service(channelTarget(options.url).address, channelCredentials(options));
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.deadlineMs = options.deadlineMs ?? defaultDeadlineMs;
  }

  async call<Response>(method: string, request: object, callOptions: CallOptions = {}): Promise<Response> {
    const attempts = Math.max(1, this.retry.attempts);
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once<Response>(method, request, callOptions);
      } catch (error) {
        if (!isServiceError(error)) throw error;
        if (!retriable.has(error.code)) throw billingErrorOf(error, method);
        if (attempt >= attempts) {
          throw new BillingUnavailable(errorCodeOf(error), `${method}: ${error.details || grpc.status[error.code]} (after ${attempt} attempts)`, error.code, attempt, {
            cause: error,
          });
        }
        await this.timing.sleep(backoffMs(this.retry, attempt - 1, this.timing.random));
      }
    }
  }

  private once<Response>(method: string, request: object, callOptions: CallOptions): Promise<Response> {
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${this.options.token}`);
    if (callOptions.correlationId) metadata.set('x-correlation-id', callOptions.correlationId);
    const deadline = Date.now() + (callOptions.deadlineMs ?? this.deadlineMs);
    const invoke = (this.client as unknown as Record<string, unknown>)[method];
    if (typeof invoke !== 'function') throw new TypeError(`no gRPC method ${method}`);
    return new Promise<Response>((resolve, reject) =>
      invoke.call(this.client, request, metadata, { deadline }, (error: grpc.ServiceError | null, response: Response) => (error ? reject(error) : resolve(response))),
    );
  }

  close(): void {
    this.client.close();
  }
}
