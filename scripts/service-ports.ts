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
 * The V8 flags each service process runs with — npm start, the E2E platform and the credit benchmark use these, and
 * docker-compose.yml passes the same to the image (a test compares them). A 1 MB young generation, because V8 otherwise
 * grows it to 16 MB per semi-space under load and keeps it; and --optimize-for-size, which makes V8 collect the old
 * generation before it grows: without it the subscription process rested at 182–185 MB after the E2E flows in three of
 * seven runs (heap 111 MB used). Source maps are off (the .map files are built): NODE_OPTIONS=--enable-source-maps to
 * read a stack against the sources. Each service's flags are chosen by measurement inside it (bounds: 200 MB at rest,
 * 300 MB under a benchmark's load; docs/performance.md, "Memory at rest").
 */
const defaultNodeFlags = ['--max-semi-space-size=1', '--optimize-for-size'];
const nodeFlags: Record<string, string[]> = {
  // --optimize-for-size makes V8 deoptimize and recompile the hot path over and over: it doubles the CPU of every gRPC
  // call; and a 1 MB young generation put a third of the hot path's CPU in GC. Without the one and with 4 MB, credit
  // peaked at 198–266 MB under the credit-reserve load (bound 300) and rested at 126–130 MB after the E2E flows in
  // session 5 (bound 200) (docs/performance.md, "Credit reservations", session 10).
  credit: ['--max-semi-space-size=4'],
};
export const serviceNodeFlags = (name: string): string[] => nodeFlags[name] ?? defaultNodeFlags;

/** The node arguments of a service process, from the repository root: its flags, then its bundle. */
export const serviceNodeArgs = (name: string): string[] => [...serviceNodeFlags(name), bundleOf(name)];
