import type { FastifyInstance } from 'fastify';
import { sendError } from '../api-errors';
import { type Operations, ReplayInProgressError } from './operations';

const notFound = (topic: string) => `no dead-letter topic ${topic} (GET /api/ops/status lists them)`;

/** The Operations page's API: status, a dead-letter topic's messages, and its replay (an operator's write). */
export async function operationsRoutes(app: FastifyInstance, { operations }: { operations: Operations }): Promise<void> {
  app.get('/api/ops/status', async () => operations.status());

  app.get<{ Params: { topic: string }; Querystring: { limit?: number } }>(
    '/api/ops/dead-letters/:topic/messages',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } } } },
    async (request, reply) => {
      const data = await operations.peek(request.params.topic, request.query.limit ?? 20);
      return data ? { data } : sendError(reply, 404, 'NOT_FOUND', notFound(request.params.topic));
    },
  );

  app.post<{ Params: { topic: string } }>('/api/ops/dead-letters/:topic/replay', async (request, reply) => {
    try {
      const replayed = await operations.replay(request.params.topic);
      if (replayed === undefined) return sendError(reply, 404, 'NOT_FOUND', notFound(request.params.topic));
      request.log.info({ topic: request.params.topic, replayed, operator: request.consoleSession?.name }, 'dead letters replayed');
      return { replayed };
    } catch (error) {
      if (error instanceof ReplayInProgressError) return sendError(reply, 409, error.code, error.message);
      throw error;
    }
  });
}
