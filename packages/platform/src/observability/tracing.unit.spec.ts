import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, InMemorySpanExporter, NodeTracerProvider, type ReadableSpan, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { expect } from 'chai';
import { causedBy, newTraceparent } from '../messaging/message-headers';
import { activeTraceparent, flushSpans, inConsumerSpan, startProducerSpan } from './tracing';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const idsOf = (traceparent: string | undefined) => {
  const [, traceId, spanId] = traceparentPattern.exec(traceparent ?? '') ?? [];
  return { traceId, spanId };
};
const message = { eventId: 'e-1', eventType: 'PaymentSucceeded', key: 'payment-1' };
const consumed = (traceparent: string | undefined) => ({ topic: 'billing.payment.v1', partition: 2, offset: '41', consumer: 'subscription.payment-results', eventId: 'e-1', eventType: 'PaymentSucceeded', traceparent });

describe('Tracing of Kafka produce and consume', () => {
  describe('when tracing is off (no SDK registered)', () => {
    it('passes the stored traceparent through unchanged and runs the work', async () => {
      const stored = newTraceparent();
      const span = startProducerSpan('billing.payment.v1', { ...message, traceparent: stored });
      span.end();
      expect(span.traceparent).to.equal(stored);
      const caused = await inConsumerSpan(consumed(stored), async () => causedBy({ correlationId: 'c', traceparent: stored }, 'e-1'));
      expect(activeTraceparent('fallback')).to.equal('fallback');
      // The home-grown child id: same trace, another span id.
      expect(idsOf(caused.traceparent).traceId).to.equal(idsOf(stored).traceId);
      expect(idsOf(caused.traceparent).spanId).to.not.equal(idsOf(stored).spanId);
    });
  });

  describe('when tracing is on', () => {
    const exporter = new InMemorySpanExporter();
    // A second exporter, batched, standing for a collector that refuses every export.
    const refused: ReadableSpan[] = [];
    const refusing: SpanExporter = {
      export: (spans, done) => {
        refused.push(...spans);
        done({ code: ExportResultCode.FAILED, error: new Error('collector unreachable') });
      },
      shutdown: async () => undefined,
    };
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), new BatchSpanProcessor(refusing, { scheduledDelayMillis: 60_000 })] });
    before(() => provider.register());
    afterEach(() => exporter.reset());
    after(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('makes the producer span a child of the stored context and puts its own traceparent in the headers', () => {
      const stored = newTraceparent();
      const produced = startProducerSpan('billing.payment.v1', { ...message, traceparent: stored });
      produced.end();
      const [span] = exporter.getFinishedSpans();
      expect(span).to.deep.include({ name: 'send billing.payment.v1', kind: SpanKind.PRODUCER });
      expect(span!.spanContext().traceId).to.equal(idsOf(stored).traceId);
      expect(span!.parentSpanContext?.spanId).to.equal(idsOf(stored).spanId);
      expect(idsOf(produced.traceparent)).to.deep.equal({ traceId: span!.spanContext().traceId, spanId: span!.spanContext().spanId });
      expect(span!.attributes).to.deep.include({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'billing.payment.v1',
        'messaging.operation.type': 'send',
        'messaging.message.id': 'e-1',
        'messaging.kafka.message.key': 'payment-1',
      });
    });

    it("runs the handler inside a consumer span that continues the header's trace, and the events it causes continue that span", async () => {
      const produced = startProducerSpan('billing.payment.v1', { ...message, traceparent: newTraceparent() });
      produced.end();
      const caused = await inConsumerSpan(consumed(produced.traceparent), async () => causedBy({ correlationId: 'c', traceparent: produced.traceparent }, 'e-1'));
      const consumer = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CONSUMER)!;
      expect(consumer.name).to.equal('process billing.payment.v1');
      expect(consumer.parentSpanContext?.spanId).to.equal(idsOf(produced.traceparent).spanId);
      expect(consumer.attributes).to.deep.include({ 'messaging.consumer.group.name': 'subscription.payment-results', 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': 41 });
      expect(idsOf(caused.traceparent)).to.deep.equal({ traceId: consumer.spanContext().traceId, spanId: consumer.spanContext().spanId });
    });

    it('marks the consumer span failed and rethrows when the handler fails', async () => {
      const failure = new Error('handler failed');
      let thrown: unknown;
      await inConsumerSpan(consumed(newTraceparent()), async () => {
        throw failure;
      }).catch((error: unknown) => (thrown = error));
      expect(thrown).to.equal(failure);
      expect(exporter.getFinishedSpans()[0]!.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'handler failed' });
    });

    it('flushes the buffered spans on shutdown, and a collector that refuses them does not fail the shutdown', async () => {
      startProducerSpan('billing.payment.v1', { ...message, traceparent: undefined }).end();
      await flushSpans();
      expect(refused.map((span) => span.name)).to.include('send billing.payment.v1');
    });
  });
});
