import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import { type MessageContext, workTraceparent } from '../messaging/message-headers';
import { nameServerSpan } from '../observability/tracing';
import { ApiError, type ApiErrorBody, isCodedError } from './api-error';
import { databaseUnavailableCode, databaseUnavailableMessage, isDatabaseUnavailable } from './database-unavailable';
import { type Principal, type ServiceTokens } from './service-tokens';
import { FORBIDDEN_CODE } from './customer-scope';
import { holdsUnstorableText, isWellFormedUtf8 } from './unstorable-text';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    messageContext: MessageContext;
  }
}

export interface HttpServerOptions {
  service: string;
  logger: Logger;
  tokens: ServiceTokens;
  /** Domain/application error code → HTTP status; codes not listed are 400 when they start with INVALID_, else 422. */
  errorStatus: Record<string, number>;
  /** Each dependency's readiness for /readyz (database, kafka, registry…). */
  readiness: () => Promise<Record<string, boolean>>;
  /**
   * Checks whose failure leaves the service degraded but ready (/readyz 200, status "degraded"): e.g. Kafka, whose
   * events wait in the outbox. Any other failing check makes /readyz 503.
   */
  degradableChecks?: string[];
  /** True once the instance is shutting down: /readyz answers 503 so balancers send it nothing new. */
  draining?: () => boolean;
  metrics: Registry;
  /** Paths that authenticate by other means (Stripe webhooks: by signature). */
  publicPaths?: string[];
  bodyLimitBytes?: number;
}

/** Statuses of the codes the platform itself raises, whatever the service: a service's own map comes first. */
const platformErrorStatus: Record<string, number> = { [FORBIDDEN_CODE]: 403 };

const unstorableTextMessage = 'text must be well-formed Unicode without NUL characters';

const send = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) =>
  reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } } satisfies ApiErrorBody);

