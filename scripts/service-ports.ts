/** Where each service listens by default (each main.ts has the same defaults); npm start and docker-compose use these. */
export const servicePorts: Record<string, { http: number; grpc?: number }> = {
  customer: { http: 3001, grpc: 50051 },
  credit: { http: 3002, grpc: 50052 },
  subscription: { http: 3003 },
  payment: { http: 3004 },
};

/**
 * The V8 flags each service process runs with. V8 grows the young generation to 16 MB per semi-space under load and
 * keeps it, and favours speed over heap size: with both capped a service rests under 150 MB RSS. The credit service
 * carries the reserve/capture hot path and caps only the young generation, at 4 MB: `--optimize-for-size` had V8
 * throw away and recompile optimized code over and over under load (1,300 deoptimizations in 12 s), and 1 MB
 * semi-spaces spent a quarter of its CPU in garbage collection (docs/performance.md, "Memory at rest").
 */
const serviceV8Flags = (name: string): string[] => (name === 'credit' ? ['--max-semi-space-size=4'] : ['--max-semi-space-size=1', '--optimize-for-size']);

/** The node arguments a service process runs with: npm start, the E2E platform and the credit benchmark use these, the
 * Dockerfile's CMD says the same (with the flags as its NODE_FLAGS build argument). */
export const serviceNodeArgs = (name: string): string[] => [...serviceV8Flags(name), '--import', 'tsx', `services/${name}/src/main.ts`];
