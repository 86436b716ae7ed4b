/**
 * `npm run infra:up [-- --brokers <n>]` / `npm run infra:down`: PostgreSQL, Apache Kafka (KRaft: one node, or a
 * cluster of n) and Apicurio Registry without Docker. up is idempotent (reuses what answers, restarts what died) and,
 * on failure, stops what it started in this run; down stops every node.
 */
import { infraDown, infraUp } from './infra';
import { InfraError } from './errors';

const command = process.argv[2];
const brokersAt = process.argv.indexOf('--brokers');
const brokers = brokersAt > 0 ? Number(process.argv[brokersAt + 1]) : 1;
try {
  if (command === 'up' && Number.isInteger(brokers) && brokers >= 1) {
    const infra = await infraUp(process.env, [], { brokers });
    for (const line of infra.summary) console.log(line);
    // Clients given one address cannot bootstrap while that node is down: give them every node's.
    if (brokers > 1) console.log(`export KAFKA_BROKERS=${infra.kafkaBrokers}   # for npm start / npm test / services on this cluster`);
  } else if (command === 'down') {
    for (const line of await infraDown()) console.log(line);
  } else {
    console.error('usage: tsx infra/cli.ts up [--brokers <n>] | down');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
  process.exitCode = 1;
}
