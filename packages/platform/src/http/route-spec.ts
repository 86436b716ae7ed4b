import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';
import type { Principal } from './service-tokens';
import type { JsonSchema } from './json-schema';
import type { SqlExecutor } from '../sql/sql-executor';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** What a route answers: the body, with the spec's success status unless it says otherwise. */
export interface RouteResult {
  status?: number;
  body: unknown;
  /** Sent with a fresh answer, not with an idempotent replay (e.g. location of a created resource). */
  headers?: Record<string, string>;
}

/**
 * Who may call: `unscoped` — only a token not scoped to a customer (catalogues, lists across customers, registration);
 * `{ customer }` — a token for the customer the request names (the kit asserts it before the handler runs, 403
 * FORBIDDEN otherwise); `any` — every token, the handler checks what it reads with assertCustomerScope.
 */
export type RouteAccess<Request> = 'unscoped' | 'any' | { customer: (request: Request) => string };

export interface RouteSchemas {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** The success status and its body's schema: responses are serialised by it, and documented with it. */
  success: { status: number; body: JsonSchema; description?: string };
  /**
   * Error codes the operation itself answers, by status (404 CUSTOMER_NOT_FOUND…). The kit adds what it answers
   * itself: 400 INVALID_REQUEST / INVALID_TEXT, 401, 403 FORBIDDEN per access, 415 and 413 with a body, the
   * idempotency codes for writes, 503 DATABASE_UNAVAILABLE.
   */
  errors?: Record<number, string[]>;
}

interface RouteSpecBase<Request> {
  method: HttpMethod;
  /** Fastify syntax: /v1/customers/:customerId */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: RouteAccess<Request>;
  schema: RouteSchemas;
  /**
   * Authenticated otherwise than by a service token (Stripe's webhook: by its signature). Documented without security;
   * list the path in the runtime's publicPaths too, which is what lets it through. Access must be 'any'.
   */
  public?: boolean;
  /** The body is handed over as the raw bytes sent, whatever the content type, up to bodyLimit (a signature covers them). */
  rawBody?: { description: string; bodyLimit: number };
}

/**
 * A write: an Idempotency-Key is required, and the work runs in one transaction with the key (runIdempotent), so the
 * change, its outbox events and the stored response commit together and a replay answers the first response.
 */
export interface IdempotentRoute<Request, Tx extends SqlExecutor> extends RouteSpecBase<Request> {
  kind: 'idempotent-write';
  execute(request: Request, tx: Tx): Promise<RouteResult>;
}

/** A read: the work runs in one transaction. */
export interface ReadRoute<Request, Tx extends SqlExecutor> extends RouteSpecBase<Request> {
  kind: 'read';
  execute(request: Request, tx: Tx): Promise<RouteResult>;
}

/**
 * A route that manages its transactions itself (e.g. a write that calls a gateway between two commits). `idempotent`
 * documents the Idempotency-Key header and its error codes; the handler claims the key itself.
 */
export interface CustomRoute<Request> extends RouteSpecBase<Request> {
  kind: 'custom';
  idempotent: boolean;
  handle(request: Request, reply: FastifyReply): Promise<RouteResult & { replayed?: boolean }>;
}

export type TypedRouteSpec<Generic extends RouteGenericInterface, Tx extends SqlExecutor> =
  | IdempotentRoute<AuthenticatedRequest<Generic>, Tx>
  | ReadRoute<AuthenticatedRequest<Generic>, Tx>
  | CustomRoute<AuthenticatedRequest<Generic>>;

/** A request past authentication: its principal is known. */
export type AuthenticatedRequest<Generic extends RouteGenericInterface = RouteGenericInterface> = FastifyRequest<Generic> & { principal: Principal };

/** A route spec with its request types erased, as registerRoutes and the OpenAPI generator take them. */
export type RouteSpec<Tx extends SqlExecutor = SqlExecutor> = TypedRouteSpec<any, Tx>;

/**
 * Declares one operation with typed params / querystring / body (`defineRoute<{ Params: { id: string } }, Tx>({…})`);
 * the types are the caller's promise about the schemas, which validate before the handler runs.
 */
export const defineRoute = <Generic extends RouteGenericInterface, Tx extends SqlExecutor = SqlExecutor>(spec: TypedRouteSpec<Generic, Tx>): RouteSpec<Tx> =>
  spec as RouteSpec<Tx>;

/** Whether the operation needs an Idempotency-Key. */
export const isIdempotent = (route: RouteSpec<any>): boolean => route.kind === 'idempotent-write' || (route.kind === 'custom' && route.idempotent);
