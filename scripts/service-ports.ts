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
 * The V8 flags each deployable runs with — npm start, the E2E platform and the benchmarks use these, and
 * docker-compose.yml passes the same to the image (a test compares them). Chosen per service by measurement against
 * 200 MB RSS at rest after the E2E flows (E2E scenario 6) and 300 MB under its benchmark (docs/performance.md, "Memory
 * at rest"). `--max-semi-space-size=1`: V8 otherwise grows the young generation to 16 MB per semi-space under load and
 * keeps it. `--optimize-for-size` makes V8 collect the old generation before growing it, but deoptimizes and recompiles
 * hot code over and over: it doubles the CPU of every call on a hot path, so only services with no hot path keep it.
 * - customer, payment: without it they rested at 101–126 MB (session 5, bundle), far under 200 MB; payment's webhook
 *   path spends less CPU per request without it (webhooks benchmark).
 * - subscription keeps it: without it it rested at 182–185 MB in three of seven E2E runs (heap 111 MB used), too
 *   close to 200 MB, and nothing in it is on a per-request hot path (its scheduler and consumers run at event rates).
 * - credit: without it, and with a 4 MB young generation (at 1 MB a third of the hot path's CPU went to GC); and a
 *   192 MB old generation, because V8 otherwise lets it grow under load and keeps it: the credit-reserve load peaked
 *   at 313 MB on a quiet run without the cap and at 139 MB with it, at the same pairs/s and CPU per pair
 *   (docs/performance.md, "Credit reservations", session 10).
 * - console: unchanged (not a service; no bound measured here).
 * Source maps are off (the .map files are built): NODE_OPTIONS=--enable-source-maps to read a stack against the sources.
 */
const nodeFlags: Record<string, string[]> = {
  customer: ['--max-semi-space-size=1'],
  credit: ['--max-semi-space-size=4', '--max-old-space-size=192'],
  subscription: ['--max-semi-space-size=1', '--optimize-for-size'],
  payment: ['--max-semi-space-size=1'],
  console: ['--max-semi-space-size=1', '--optimize-for-size'],
};

export const serviceNodeFlags = (name: string): string[] => {
  const flags = nodeFlags[name];
  if (!flags) throw new Error(`no node flags for ${name}: add it to nodeFlags in scripts/service-ports.ts`);
  return flags;
};

/** The node arguments of a service process, from the repository root: its flags, then its bundle. */
export const serviceNodeArgs = (name: string): string[] => [...serviceNodeFlags(name), bundleOf(name)];
