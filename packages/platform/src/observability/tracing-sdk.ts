/**
 * Turns tracing on in a service process when OTEL_EXPORTER_OTLP_ENDPOINT is set: the OpenTelemetry SDK, the W3C
 * propagator, spans batched to that OTLP/HTTP endpoint (`<endpoint>/v1/traces`, JSON), and the instrumentations of
 * node:http (every REST request, and the calls to Stripe and the registry), Fastify (the route's request and handler
 * spans), pg and @grpc/grpc-js. Unset, nothing here is loaded: the SDK comes in by dynamic import only.
 *
 * The bundles keep npm packages as imports from node_modules (scripts/build-services.ts), so the instrumentations can
 * patch them, but only if their hooks are in place before the service's code imports them: the bundle's entry
 * (dist/services/<name>/main.mjs) calls startTracing first and imports the service afterwards.
 */
import { register } from 'node:module';
import { hostname } from 'node:os';

export interface Tracing {
  /** Exports the spans still buffered; the process calls it before it exits. */
  shutdown(): Promise<void>;
}

const probePath = /^\/(healthz|readyz|metrics)\b/;

/** The modules an ESM import of which the import-in-the-middle hook wraps (the others load untouched). */
const instrumentedModules = ['pg', '@grpc/grpc-js', 'http', 'https', 'node:http', 'node:https'];

export async function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_SDK_DISABLED === 'true') return undefined;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: instrumentedModules } });
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { registerInstrumentations },
    { HttpInstrumentation },
    { FastifyOtelInstrumentation },
    { PgInstrumentation },
    { GrpcInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@fastify/otel'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-grpc'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME ?? service,
      'service.namespace': 'billing',
      // Which of the N instances: host and process (SERVICE_INSTANCE names consumer groups, not instances).
      'service.instance.id': `${hostname()}-${process.pid}`,
    }),
    // The exporter and the batch read the standard OTEL_EXPORTER_OTLP_* and OTEL_BSP_* variables.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // Registers the AsyncLocalStorage context manager and the W3C traceparent/tracestate propagator.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Probes and scrapes would be most of the spans: not traced.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => probePath.test(request.url ?? '') }),
      // Hooked in through Fastify's initialization diagnostics channel, not a module patch, so the bundles need nothing
      // more. A span per route's handler; none per hook (auth, metrics), which would multiply every request's spans.
      new FastifyOtelInstrumentation({ registerOnInitialization: true, instrumentHooks: false, ignorePaths: ({ url }) => probePath.test(url) }),
      new PgInstrumentation({ requireParentSpan: true }),
      new GrpcInstrumentation(),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}
