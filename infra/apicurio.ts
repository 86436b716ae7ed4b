import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registryAnswers } from '../packages/platform/src/config/probes';
import { InfraError } from './errors';
import { findJava } from './java';
import { runMaven } from './maven';
import { cacheDir, infraDir } from './paths';
import { type Daemon, portIsOpen, runningDaemon, startDaemon, waitUntil } from './processes';

const pom = join(infraDir, 'apicurio', 'pom.xml');
export const apicurioVersion = /<apicurio\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))![1]!;
const appDir = join(cacheDir, `apicurio-${apicurioVersion}`);
export const ccompatPath = '/apis/ccompat/v7';
export { registryAnswers };

export interface RegistrySettings {
  port: number;
  heap: string;
}

export function registrySettings(env: NodeJS.ProcessEnv = process.env): RegistrySettings {
  return { port: Number(env.SCHEMA_REGISTRY_PORT ?? 8081), heap: env.SCHEMA_REGISTRY_HEAP ?? '384m' };
}

/** Reuses a registry that answers; otherwise fetches Apicurio Registry and starts it with its H2 storage under .cache/. */
export async function startRegistry(settings: RegistrySettings, launched: Daemon[]): Promise<{ url: string; started?: Daemon }> {
  const url = `http://127.0.0.1:${settings.port}${ccompatPath}`;
  if (runningDaemon('apicurio') && (await registryAnswers(url))) return { url };
  if (await portIsOpen(settings.port)) {
    if (await registryAnswers(url)) return { url };
    throw new InfraError(
      `port ${settings.port} is taken by a process that is not a schema registry: stop it or set SCHEMA_REGISTRY_PORT to a free port`,
    );
  }
  const java = findJava(21, [process.env.APICURIO_JAVA_HOME, process.env.JAVA_HOME], `Apicurio Registry ${apicurioVersion}`);
  if (!existsSync(join(appDir, 'quarkus-run.jar'))) {
    runMaven(pom, ['process-resources', `-Dapicurio.dir=${appDir}`], `Apicurio Registry ${apicurioVersion}`);
  }
  const daemon = startDaemon('apicurio', java, [
    `-Xms64m`,
    `-Xmx${settings.heap}`,
    '-XX:+UseSerialGC',
    `-Dquarkus.http.port=${settings.port}`,
    '-Dquarkus.http.host=127.0.0.1',
    // Its management interface (health, metrics) is fixed at build time to 0.0.0.0:9000; nothing here uses it, so it
    // gets a loopback-only random port, and a second registry never collides with the first.
    '-Dquarkus.management.host=127.0.0.1',
    '-Dquarkus.management.port=0',
    // Kept on disk beside Kafka's data, so schema ids inside retained messages stay resolvable after a restart.
    `-Dapicurio.datasource.url=jdbc:h2:file:${join(cacheDir, 'apicurio-data', 'registry')}`,
    '-Dapicurio.datasource.jdbc.initial-size=2',
    '-Dapicurio.datasource.jdbc.min-size=2',
    '-Dapicurio.datasource.jdbc.max-size=10',
    '-jar',
    join(appDir, 'quarkus-run.jar'),
  ]);
  launched.push(daemon);
  await waitUntil(daemon, `Apicurio Registry ${apicurioVersion}`, 90_000, () => registryAnswers(url));
  return { url, started: daemon };
}