/**
 * A Fastify server with what every service needs: bearer-token auth on /v1, a correlation id and traceparent per
 * request (from headers or new), the shared error shape, body limit, /healthz, /readyz and /metrics.
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // One line per request comes from the onResponse hook below, with the correlation id and the caller.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
    // What Fastify refuses before routing (a malformed URL, a path parameter over maxParamLength) and what Node's HTTP
    // parser refuses before Fastify (a request line or headers over 16 kB) is answered in the shared error shape too.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      send(reply, status, status === 414 ? 'URI_TOO_LONG' : status < 500 ? 'INVALID_URL' : 'INTERNAL', error.message);
    },
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, code] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'HEADERS_TOO_LARGE'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'REQUEST_TIMEOUT'] : [400, 'MALFORMED_REQUEST'];
      const body = JSON.stringify({ error: { code, message: 'the request could not be read as HTTP within the limits' } } satisfies ApiErrorBody);
      if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
      socket.destroy(error);
    },
  });
  // Only JSON bodies: without this, Fastify's built-in text/plain parser hands a string to the body schema and a wrong
  // content type is answered 400 INVALID_REQUEST instead of 415 UNSUPPORTED_MEDIA_TYPE. (A route that takes another
  // type, like Stripe's webhook, adds its own parser in its own scope.)
  app.removeContentTypeParser('text/plain');
  // JSON is read as bytes first: decoded as text, invalid UTF-8 would silently become U+FFFD and be stored altered.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isWellFormedUtf8(bytes)) return done(new ApiError(400, 'INVALID_TEXT', unstorableTextMessage), undefined);
    return parseJson(request, bytes.toString('utf8'), done);
  });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'REST request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [options.metrics],
  });
  const publicPaths = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json', ...(options.publicPaths ?? [])]);

  app.decorateRequest('messageContext', undefined as unknown as MessageContext);
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
    };
    const correlationId = header('x-correlation-id') ?? randomUUID();
    const actor = header('billing-actor');
    request.messageContext = { correlationId, traceparent: workTraceparent(header('traceparent')), ...(actor ? { actor } : {}) };
    reply.header('x-correlation-id', correlationId);
    nameServerSpan(request.method, request.routeOptions.url);
    if (publicPaths.has(request.routeOptions.url ?? request.url.split('?')[0]!)) return;
    const principal = options.tokens.authenticate(request.headers.authorization);
    if (!principal) return send(reply, 401, 'UNAUTHENTICATED', 'a valid service token is required (Authorization: Bearer <token>)');
    request.principal = principal;
  });
  // Before validation, so every route refuses it alike, and never a 500 from the database or an altered value stored.
  app.addHook('preValidation', async (request, reply) => {
    if ([request.params, request.query, request.body].some(holdsUnstorableText)) {
      return send(reply, 400, 'INVALID_TEXT', unstorableTextMessage);
    }
  });
  // While draining, every answer closes its connection: a client's keep-alive connection would otherwise stay pinned to
  // this instance (its next request refused once the server closes), and one idle after its last answer would hold
  // close() for the keep-alive timeout (72 s).
  app.addHook('onSend', async (_request, reply) => {
    if (options.draining?.()) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    duration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    request.log[level](
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), correlationId: request.messageContext?.correlationId, principal: request.principal?.name, actor: request.messageContext?.actor },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) return send(reply, error.status, error.code, error.message, error.details);
    // Before the coded errors: node's ECONNREFUSED looks like one. Retry-After: a restart or failover takes seconds.
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error, correlationId: request.messageContext?.correlationId }, 'database unavailable');
      return send(reply.header('retry-after', '1'), 503, databaseUnavailableCode, databaseUnavailableMessage);
    }
    const fastifyError = error as { validation?: unknown; statusCode?: number; code?: string; message: string };
    if (fastifyError.validation) return send(reply, 400, 'INVALID_REQUEST', fastifyError.message);
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than allowed');
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json');
    // Fastify 5 reports a malformed body as FST_ERR_CTP_INVALID_JSON_BODY (not a SyntaxError).
    if (
      fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      (fastifyError.statusCode === 400 && error instanceof SyntaxError)
    ) {
      return send(reply, 400, 'INVALID_JSON', 'the request body is not valid JSON');
    }
    if (isCodedError(error)) {
      const status = options.errorStatus[error.code] ?? platformErrorStatus[error.code] ?? (error.code.startsWith('INVALID_') ? 400 : 422);
      return send(reply, status, error.code, error.message, error.details);
    }
    if (fastifyError.statusCode && fastifyError.statusCode < 500) return send(reply, fastifyError.statusCode, 'INVALID_REQUEST', fastifyError.message);
    request.log.error({ err: error, correlationId: request.messageContext?.correlationId }, 'unhandled error');
    return send(reply, 500, 'INTERNAL', 'internal error; the correlation id in the x-correlation-id header finds it in the logs');
  });
  app.setNotFoundHandler((request, reply) => send(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));

  app.get('/healthz', async () => ({ status: 'ok', service: options.service }));
  const degradable = new Set(options.degradableChecks ?? []);
  app.get('/readyz', async (_, reply) => {
    if (options.draining?.()) return reply.status(503).send({ status: 'draining' });
    const checks: Record<string, boolean> = await options.readiness().catch(() => ({ readiness: false }));
    const failing = Object.keys(checks).filter((name) => !checks[name]);
    const unavailable = failing.filter((name) => !degradable.has(name));
    const degraded = failing.filter((name) => degradable.has(name));
    if (unavailable.length > 0) return reply.status(503).send({ status: 'not_ready', checks, unavailable, degraded });
    return reply.status(200).send({ status: degraded.length > 0 ? 'degraded' : 'ready', checks, degraded });
  });
  app.get('/metrics', async (_, reply) => reply.header('content-type', options.metrics.contentType).send(await options.metrics.metrics()));
  return app;
}
