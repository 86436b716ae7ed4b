import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaAnswers } from '../packages/platform/src/config/probes';
import { InfraError } from './errors';
import { findJava } from './java';
import { dependencyPlugin, runMaven } from './maven';
import { cacheDir, infraDir } from './paths';
import { type Daemon, portIsOpen, runningDaemon, startDaemon, waitUntil } from './processes';

export { kafkaAnswers };

const pom = join(infraDir, 'kafka', 'pom.xml');
export const kafkaVersion = /<kafka\.version>([^<]+)</.exec(readFileSync(pom, 'utf8'))![1]!;
const libsDir = join(cacheDir, `kafka-${kafkaVersion}`, 'libs');

export interface KafkaSettings {
  port: number;
  controllerPort: number;
  heap: string;
  /** Daemon name (pid and log file) and storage folder under the cache: one per broker on this machine. */
  instance: string;
}

export function kafkaSettings(env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  return {
    port: Number(env.KAFKA_PORT ?? 9092),
    controllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? 9093),
    heap: env.KAFKA_HEAP ?? '512m',
    instance: 'kafka',
  };
}

export const kafkaDataDir = (instance: string) => join(cacheDir, `${instance}-data`);
export const kafkaConfigFile = (instance: string) => join(cacheDir, `${instance}-server.properties`);

function ensureJars(): void {
  if (existsSync(libsDir) && readdirSync(libsDir).some((jar) => jar.startsWith(`kafka_2.13-${kafkaVersion}`))) return;
  runMaven(pom, [`${dependencyPlugin}:copy-dependencies`, `-DoutputDirectory=${libsDir}`, '-DincludeScope=runtime'], `Apache Kafka ${kafkaVersion}`);
}

function writeConfig(settings: KafkaSettings, dataDir: string): string {
  const template = readFileSync(join(infraDir, 'kafka', 'server.properties'), 'utf8');
  const config = template
    .replaceAll('${KAFKA_PORT}', String(settings.port))
    .replaceAll('${CONTROLLER_PORT}', String(settings.controllerPort))
    .replaceAll('${DATA_DIR}', dataDir);
  const file = kafkaConfigFile(settings.instance);
  writeFileSync(file, config);
  return file;
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints). Like
 * Kafka's own Uuid.randomUuid(), never one that starts with '-': `format -t -…` reads it as an option and prints its
 * usage (1 run in 64; a CI run failed so).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function javaArgs(java: string, settings: KafkaSettings, mainClass: string, args: string[]): [string, string[]] {
  return [
    java,
    [
      `-Xms${settings.heap}`,
      `-Xmx${settings.heap}`,
      '-XX:+UseSerialGC',
      `-Dlog4j2.configurationFile=${join(infraDir, 'kafka', 'log4j2.properties')}`,
      '-cp',
      `${libsDir}/*`,
      mainClass,
      ...args,
    ],
  ];
}

async function format(java: string, settings: KafkaSettings, config: string, dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  mkdirSync(dataDir, { recursive: true });
  const { spawnSync } = await import('node:child_process');
  const [bin, args] = javaArgs(java, { ...settings, heap: '128m' }, 'kafka.tools.StorageTool', [
    'format', '-t', newClusterId(), '-c', config,
  ]);
  const result = spawnSync(bin, args, { encoding: 'utf8' });
  // The usage comes first, what went wrong last.
  if (result.status !== 0) throw new InfraError(`formatting Kafka storage in ${dataDir} failed: ${result.stderr.trim().split('\n').at(-1)}`);
}

/** Reuses a broker we started or one that already answers; otherwise fetches, formats and starts one. */
export async function startKafka(settings: KafkaSettings, launched: Daemon[]): Promise<{ brokers: string; started?: Daemon }> {
  const brokers = `127.0.0.1:${settings.port}`;
  if (runningDaemon(settings.instance) && (await kafkaAnswers([brokers]))) return { brokers };
  if (await portIsOpen(settings.port)) {
    if (await kafkaAnswers([brokers])) return { brokers };
    throw new InfraError(`port ${settings.port} is taken by a process that is not a Kafka broker: stop it or set KAFKA_PORT to a free port`);
  }
  if (await portIsOpen(settings.controllerPort)) {
    throw new InfraError(`Kafka's controller port ${settings.controllerPort} is taken: stop that process or set KAFKA_CONTROLLER_PORT to a free port`);
  }
  const java = findJava(17, [process.env.JAVA_HOME], `Apache Kafka ${kafkaVersion}`);
  ensureJars();
  const dataDir = kafkaDataDir(settings.instance);
  const config = writeConfig(settings, dataDir);
  await format(java, settings, config, dataDir);
  const [bin, args] = javaArgs(java, settings, 'kafka.Kafka', [config]);
  const daemon = startDaemon(settings.instance, bin, args);
  launched.push(daemon);
  await waitUntil(daemon, `Kafka ${kafkaVersion}`, 60_000, () => kafkaAnswers([brokers], 1000));
  return { brokers, started: daemon };
}
