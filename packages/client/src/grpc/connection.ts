import * as grpc from '@grpc/grpc-js';

/** How to reach a billing service: `host:port` or `grpc://host:port` in plaintext, `grpcs://host:port` over TLS. */
export interface ConnectionOptions {
  url: string;
  /** A service token (`SERVICE_TOKENS`); a token scoped to one customer acts only on that customer. */
  token: string;
  /** TLS: `true` verifies the server with the system roots, `{ ca }` with this PEM CA. Implied by `grpcs://`. */
  tls?: boolean | { ca: string | Buffer };
  /** Each attempt of a call fails with DEADLINE_EXCEEDED after this long (default 3,000 ms). */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** Retries of UNAVAILABLE and DEADLINE_EXCEEDED: `attempts` in all, full-jitter exponential backoff between them. */
export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, initialBackoffMs: 50, maxBackoffMs: 1_000 };
export const defaultDeadlineMs = 3_000;

export function channelTarget(url: string): { address: string; tlsFromScheme: boolean } {
  const match = /^(grpcs?):\/\/(.+)$/.exec(url);
  if (!match) return { address: url, tlsFromScheme: false };
  return { address: match[2]!.replace(/\/+$/, ''), tlsFromScheme: match[1] === 'grpcs' };
}

export function channelCredentials(options: ConnectionOptions): grpc.ChannelCredentials {
  const { tlsFromScheme } = channelTarget(options.url);
  const { tls } = options;
  if (typeof tls === 'object') return grpc.credentials.createSsl(Buffer.from(tls.ca));
  return tls || tlsFromScheme ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
}
