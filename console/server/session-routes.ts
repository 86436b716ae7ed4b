import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from './api-errors';
import { csrfTokenMatches, type Session, type SessionStore } from './sessions';
import type { SignInLimiter } from './sign-in-limiter';
import { type ConsoleUser, hashPassword, passwordMatches } from './users';

export const sessionCookie = 'console_session';

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: Session;
  }
}

const reads = new Set(['GET', 'HEAD']);
/**
 * Decided on the route the request matched, not on the URL as sent: the router decodes `%61pi` to `api`, so a check
 * of the raw URL alone would let `/%61pi/ops/status` past. An unmatched /api URL is guarded too (401 before 404).
 */
const isApi = (request: FastifyRequest) => request.routeOptions.url?.startsWith('/api/') || request.url.startsWith('/api/');
const isSessionRoute = (request: FastifyRequest, method: string) => request.method === method && request.routeOptions.url === '/api/session';
const sessionView = (session: Session) => ({ name: session.name, role: session.role, csrfToken: session.csrfToken });

/**
 * Every /api request but the sign-in needs a live session (cookie `console_session`); every non-GET one the session's
 * CSRF token in X-CSRF-Token (SameSite=Strict already keeps other sites' forms out; the token also covers a same-site
 * attacker); a viewer may read and sign out, nothing else.
 */
export function guardApi(app: FastifyInstance, sessions: SessionStore): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request) || isSessionRoute(request, 'POST')) return;
    const session = sessions.touch(request.cookies[sessionCookie]);
    if (!session) return sendError(reply, 401, 'UNAUTHENTICATED', 'sign in first (POST /api/session)');
    request.consoleSession = session;
    if (reads.has(request.method)) return;
    if (!csrfTokenMatches(session, request.headers['x-csrf-token'])) {
      return sendError(reply, 403, 'CSRF_TOKEN_INVALID', 'send the csrfToken of GET /api/session as the X-CSRF-Token header');
    }
    if (session.role !== 'operator' && !isSessionRoute(request, 'DELETE')) return sendError(reply, 403, 'ROLE_FORBIDDEN', `a ${session.role} may read, not change anything`);
  });
}

export interface SessionRouteOptions {
  users: readonly ConsoleUser[];
  sessions: SessionStore;
  limiter: SignInLimiter;
}

export async function sessionRoutes(app: FastifyInstance, { users, sessions, limiter }: SessionRouteOptions): Promise<void> {
  // An unknown name costs one scrypt too, so the answer's timing does not tell which names exist.
  const decoyHash = await hashPassword('decoy');
  const byName = new Map(users.map((user) => [user.name, user]));

  app.post<{ Body: { name: string; password: string } }>(
    '/api/session',
    {
      schema: {
        body: {
          type: 'object',
          required: ['name', 'password'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body;
      const keys = [`name:${name}`, `ip:${request.ip}`];
      const retryAfter = limiter.retryAfterSeconds(keys);
      if (retryAfter > 0) {
        return sendError(reply.header('retry-after', String(retryAfter)), 429, 'TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${retryAfter} s`);
      }
      const user = byName.get(name);
      const matches = await passwordMatches(password, user?.passwordHash ?? decoyHash);
      if (!user || !matches) {
        limiter.fail(keys);
        return sendError(reply, 401, 'INVALID_CREDENTIALS', 'unknown name or wrong password');
      }
      limiter.succeed(keys[0]!);
      const previous = request.cookies[sessionCookie];
      if (previous) sessions.delete(previous);
      const session = sessions.create(user.name, user.role);
      request.consoleSession = session;
      reply.setCookie(sessionCookie, session.id, { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' });
      return sessionView(session);
    },
  );

  app.get('/api/session', async (request) => sessionView(request.consoleSession!));

  app.delete('/api/session', async (request, reply) => {
    sessions.delete(request.consoleSession!.id);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.status(204).send();
  });
}
