import type { MikroOrmExecutor } from '@billing/platform';
import type { FastifyRequest } from 'fastify';
import type { JsonSchema } from './schemas';

export interface RouteResult {
  status: number;
  body: unknown;
}

/**
 * One REST operation: its schemas (validation, serialization and /openapi.json all come from these) and its work,
 * run in one transaction — inside runIdempotent for writes, so the change, its outbox events and the stored response
 * commit together.
 */
export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify syntax: /v1/plans/:code */
  url: string;
  operationId: string;
  summary: string;
  tag: 'plans' | 'subscriptions';
  write: boolean;
  schema: {
    params?: JsonSchema;
    querystring?: JsonSchema;
    body?: JsonSchema;
    /** The success status and its body. */
    success: { status: number; body: JsonSchema };
    /** Error codes this operation may answer with, by status, for the document. */
    errors: Record<number, string[]>;
  };
  execute(request: FastifyRequest, tx: MikroOrmExecutor): Promise<RouteResult>;
}
