import { randomBytes } from 'node:crypto';
import { activeTraceparent } from '../observability/tracing';

/** Tracing context that travels with every event: outbox row → Kafka headers → consumer → the events it causes. */
export interface MessageContext {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  /** Who asked for the change, when a person did (e.g. `console:alice`): from the `Billing-Actor` request header. */
  actor?: string;
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export const newTraceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;

/** A W3C traceparent for a child span: the same trace id, a new span id; a new trace when the parent is malformed. */
export function childTraceparent(parent: string | undefined): string {
  const match = parent ? traceparentPattern.exec(parent) : null;
  return match ? `00-${match[1]}-${randomBytes(8).toString('hex')}-${match[3]}` : newTraceparent();
}

/**
 * The traceparent of work done now under `parent`: with tracing on, the span doing it (the request's, the consumed
 * event's), so what it writes continues a real span; else a new span id under `parent`.
 */
export const workTraceparent = (parent: string | undefined): string => activeTraceparent(undefined) ?? childTraceparent(parent);

/** The context for events caused by handling `eventId` under `parent`. */
export const causedBy = (parent: MessageContext, eventId: string): MessageContext => ({
  correlationId: parent.correlationId,
  causationId: eventId,
  traceparent: workTraceparent(parent.traceparent),
  ...(parent.actor ? { actor: parent.actor } : {}),
});
