/** Where the shared infrastructure is. Every value comes from the environment, with local defaults. */
export interface InfrastructureConfig {
  /** PostgreSQL server URL without a database name; each service picks its own database. */
  databaseUrl: string;
  kafkaBrokers: string[];
  /** Base URL of the Confluent-compatible API (Apicurio: …/apis/ccompat/v7). */
  schemaRegistryUrl: string;
}

export const defaultKafkaBrokers = '127.0.0.1:9092';
export const defaultSchemaRegistryUrl = 'http://127.0.0.1:8081/apis/ccompat/v7';

export function infrastructureConfigFromEnv(env: NodeJS.ProcessEnv = process.env): InfrastructureConfig {
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432',
    kafkaBrokers: (env.KAFKA_BROKERS ?? defaultKafkaBrokers).split(',').map((broker) => broker.trim()),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL ?? defaultSchemaRegistryUrl,
  };
}
