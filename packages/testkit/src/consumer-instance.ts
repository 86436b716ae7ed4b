/**
 * One instance of a service's consumer, as its own process so a spec can SIGKILL it: an InboxConsumer in group
 * CONSUMER_GROUP on the messaging test bed's topic and database, applying AmountAdded to test_effects. It prints
 * `fetching` once it takes part in the group and `applied <sequence> <epoch ms>` per event it applies.
 * Run by the platform's inbox-consumer-failover.int.spec.ts (path: consumerInstanceScript); args come from the environment.
 */
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { AvroCodec, InboxConsumer, PgUnitOfWork, SchemaCatalog, silentLogger } from '@billing/platform';
import { amountAddedSchema } from './messaging-fixtures';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.CONSUMER_DATABASE_URL!, max: 2 });
const consumer = new InboxConsumer({
  consumer: env.CONSUMER_GROUP!,
  kafka: new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: 'consumer-instance', logLevel: logLevel.NOTHING }),
  topics: [env.CONSUMER_NAMESPACE!],
  codec: new AvroCodec(env.SCHEMA_REGISTRY_URL!, SchemaCatalog.of([amountAddedSchema(env.CONSUMER_NAMESPACE!)])),
  unitOfWork: new PgUnitOfWork(pool),
  logger: silentLogger(),
  handlers: {
    AmountAdded: async (event, tx) => {
      const { accountId, sequence, amount } = event.payload as { accountId: string; sequence: number; amount: number };
      await tx.query('insert into test_effects (event_id, account_id, amount) values ($1, $2, $3)', [event.eventId, accountId, amount]);
      process.stdout.write(`applied ${sequence} ${Date.now()}\n`);
    },
  },
});
// CONSUMER_START_ON_STDIN: a process already started (its code loaded) joins the group only when told, so a spec
// can time the join to the millisecond, as a respawn that starts fast would.
if (env.CONSUMER_START_ON_STDIN) await new Promise((resolve) => process.stdin.once('data', resolve));
await consumer.start();
await consumer.fetching;
process.stdout.write('fetching\n');
