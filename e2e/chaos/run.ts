/**
 * `npm run chaos -- --size small|large [--instances <n>] [--brokers <n>] [--seed <n>]`: one chaos run
 * (e2e/chaos/chaos-run.ts), its summary table and, last, the verdict line. Infrastructure: DATABASE_URL and
 * SCHEMA_REGISTRY_URL when set, else infra:up starts them (the run's Kafka is always a private broker, or a private
 * cluster of --brokers nodes, it can kill). Exit code 0 only when nothing was lost or doubled, no invariant was
 * violated, every service process was killed once (4 × instances) and the broker restarted once (on several Kafka
 * nodes instead: two leader kills); with several instances also failover p99 ≤ 15 s and no operation failed in the
 * rolling restart.
 */
import { exportInfrastructure } from '../../infra/infra';
import { runChaos } from './chaos-run';
import { randomSeed } from './random';
import { chaosSizes, isChaosSize } from './sizes';
import { passed, summaryLines, verdictLine } from './summary';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0) return process.argv[index + 1];
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const sizeName = argument('size') ?? 'small';
if (!isChaosSize(sizeName)) {
  console.error(`--size must be small or large, got ${sizeName}`);
  process.exit(2);
}
const seed = argument('seed') === undefined ? randomSeed() : Number(argument('seed'));
if (!Number.isInteger(seed)) {
  console.error('--seed must be an integer');
  process.exit(2);
}

const instances = Number(argument('instances') ?? 1);
if (!Number.isInteger(instances) || instances < 1) {
  console.error('--instances must be a positive integer');
  process.exit(2);
}

const brokers = Number(argument('brokers') ?? 1);
if (!Number.isInteger(brokers) || brokers < 1) {
  console.error('--brokers must be a positive integer');
  process.exit(2);
}

await exportInfrastructure({ printSummary: true });

const outcome = await runChaos({ size: chaosSizes[sizeName], seed, instances, brokers });
for (const line of summaryLines(outcome)) console.log(line);
console.log(verdictLine(outcome));
process.exit(passed(outcome) ? 0 : 1);
