import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendError } from './api-errors';
import { type ConsoleService, consoleServices } from './config';

export interface ServiceProxyOptions {
  serviceToken: string;
  serviceUrls: Record<ConsoleService, string>;
  /** How long a service may take to answer before the console answers 504 SERVICE_TIMEOUT. */
  timeoutMs?: number;
}

const isConsoleService = (name: string): name is ConsoleService => (consoleServices as readonly string[]).includes(name);

/**
 * The part of the raw URL after `/api/services/<service>`, when it is a /v1 path that cannot climb out of /v1 on the
 * service: no `.` or `..` segment, no encoded dot, slash or backslash (a service decoding one would see a traversal
 * this check did not), no backslash, no empty segment. Checked on the raw URL, before anything decodes or normalises it.
 */
export function servicePath(rawUrl: string, service: string): string | undefined {
  const prefix = `/api/services/${service}`;
  if (!rawUrl.startsWith(`${prefix}/`)) return undefined;
  const rest = rawUrl.slice(prefix.length);
  const path = rest.split('?')[0]!;
  if (!/^\/v1(\/|$)/.test(path) || /%(2e|2f|5c|00)|\\/i.test(path)) return undefined;
  const segments = path.split('/').slice(1);
  if (segments.some((segment, index) => segment === '.' || segment === '..' || (segment === '' && index < segments.length - 1))) return undefined;
  return rest;
}

/** Headers of a service's answer the browser needs; the rest (its server, its connection) stay behind the console. */
const answeredHeaders = ['content-type', 'retry-after', 'location', 'x-correlation-id'];

/**
 * `/api/services/<service>/v1/...` → `<service URL>/v1/...`: same method, query and body bytes; Idempotency-Key and
 * Content-Type passed on; the console's service token, the operator as `Billing-Actor: console:<name>` and a correlation
 * id added. The service's status and body come back unchanged, so the app sees the services' contract as is.
 */
export async function serviceProxy(app: FastifyInstance, options: ServiceProxyOptions): Promise<void> {
  // The body is passed on as the bytes that came, whatever their type: the service validates it, not the console.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const timeoutMs = options.timeoutMs ?? 15_000;

  app.all<{ Params: { service: string } }>('/api/services/:service/*', async (request, reply) => {
    const { service } = request.params;
    if (!isConsoleService(service)) return sendError(reply, 404, 'NOT_FOUND', `no service ${service}: one of ${consoleServices.join(', ')}`);
    const path = servicePath(request.raw.url ?? '', service);
    if (!path) return sendError(reply, 400, 'INVALID_PATH', `only /api/services/${service}/v1/... paths without dot segments or encoded slashes are passed on`);
    const correlationId = randomUUID();
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${options.serviceToken}`,
      'billing-actor': `console:${request.consoleSession!.name}`,
      'x-correlation-id': correlationId,
    };
    for (const name of ['idempotency-key', 'content-type']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined;
    let answer: Response;
    try {
      answer = await fetch(`${options.serviceUrls[service]}${path}`, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      request.log.warn({ err: error, target: service, correlationId }, 'service call failed');
      if ((error as Error).name === 'TimeoutError') {
        return sendError(reply, 504, 'SERVICE_TIMEOUT', `the ${service} service did not answer within ${timeoutMs / 1000} s; a write retried with the same Idempotency-Key is applied once`);
      }
      return sendError(reply.header('retry-after', '1'), 503, 'SERVICE_UNAVAILABLE', `the ${service} service does not answer`);
    }
    for (const name of answeredHeaders) {
      const value = answer.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    return reply.status(answer.status).send(Buffer.from(await answer.arrayBuffer()));
  });
}
