/**
 * `npm run chaos -- --size small|large [--seed <n>] [--brokers <n>]`: one chaos run (e2e/chaos/chaos-run.ts), its
 * summary table and, last, the verdict line. Infrastructure: DATABASE_URL and SCHEMA_REGISTRY_URL when set, else
 * infra:up starts them (the run's Kafka is always a private broker, or a private cluster of --brokers nodes, it can
 * kill). Exit code 0 only when nothing was lost or doubled, no invariant was violated, and all four kills and the
 * broker restart (on several nodes: both leader kills) happened.
 */
import { exportInfrastructure } from '../../infra/infra';
import { runChaos } from './chaos-run';
import { randomSeed } from './random';
import { chaosSizes, isChaosSize } from './sizes';
import { summaryLines, verdictLine } from './summary';

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

const brokers = Number(argument('brokers') ?? 1);
if (!Number.isInteger(brokers) || brokers < 1) {
  console.error('--brokers must be a positive integer');
  process.exit(2);
}

await exportInfrastructure({ printSummary: true });

const outcome = await runChaos({ size: chaosSizes[sizeName], seed, brokers });
for (const line of summaryLines(outcome)) console.log(line);
console.log(verdictLine(outcome));
const passed = outcome.lost === 0 && outcome.double === 0 && outcome.invariantViolations === 0 && outcome.kills === 4 && (brokers > 1 ? outcome.brokerKills === 2 : outcome.brokerRestarts === 1);
process.exit(passed ? 0 : 1);
