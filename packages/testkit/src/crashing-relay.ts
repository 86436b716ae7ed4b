/**
 * A relay that kills its own process (SIGKILL: no cleanup, no rollback by the program) after producing a batch and
 * before marking it published: what a crash at the worst moment looks like to PostgreSQL and Kafka.
 * Run by the platform's outbox-relay.int.spec.ts as a separate process (path: crashingRelayScript); args come from the
 * environment.
 */
import { Kafka, logLevel } from 'kafkajs';
import { AvroCodec, OutboxRelay, SchemaCatalog, silentLogger } from '@billing/platform';
import { amountAddedSchema } from './messaging-fixtures';

const env = process.env;
const relay = new OutboxRelay({
  databaseUrl: env.RELAY_DATABASE_URL!,
  kafka: new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: 'crashing-relay', logLevel: logLevel.NOTHING }),
  codec: new AvroCodec(env.SCHEMA_REGISTRY_URL!, SchemaCatalog.of([amountAddedSchema(env.RELAY_NAMESPACE!)])),
  logger: silentLogger(),
  afterProduce: async (ids) => {
    process.stdout.write(`produced ${ids.join(',')}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});
await relay.start();
