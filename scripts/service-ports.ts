/**
 * Where each service listens by default (each main.ts has the same defaults); npm start and docker-compose use these.
 * Below Linux's ephemeral range (32768–60999): gRPC's customary 50051/50052 sit inside it, and an outgoing connection
 * that happened to get 127.0.0.1:50052 as its local port made credit's listen fail (EADDRINUSE) in 2 of 20 fresh starts.
 */
export const servicePorts: Record<string, { http: number; grpc?: number }> = {
  customer: { http: 3001, grpc: 3051 },
  credit: { http: 3002, grpc: 3052 },
  subscription: { http: 3003 },
  payment: { http: 3004 },
};

/** Where the console (console/server, the operator console's backend-for-frontend) listens by default. */
export const consolePort = 3000;

/** The composition root of a deployable: a service's src/main.ts, or the console's server/main.ts. */
export const entryOf = (name: string) => (name === 'console' ? 'console/server/main.ts' : `services/${name}/src/main.ts`);

/**
 * Where scripts/build-services.ts bundles a deployable's composition root; the console's too (dist/services/console), so
 * the one image runs any of the five with the same command.
 */
export const bundleOf = (name: string) => `dist/services/${name}/main.mjs`;

/**
 * The V8 flags a service process runs with — npm start, the E2E platform and the credit benchmark use these, and
 * docker-compose.yml passes the same to the image (a test compares them). A 1 MB young generation, because V8 otherwise
 * grows it to 16 MB per semi-space under load and keeps it; and --optimize-for-size, which makes V8 collect the old
 * generation before it grows: without it the subscription process rested at 182–185 MB after the E2E flows in three of
 * seven runs (heap 111 MB used), against the 150 MB bound. Credit too, though the flag more than doubles the CPU of
 * every gRPC call on its hot path (V8 recompiles hot code over and over): without it credit rested at 113–128 MB in
 * session 5, but at 127–152 MB on this machine later (docs/performance.md, "Memory at rest"). Source maps are off (the
 * .map files are built): NODE_OPTIONS=--enable-source-maps to read a stack against the sources.
 */
export const serviceNodeFlags = (_name: string): string[] => ['--max-semi-space-size=1', '--optimize-for-size'];

/** The node arguments of a service process, from the repository root: its flags, then its bundle. */
export const serviceNodeArgs = (name: string): string[] => [...serviceNodeFlags(name), bundleOf(name)];
