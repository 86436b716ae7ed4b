import type { StartedTestContainer } from 'testcontainers';

export interface TestInfrastructure {
  databaseUrl: string;
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  dockerAvailable?: () => Promise<boolean>;
  startContainers?: () => Promise<TestInfrastructure>;
}

export class MissingTestInfrastructureError extends Error {
  override readonly name = 'MissingTestInfrastructureError';
}

const variables = ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL'] as const;

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

const containers: StartedTestContainer[] = [];

/** PostgreSQL, Kafka (KRaft) and Apicurio Registry in containers, for machines with a Docker engine. */
async function startTestcontainers(): Promise<TestInfrastructure> {
  const [{ GenericContainer, Wait }, { PostgreSqlContainer }, { KafkaContainer }] = await Promise.all([
    import('testcontainers'),
    import('@testcontainers/postgresql'),
    import('@testcontainers/kafka'),
  ]);
  const [postgres, kafka, registry] = await Promise.all([
    new PostgreSqlContainer('postgres:15-alpine').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new GenericContainer('apicurio/apicurio-registry:3.3.3')
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
      .start(),
  ]);
  containers.push(postgres, kafka, registry);
  const serverUrl = new URL(postgres.getConnectionUri());
  serverUrl.pathname = '/';
  return {
    databaseUrl: serverUrl.toString(),
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    schemaRegistryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
  };
}

/**
 * The infrastructure tests run against: from DATABASE_URL, KAFKA_BROKERS and SCHEMA_REGISTRY_URL when all are set;
 * else Testcontainers when a Docker engine answers; else one error that says how to start it.
 */
export async function resolveTestInfrastructure(options: ResolveOptions = {}): Promise<TestInfrastructure> {
  const env = options.env ?? process.env;
  const missing = variables.filter((name) => !env[name]);
  if (missing.length === 0) {
    return {
      databaseUrl: env.DATABASE_URL!,
      kafkaBrokers: env.KAFKA_BROKERS!.split(',').map((broker) => broker.trim()),
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL!,
    };
  }
  if (await (options.dockerAvailable ?? dockerAnswers)()) return (options.startContainers ?? startTestcontainers)();
  throw new MissingTestInfrastructureError(
    `no test infrastructure: ${missing.join(', ')} not set and no Docker engine answers; run \`npm run infra:up\` and export the three URLs it prints (npm test does both for you)`,
  );
}

let shared: Promise<TestInfrastructure> | undefined;

/** One infrastructure per test process, resolved on first use. */
export function testInfrastructure(): Promise<TestInfrastructure> {
  shared ??= resolveTestInfrastructure();
  return shared;
}

export async function stopTestContainers(): Promise<void> {
  await Promise.all(containers.splice(0).map((container) => container.stop()));
}
