import { existsSync, readdirSync } from 'node:fs';
import { apicurioVersion, registryAnswers, registrySettings, startRegistry } from './apicurio';
import { InfraError } from './errors';
import { kafkaAnswers, kafkaClusterSettings, kafkaVersion, startKafkaCluster } from './kafka';
import { ensureDirs, runDir } from './paths';
import { redactUrl, startPostgres } from './postgres';
import { type Daemon, runningDaemon, stopDaemon } from './processes';

export interface Infrastructure {
  databaseUrl: string;
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  summary: string[];
  /** The daemons this call started (not those it reused): what a caller that owns them may stop. */
  started: Daemon[];
}

const daemonNames = ['apicurio', 'kafka', 'postgres'] as const;

/**
 * The nodes of an `infra:up -- --brokers <n>` cluster (kafka-node<i>), and brokers that infra/testing/private-kafka.ts
 * started for a run that did not get to stop them.
 */
const privateBrokerNames = () =>
  existsSync(runDir) ? readdirSync(runDir).filter((file) => /^kafka-.+\.pid$/.test(file)).map((file) => file.slice(0, -'.pid'.length)) : [];

/** KAFKA_BROKERS / SCHEMA_REGISTRY_URL, when set, point at servers someone else runs: check them, start nothing. */
async function external(name: string, value: string, answers: () => Promise<boolean>): Promise<string> {
  if (!(await answers())) throw new InfraError(`${name}=${value} does not answer: start that server or unset ${name}`);
  return value;
}

const how = (result: { started?: Daemon | Daemon[] }) => ([result.started ?? []].flat().length ? 'started' : 'reused');

export interface InfraOptions {
  /** Kafka nodes when infra:up starts Kafka: 1 (default) or a KRaft cluster of n (see kafkaClusterSettings). */
  brokers?: number;
}

/**
 * `launched` receives every daemon this call launches as soon as it is spawned, before it is ready: a failure here stops
 * them all, and a caller interrupted meanwhile (Ctrl-C during `npm start`) can stop them too.
 */
export async function infraUp(env: NodeJS.ProcessEnv = process.env, launched: Daemon[] = [], options: InfraOptions = {}): Promise<Infrastructure> {
  const brokers = options.brokers ?? 1;
  ensureDirs();
  try {
    // PostgreSQL first: a wrong DATABASE_URL is the cheapest failure to find, before any JVM starts.
    const postgres = await startPostgres(env, launched);
    // allSettled, not all: a start still launching when the other fails must be stopped too, so wait for both.
    const [kafkaResult, registryResult] = await Promise.allSettled([
      env.KAFKA_BROKERS
        ? external('KAFKA_BROKERS', env.KAFKA_BROKERS, () => kafkaAnswers(env.KAFKA_BROKERS!.split(','))).then((brokers) => ({
            brokers,
            line: 'external',
          }))
        : startKafkaCluster(kafkaClusterSettings(brokers, env), launched).then((result) => ({
            ...result,
            line: `Apache Kafka ${kafkaVersion}${brokers > 1 ? `, ${brokers} KRaft nodes` : ''}, ${how(result)}`,
          })),
      env.SCHEMA_REGISTRY_URL
        ? external('SCHEMA_REGISTRY_URL', env.SCHEMA_REGISTRY_URL, () => registryAnswers(env.SCHEMA_REGISTRY_URL!)).then((url) => ({
            url,
            line: 'external',
          }))
        : startRegistry(registrySettings(env), launched).then((result) => ({
            ...result,
            line: `Apicurio Registry ${apicurioVersion}, ${how(result)}`,
          })),
    ]);
    if (kafkaResult.status === 'rejected') throw kafkaResult.reason;
    if (registryResult.status === 'rejected') throw registryResult.reason;
    const [kafka, registry] = [kafkaResult.value, registryResult.value];
    return {
      started: launched,
      databaseUrl: postgres.url,
      kafkaBrokers: kafka.brokers,
      schemaRegistryUrl: registry.url,
      summary: [
        `postgres  ${redactUrl(postgres.url)}  (${postgres.source})`,
        `kafka     ${kafka.brokers}  (${kafka.line})`,
        `registry  ${registry.url}  (${registry.line})`,
      ],
    };
  } catch (error) {
    await Promise.all(launched.map((daemon) => stopDaemon(daemon)));
    throw error;
  }
}

/** Stops the given daemons (those one infraUp call started) side by side, each SIGKILLed after `graceMs`. */
export async function stopStarted(daemons: readonly Daemon[], graceMs?: number): Promise<string[]> {
  await Promise.all(daemons.map((daemon) => stopDaemon(daemon, graceMs)));
  return daemons.map((daemon) => `stopped ${daemon.name} (pid ${daemon.pid})`);
}

/** Stops only the daemons whose pid files infra:up wrote. */
export async function infraDown(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of [...daemonNames, ...privateBrokerNames()]) {
    const daemon = runningDaemon(name);
    if (!daemon) continue;
    await stopDaemon(daemon);
    lines.push(`stopped ${name} (pid ${daemon.pid})`);
  }
  return lines.length ? lines : ['nothing of ours was running'];
}

/**
 * For the project's commands (test, bench, chaos): the infrastructure started or reused and its three URLs exported to
 * this process's environment; a failure is one line on stderr and exit code 1.
 */
export async function exportInfrastructure(options: { printSummary: boolean }): Promise<void> {
  try {
    const infra = await infraUp();
    if (options.printSummary) for (const line of infra.summary) console.log(line);
    process.env.DATABASE_URL = infra.databaseUrl;
    process.env.KAFKA_BROKERS = infra.kafkaBrokers;
    process.env.SCHEMA_REGISTRY_URL = infra.schemaRegistryUrl;
  } catch (error) {
    console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
    process.exit(1);
  }
}
