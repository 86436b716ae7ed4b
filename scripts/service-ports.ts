/** Where each service listens by default (each main.ts has the same defaults); npm start and docker-compose use these. */
export const servicePorts: Record<string, { http: number; grpc?: number }> = {
  customer: { http: 3001, grpc: 50051 },
  credit: { http: 3002, grpc: 50052 },
  subscription: { http: 3003 },
  payment: { http: 3004 },
};

/**
 * The node arguments a service process runs with — npm start, the E2E platform and the credit benchmark use these, the
 * Dockerfile's CMD says the same. V8 grows the young generation to 16 MB per semi-space under load and keeps it, and
 * favours speed over heap size: with both capped a service rests under 150 MB RSS, at a throughput cost
 * (docs/performance.md, "Memory at rest").
 */
export const serviceNodeArgs = (name: string): string[] => ['--max-semi-space-size=1', '--optimize-for-size', '--import', 'tsx', `services/${name}/src/main.ts`];
