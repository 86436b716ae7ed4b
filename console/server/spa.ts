import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { sendError } from './api-errors';

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The console app is not built</h1><p>Run <code>npm run build -w console</code>, then reload this page.</p></body></html>
`;

/**
 * The built app (console/dist/app) at `/`: its files as they are, and index.html for any other GET outside /api, so a
 * reload on /customers/42 opens the app there (the app routes in the browser). Hashed assets are cached for good;
 * index.html is revalidated, so a new build reaches the browser on the next load.
 */
export async function singlePageApp(app: FastifyInstance, { appDir }: { appDir: string }): Promise<void> {
  const built = () => existsSync(join(appDir, 'index.html'));
  if (!built()) app.log.warn({ appDir }, 'the console app is not built: pages answer 503 until `npm run build -w console` writes it');
  await app.register(fastifyStatic, {
    root: appDir,
    wildcard: true,
    cacheControl: false,
    setHeaders: (response, path) => {
      response.setHeader('cache-control', path.startsWith(join(appDir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith('/api/') || path === '/api' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${path}`);
    }
    if (!built()) return reply.status(503).type('text/html; charset=utf-8').header('retry-after', '10').send(notBuiltPage);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
