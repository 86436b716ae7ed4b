/**
 * `npm run infra:up` / `npm run infra:down`: PostgreSQL, Apache Kafka (KRaft) and Apicurio Registry without Docker.
 * up is idempotent (reuses what answers, restarts what died) and, on failure, stops what it started in this run.
 */
import { infraDown, infraUp } from './infra';
import { InfraError } from './errors';

const command = process.argv[2];
try {
  if (command === 'up') {
    const infra = await infraUp();
    for (const line of infra.summary) console.log(line);
  } else if (command === 'down') {
    for (const line of await infraDown()) console.log(line);
  } else {
    console.error('usage: tsx infra/cli.ts up|down');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
  process.exitCode = 1;
}
