import { startRegistry, registrySettings, apicurioVersion } from './apicurio';
import { kafkaSettings, kafkaVersion, startKafka } from './kafka';
import { ensureDirs } from './paths';
import { postgresAnswers, redactUrl, startPostgres } from './postgres';
import { type Daemon, runningDaemon, stopDaemon } from './processes';
import { InfraError } from './errors';
import { kafkaAnswers } from './kafka';
import { registryAnswers } from './apicurio';

export interface Infrastructure {
  databaseUrl: string;
  kafkaBrokers: string;
  schemaRegistryUrl: string;
  summary: string[];
}

const daemonNames = ['apicurio', 'kafka', 'postgres'] as const;

/** KAFKA_BROKERS / SCHEMA_REGISTRY_URL, when set, point at servers someone else runs: check them, start nothing. */
async function external(name: string, value: string, answers: () => Promise<boolean>): Promise<{ value: string }> {
  if (!(await answers())) throw new InfraError(`${name}=${value} does not answer: start that server or unset ${name}`);
  return { value };
}

export async function infraUp(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  ensureDirs();
  const started: Daemon[] = [];
  const track = <T extends { started?: Daemon }>(result: T) => {
    if (result.started) started.push(result.started);
    return result;
  };
  const results = await Promise.allSettled([
    startPostgres(env).then(track),
    env.KAFKA_BROKERS
      ? external('KAFKA_BROKERS', env.KAFKA_BROKERS, () => kafkaAnswers(env.KAFKA_BROKERS!.split(',')))
      : startKafka(kafkaSettings(env)).then(track),
    env.SCHEMA_REGISTRY_URL
      ? external('SCHEMA_REGISTRY_URL', env.SCHEMA_REGISTRY_URL, () => registryAnswers(env.SCHEMA_REGISTRY_URL!))
      : startRegistry(registrySettings(env)).then(track),
  ]);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((daemon) => stopDaemon(daemon)));
    throw failure.reason;
  }
  const [pg, kafka, registry] = results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startPostgres>>,
    { brokers?: string; value?: string; started?: Daemon },
    { url?: string; value?: string; started?: Daemon },
  ];
  const how = (result: { started?: Daemon; value?: string }) => (result.value ? 'external' : result.started ? 'started' : 'reused');
  const kafkaBrokers = kafka.value ?? kafka.brokers!;
  const schemaRegistryUrl = registry.value ?? registry.url!;
  return {
    databaseUrl: pg.url,
    kafkaBrokers,
    schemaRegistryUrl,
    summary: [
      `postgres  ${redactUrl(pg.url)}  (${pg.source}${pg.started ? ', started' : ''})`,
      `kafka     ${kafkaBrokers}  (${env.KAFKA_BROKERS ? 'external' : `Apache Kafka ${kafkaVersion}, ${how(kafka)}`})`,
      `registry  ${schemaRegistryUrl}  (${env.SCHEMA_REGISTRY_URL ? 'external' : `Apicurio Registry ${apicurioVersion}, ${how(registry)}`})`,
    ],
  };
}

/** Stops only the daemons whose pid files infra:up wrote. */
export async function infraDown(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of daemonNames) {
    const daemon = runningDaemon(name);
    if (!daemon) continue;
    await stopDaemon(daemon);
    lines.push(`stopped ${name} (pid ${daemon.pid})`);
  }
  return lines.length ? lines : ['nothing of ours was running'];
}

export { postgresAnswers };
