// Test-only: calls every REST route and every gRPC method a server has with a missing or invalid service token and
// reports each one that does not answer 401 / UNAUTHENTICATED with that code.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { GrpcMethod } from './fuzz/grpc-methods';
import { registeredRoutes } from './fuzz/registered-routes';

/** Authorization header values that must not authenticate (undefined: no header), for a server that knows `token`. */
export const invalidAuthorizations = (token: string): { label: string; authorization: string | undefined }[] => [
  { label: 'no token', authorization: undefined },
  { label: 'an unknown token', authorization: `Bearer unknown-${randomUUID()}` },
  { label: 'the token with a character more', authorization: `Bearer ${token}x` },
  { label: 'the token cut short', authorization: `Bearer ${token.slice(0, -1)}` },
  { label: 'the token without "Bearer"', authorization: token },
  { label: 'the token as Basic credentials', authorization: `Basic ${token}` },
  { label: 'an empty Bearer', authorization: 'Bearer ' },
];

/** Every route but `publicPaths` (and HEAD, answered like GET), each with every invalid authorization. */
export async function restAuthSweep(options: {
  app: FastifyInstance;
  baseUrl: string;
  token: string;
  publicPaths: readonly string[];
  /** Values for path parameters (default: a random UUID): a route must refuse before looking anything up. */
  params?: Record<string, string>;
}): Promise<{ checked: number; failures: string[] }> {
  const routes = registeredRoutes(options.app).filter((route) => route.method !== 'HEAD' && !options.publicPaths.includes(route.url));
  const failures: string[] = [];
  let checked = 0;
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? randomUUID()));
    for (const { label, authorization } of invalidAuthorizations(options.token)) {
      const write = route.method !== 'GET';
      const response = await fetch(`${options.baseUrl}${path}`, {
        method: route.method,
        headers: { ...(authorization === undefined ? {} : { authorization }), ...(write ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}) },
        ...(write ? { body: '{}' } : {}),
      });
      const body = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
      checked += 1;
      if (response.status !== 401 || body?.error?.code !== 'UNAUTHENTICATED') failures.push(`${route.method} ${route.url} with ${label} → ${response.status} ${body?.error?.code}`);
    }
  }
  return { checked, failures };
}

/** Every method with every invalid authorization (an empty request message: authentication comes first). */
export async function grpcAuthSweep(options: { client: grpc.Client; methods: readonly GrpcMethod[]; token: string }): Promise<{ checked: number; failures: string[] }> {
  const failures: string[] = [];
  let checked = 0;
  for (const method of options.methods) {
    for (const { label, authorization } of invalidAuthorizations(options.token)) {
      const metadata = new grpc.Metadata();
      if (authorization !== undefined) metadata.set('authorization', authorization);
      const error = await new Promise<grpc.ServiceError | null>((resolve) =>
        options.client.makeUnaryRequest(method.path, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, Buffer.alloc(0), metadata, { deadline: Date.now() + 10_000 }, (caught) => resolve(caught)),
      );
      checked += 1;
      const code = error?.metadata?.get('error-code')[0];
      if (error?.code !== grpc.status.UNAUTHENTICATED || code !== 'UNAUTHENTICATED') failures.push(`${method.name} with ${label} → ${error ? grpc.status[error.code] : 'OK'} ${String(code)}`);
    }
  }
  return { checked, failures };
}
