import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  /** Fastify form: /v1/accounts/:customerId/reservations */
  url: string;
}

const writeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every method and path the server answers, read from Fastify itself (so a route added later is listed too).
 * printRoutes draws a tree: each level is indented by four characters and holds its path relative to its parent.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const url = `${parents[depth - 1] ?? ''}${match[2]}`;
    parents.length = depth;
    parents.push(url);
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}

/** The routes that take a write: POST, PUT, PATCH, DELETE. */
export const registeredWriteRoutes = (app: FastifyInstance) => registeredRoutes(app).filter((route) => writeMethods.has(route.method));
