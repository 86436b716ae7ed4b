/**
 * Spans the platform makes itself, through the OpenTelemetry API only. Without a registered SDK (tracing off: no
 * OTEL_EXPORTER_OTLP_ENDPOINT, see tracing-sdk.ts) every call here is the API's no-op and the home-grown traceparents of
 * message-headers.ts travel unchanged.
 */
import { type Attributes, context, type Context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = () => trace.getTracer('@billing/platform');

/** The W3C traceparent of a span. */
const traceparentOf = (span: Span): string => {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
};

/**
 * The traceparent to store with what is written now: the active span's when tracing records one (the HTTP request, the
 * gRPC call or the consumed event that writes the outbox row), so the next hop is its child; else `fallback`.
 */
export function activeTraceparent(fallback: string | undefined): string | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? traceparentOf(span) : fallback;
}

/** The context a stored or received traceparent continues (the root context when there is none or tracing is off). */
const contextOf = (traceparent: string | undefined): Context =>
  traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;

const kafkaAttributes = (topic: string, operation: 'send' | 'process', extra: Attributes): Attributes => ({
  'messaging.system': 'kafka',
  'messaging.destination.name': topic,
  'messaging.operation.type': operation,
  'messaging.operation.name': operation,
  ...extra,
});

/** A message about to be produced, and the traceparent header it should carry. */
export interface ProducedMessageSpan {
  /** The producer span's traceparent when tracing records it; else the stored one, unchanged. */
  traceparent: string | undefined;
  end(error?: unknown): void;
}

/**
 * A PRODUCER span for one outbox row, child of the context stored with the row (the request or event that wrote it):
 * its traceparent goes into the Kafka headers, so the consumer's span is its child. Ended once the batch is acknowledged.
 */
export function startProducerSpan(topic: string, message: { eventId: string; eventType: string; key: string; traceparent: string | undefined }): ProducedMessageSpan {
  const span = tracer().startSpan(
    `send ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: kafkaAttributes(topic, 'send', {
        'messaging.message.id': message.eventId,
        'messaging.kafka.message.key': message.key,
        'billing.event_type': message.eventType,
      }),
    },
    contextOf(message.traceparent),
  );
  return {
    traceparent: span.isRecording() ? traceparentOf(span) : message.traceparent,
    end: (error) => endSpan(span, error),
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/**
 * Runs `work` (the handler's transaction and its retries) inside a CONSUMER span whose parent is the message's
 * traceparent header, so the handler's queries and the outbox rows it writes are its children.
 */
export async function inConsumerSpan<T>(
  message: { topic: string; partition: number; offset: string; consumer: string; eventId: string; eventType: string; traceparent: string | undefined },
  work: () => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: kafkaAttributes(message.topic, 'process', {
        'messaging.consumer.group.name': message.consumer,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.message.id': message.eventId,
        'billing.event_type': message.eventType,
      }),
    },
    contextOf(message.traceparent),
  );
  try {
    const result = await context.with(trace.setSpan(context.active(), span), work);
    endSpan(span, undefined);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

/** Names the active HTTP server span (node:http's instrumentation knows only the method) after the matched route. */
export function nameServerSpan(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!route || !span?.isRecording()) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}

/**
 * Exports the spans still buffered (on shutdown); nothing to do when tracing is off. A collector that does not answer
 * loses them rather than making the shutdown unclean.
 */
export async function flushSpans(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await provider.getDelegate?.().forceFlush?.()?.catch(() => undefined);
}
