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
  /** KRaft node id, 1…n. */
  nodeId: number;
  /** The controller ports of the cluster's nodes in node-id order (this one's included): the quorum's voters. */
  quorumPorts: number[];
}

export function kafkaSettings(env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT ?? 9093);
  return { port: Number(env.KAFKA_PORT ?? 9092), controllerPort, heap: env.KAFKA_HEAP ?? '512m', instance: 'kafka', nodeId: 1, quorumPorts: [controllerPort] };
}

/**
 * `infra:up -- --brokers <n>`: n > 1 nodes, node i (from 0) on KAFKA_PORT + 2i with its controller on
 * KAFKA_CONTROLLER_PORT + 2i (9092/9093, 9094/9095, 9096/9097 by default: node 1 on the single broker's ports), each
 * in its own storage (kafka-node<i+1>, never the single broker's), 384m of heap each unless KAFKA_HEAP says otherwise.
 */
export function kafkaClusterSettings(brokers: number, env: NodeJS.ProcessEnv = process.env): KafkaSettings[] {
  if (brokers === 1) return [kafkaSettings(env)];
  const single = kafkaSettings(env);
  const quorumPorts = Array.from({ length: brokers }, (_, index) => single.controllerPort + 2 * index);
  const nodes = quorumPorts.map((controllerPort, index) => ({
    port: single.port + 2 * index,
    controllerPort,
    heap: env.KAFKA_HEAP ?? '384m',
    instance: `kafka-node${index + 1}`,
    nodeId: index + 1,
    quorumPorts,
  }));
  const ports = nodes.flatMap((node) => [node.port, node.controllerPort]);
  if (new Set(ports).size !== ports.length) {
    throw new InfraError(`KAFKA_PORT=${single.port} and KAFKA_CONTROLLER_PORT=${single.controllerPort} give ${brokers} nodes overlapping ports (${ports.join(', ')}): take two ports of different parity`);
  }
  return nodes;
}

/** Replication factor min(3, nodes); min.insync.replicas 2 from 3 nodes on (one node may then fail without stopping writes). */
const replicationOf = (nodes: number) => {
  const factor = Math.min(3, nodes);
  return { factor, minInsync: factor >= 3 ? 2 : 1 };
};

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
    .replaceAll('${DATA_DIR}', dataDir)
    .replaceAll('${NODE_ID}', String(settings.nodeId))
    .replaceAll('${QUORUM_VOTERS}', settings.quorumPorts.map((port, index) => `${index + 1}@127.0.0.1:${port}`).join(','))
    .replaceAll('${REPLICATION_FACTOR}', String(replicationOf(settings.quorumPorts.length).factor))
    .replaceAll('${MIN_INSYNC_REPLICAS}', String(replicationOf(settings.quorumPorts.length).minInsync));
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

async function format(java: string, settings: KafkaSettings, config: string, dataDir: string, clusterId: string): Promise<void> {
  if (existsSync(join(dataDir, 'meta.properties'))) return;
  mkdirSync(dataDir, { recursive: true });
  const { spawnSync } = await import('node:child_process');
  const [bin, args] = javaArgs(java, { ...settings, heap: '128m' }, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config]);
  const result = spawnSync(bin, args, { encoding: 'utf8' });
  // The usage comes first, what went wrong last.
  if (result.status !== 0) throw new InfraError(`formatting Kafka storage in ${dataDir} failed: ${result.stderr.trim().split('\n').at(-1)}`);
}

/** The id the nodes' storage was formatted with, if one was: a node formatted again must join the same cluster. */
function existingClusterId(nodes: readonly KafkaSettings[]): string | undefined {
  for (const node of nodes) {
    const meta = join(kafkaDataDir(node.instance), 'meta.properties');
    if (existsSync(meta)) return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim();
  }
  return undefined;
}

const address = (node: KafkaSettings) => `127.0.0.1:${node.port}`;

/**
 * The nodes of one KRaft cluster (kafkaSettings or kafkaClusterSettings): reuses those we started, fetches the jars,
 * formats and starts the others side by side (a quorum of several voters elects no controller until a majority runs) and resolves when
 * every node answers. A single broker reuses any broker on its port; a node of a cluster only its own daemon.
 */
export async function startKafkaCluster(nodes: readonly KafkaSettings[], launched: Daemon[]): Promise<{ brokers: string; started: Daemon[] }> {
  const brokers = nodes.map(address).join(',');
  const missing: KafkaSettings[] = [];
  for (const node of nodes) {
    if (runningDaemon(node.instance) && (await kafkaAnswers([address(node)]))) continue;
    if (await portIsOpen(node.port)) {
      if (nodes.length === 1 && (await kafkaAnswers([address(node)]))) continue;
      const what = nodes.length === 1 ? 'a process that is not a Kafka broker' : `a process that is not node ${node.nodeId} of this cluster (the single broker? \`npm run infra:down\` first)`;
      throw new InfraError(`port ${node.port} is taken by ${what}: stop it or set KAFKA_PORT to a free port`);
    }
    if (await portIsOpen(node.controllerPort)) {
      throw new InfraError(`Kafka's controller port ${node.controllerPort} is taken: stop that process or set KAFKA_CONTROLLER_PORT to a free port`);
    }
    missing.push(node);
  }
  if (missing.length === 0) return { brokers, started: [] };
  const java = findJava(17, [process.env.JAVA_HOME], `Apache Kafka ${kafkaVersion}`);
  ensureJars();
  const clusterId = existingClusterId(nodes) ?? newClusterId();
  const started: Daemon[] = [];
  for (const node of missing) {
    const dataDir = kafkaDataDir(node.instance);
    const config = writeConfig(node, dataDir);
    await format(java, node, config, dataDir, clusterId);
    const [bin, args] = javaArgs(java, node, 'kafka.Kafka', [config]);
    const daemon = startDaemon(node.instance, bin, args);
    launched.push(daemon);
    started.push(daemon);
  }
  // Three JVMs starting at once on a small machine take longer than one.
  const timeoutMs = 60_000 * Math.min(nodes.length, 2);
  await Promise.all(
    started.map((daemon, index) => waitUntil(daemon, `Kafka ${kafkaVersion} (${missing[index]!.instance})`, timeoutMs, () => kafkaAnswers([address(missing[index]!)], 1000))),
  );
  return { brokers, started };
}
