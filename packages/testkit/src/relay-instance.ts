/**
 * One instance of a service's outbox relay, as its own process so a spec can SIGKILL it mid-batch: an OutboxRelay on the
 * messaging test bed's database. It prints `lanes <a,b,…>` whenever the lanes it owns change and `produced <ids>` per
 * batch produced; with RELAY_KILL_AFTER_BATCHES=n it SIGKILLs itself after producing its n-th batch and before marking it
 * published (no cleanup, no rollback by the program). Run by the platform's outbox-relay-takeover.int.spec.ts (path:
 * relayInstanceScript); args come from the environment.
 */
import { Kafka, logLevel } from 'kafkajs';
import { AvroCodec, OutboxRelay, SchemaCatalog, silentLogger } from '@billing/platform';
import { amountAddedSchema } from './messaging-fixtures';

const env = process.env;
const killAfter = env.RELAY_KILL_AFTER_BATCHES ? Number(env.RELAY_KILL_AFTER_BATCHES) : undefined;
let batches = 0;
const relay = new OutboxRelay({
  databaseUrl: env.RELAY_DATABASE_URL!,
  kafka: new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: 'relay-instance', logLevel: logLevel.NOTHING }),
  codec: new AvroCodec(env.SCHEMA_REGISTRY_URL!, SchemaCatalog.of([amountAddedSchema(env.RELAY_NAMESPACE!)])),
  logger: silentLogger(),
  batchSize: Number(env.RELAY_BATCH_SIZE ?? 500),
  afterProduce: async (ids) => {
    batches += 1;
    process.stdout.write(`produced ${ids.join(',')}\n`);
    if (batches === killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
await relay.start();
let reported = '';
setInterval(() => {
  const lanes = relay.lanes.join(',');
  if (lanes !== reported) process.stdout.write(`lanes ${lanes}\n`);
  reported = lanes;
}, 50);
