import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { sendError } from './api-errors';
import type { ConsoleService } from './config';
import type { Operations } from './operations/operations';
import { operationsRoutes } from './operations/operations-routes';
import { addSecurityHeaders } from './security-headers';
import { guardApi, sessionRoutes } from './session-routes';
import { serviceProxy } from './service-proxy';
import { SessionStore } from './sessions';
import { SignInLimiter } from './sign-in-limiter';
import { singlePageApp } from './spa';
import type { ConsoleUser } from './users';

export interface ConsoleAppOptions {
  users: readonly ConsoleUser[];
  serviceToken: string;
  serviceUrls: Record<ConsoleService, string>;
  operations: Operations;
  /** The built app: console/dist/app. */
  appDir: string;
  logger: Logger;
  trustProxy?: boolean;
  /** A session ends after this long without a request (default 8 h). */
  sessionIdleMs?: number;
  /** Proxied calls answer 504 after this long (default 15 s). */
  serviceTimeoutMs?: number;
  now?: () => number;
}

/** The console's HTTP server: sign-in and sessions, the service proxy, operations, and the app itself. */
export async function createConsoleApp(options: ConsoleAppOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    // One line per request from the onResponse hook below, with the operator's name (and never a body or a cookie).
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    genReqId: () => randomUUID(),
  });
  addSecurityHeaders(app);
  await app.register(fastifyCookie);
  const sessions = new SessionStore(options.sessionIdleMs ?? 8 * 3_600_000, now);
  guardApi(app, sessions);
  app.addHook('onResponse', async (request, reply) => {
    request.log[reply.statusCode >= 500 ? 'error' : 'info'](
      { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), operator: request.consoleSession?.name },
      'request',
    );
  });
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
    if (error.validation) return sendError(reply, 400, 'INVALID_REQUEST', error.message);
    if (error.statusCode && error.statusCode < 500) return sendError(reply, error.statusCode, 'INVALID_REQUEST', error.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'INTERNAL', `internal error; request ${request.id} in the console's log`);
  });

  await app.register(sessionRoutes, { users: options.users, sessions, limiter: new SignInLimiter(5, 5 * 60_000, now) });
  await app.register(serviceProxy, { serviceToken: options.serviceToken, serviceUrls: options.serviceUrls, timeoutMs: options.serviceTimeoutMs });
  await app.register(operationsRoutes, { operations: options.operations });
  // On the root instance, not registered: its not-found handler (the SPA fallback) must cover every route.
  await singlePageApp(app, { appDir: options.appDir });
  app.get('/healthz', async () => ({ status: 'ok', service: 'console' }));
  return app;
}
