/**
 * The app's one way to the BFF. Reads are GETs; writes carry the session's CSRF token and the Idempotency-Key of the
 * confirmation dialog that sent them. A 401 anywhere means the session is gone: the app goes to the login page.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The request field the service blamed (`details.field`, e.g. `amount` or `price.currency`), if any. */
  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

export type Service = 'customer' | 'credit' | 'subscription' | 'payment';
export type Query = Record<string, string | number | undefined | null>;

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** `/api/services/<service>/v1/<path>` — the BFF's proxy to a service. */
export function servicePath(service: Service, path: string, query?: Query): string {
  return withQuery(`/api/services/${service}/v1${path}`, query);
}

interface Send {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  idempotencyKey?: string;
  /** Login answers 401 for a wrong password: that is the form's error, not a lost session. */
  unauthenticatedIsError?: boolean;
}

export async function request<T>(path: string, { method = 'GET', body, idempotencyKey, unauthenticatedIsError }: Send = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;

  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The console could not reach its server. Check the connection and try again.');
  }

  if (response.status === 401 && !unauthenticatedIsError) {
    onUnauthenticated();
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw toApiError(response.status, parsed);
  return parsed as T;
}

export const get = <T>(path: string) => request<T>(path);

export const post = <T>(path: string, body: unknown, idempotencyKey?: string) =>
  request<T>(path, { method: 'POST', body, ...(idempotencyKey ? { idempotencyKey } : {}) });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: Partial<ApiErrorBody> } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError(status, error.code, error.message ?? error.code, error.details ?? {});
  }
  return new ApiError(status, `HTTP_${status}`, `The server answered ${status}.`);
}

/** A v4 UUID; `crypto.randomUUID` exists only in secure contexts, which a console on plain http may not be. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
