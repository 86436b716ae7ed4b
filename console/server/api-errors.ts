import type { FastifyReply } from 'fastify';

/** The BFF's own errors, in the platform's shape: `{ error: { code, message, details? } }`. */
export const sendError = (reply: FastifyReply, status: number, code: string, message: string, details?: unknown) =>
  reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
