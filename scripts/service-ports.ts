/** Where each service listens by default (each main.ts has the same defaults); npm start and docker-compose use these. */
export const servicePorts: Record<string, { http: number; grpc?: number }> = {
  customer: { http: 3001, grpc: 50051 },
  credit: { http: 3002, grpc: 50052 },
  subscription: { http: 3003 },
  payment: { http: 3004 },
};

/** Where scripts/build-services.ts bundles a service's composition root. */
export const bundleOf = (name: string) => `dist/services/${name}/main.mjs`;

/**
 * The node arguments a service process runs with, from the repository root — npm start, the E2E platform and the
 * credit benchmark use these, the Dockerfile's CMD says the same. The compiled bundle, not tsx; a 1 MB young generation
 * because V8 otherwise grows it to 16 MB per semi-space under load and keeps it: so a service rests under 150 MB RSS
 * (docs/performance.md, "Memory at rest"). Not --enable-source-maps: with it the subscription process, which
 * formats error stacks in the dunning flow, rested at 182–185 MB; set it in NODE_OPTIONS to read a stack against the
 * sources (the .map files are built).
 */
export const serviceNodeArgs = (name: string): string[] => ['--max-semi-space-size=1', bundleOf(name)];
