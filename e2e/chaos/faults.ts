/**
 * The faults: each of the four service processes SIGKILLed once and respawned (same environment, ports, database),
 * and the broker SIGKILLed once and started again on its storage — or, on several Kafka nodes, twice the node leading
 * the most partitions of the billing topics (leader-kill.ts). The five (six) faults are shuffled and each falls at a
 * random moment inside its own fifth of the fault window, so all are spread over the load and reproducible from the
 * seed. A killed process is respawned after a short random downtime without waiting for the others to recover.
 */
import type { PrivateKafka } from '../../infra/testing/private-kafka';
import { type Platform, type ServiceName, serviceNames } from '../support/platform';
import type { ServiceDatabases } from './databases';
import { killBusiestLeader, type LeaderKill } from './leader-kill';
import type { Random } from './random';
import type { ChaosSize } from './sizes';
import type { Supervisor } from './supervisor';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 'kafka': the single broker restarted; 'kafka-leader': on several nodes, the busiest leader killed and started again. */
export type FaultTarget = ServiceName | 'kafka' | 'kafka-leader';

export interface PlannedFault {
  target: FaultTarget;
  /** ms after the load started. */
  atMs: number;
  /** ms between the kill and the respawn. */
  downMs: number;
}

export interface FaultOutcome extends PlannedFault {
  /** Killed and started again. */
  done: boolean;
  /** ms from the kill until the process was ready again (/readyz and its consumers fetching; the broker answering). */
  recoveredAfterMs?: number;
  leaderKill?: LeaderKill;
  error?: string;
}

/** The broker faults: one restart of the single broker, or two leader kills on a cluster. */
const brokerFaults = (brokers: number): FaultTarget[] => (brokers > 1 ? ['kafka-leader', 'kafka-leader'] : ['kafka']);
export const isBrokerFault = (target: FaultTarget) => target === 'kafka' || target === 'kafka-leader';

export function planFaults(size: ChaosSize, random: Random, brokers = 1): PlannedFault[] {
  const targets: FaultTarget[] = random.shuffle([...serviceNames, ...brokerFaults(brokers)]);
  const slot = (size.faultsUntilMs - size.faultsFromMs) / targets.length;
  return targets.map((target, index) => ({
    target,
    atMs: Math.round(size.faultsFromMs + index * slot + random.next() * slot * 0.8),
    downMs: random.int(300, 2_000),
  }));
}

export async function runFaults(
  plan: readonly PlannedFault[],
  deps: { platform: Platform; kafka: PrivateKafka; databases: ServiceDatabases; supervisor: Supervisor; loadStartedAt: number; log: (line: string) => void },
): Promise<FaultOutcome[]> {
  const { platform, kafka, databases, supervisor, loadStartedAt, log } = deps;
  /** One Kafka node down at a time: a leader kill starts after the previous one's node is back (leader-kill.ts). */
  let previousLeaderKill: Promise<unknown> = Promise.resolve();
  /** Ready again, through any exit on the way (the supervisor restarts a process that cannot start yet). */
  const recovered = async (name: ServiceName, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await platform.waitReady(name, Math.max(1_000, deadline - Date.now()));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1_000);
      }
    }
  };
  const at = () => `+${((Date.now() - loadStartedAt) / 1_000).toFixed(1)}s`;
  return Promise.all(
    plan.map(async (fault): Promise<FaultOutcome> => {
      await sleep(Math.max(0, loadStartedAt + fault.atMs - Date.now()));
      const killedAt = Date.now();
      let leaderKill: LeaderKill | undefined;
      try {
        if (fault.target === 'kafka-leader') {
          log(`${at()} kafka leader kill due`);
          const kill = previousLeaderKill.then(() => killBusiestLeader(kafka, databases, fault.downMs, log));
          previousLeaderKill = kill.catch(() => undefined);
          leaderKill = await kill;
        } else if (fault.target === 'kafka') {
          log(`${at()} kill -9 kafka broker`);
          await kafka.kill();
          await sleep(fault.downMs);
          await kafka.start();
        } else {
          log(`${at()} kill -9 ${fault.target} (pid ${platform.services[fault.target].child.pid})`);
          supervisor.pause(fault.target);
          try {
            await platform.kill(fault.target);
            await sleep(fault.downMs);
            await platform.restart(fault.target);
          } finally {
            supervisor.resume(fault.target);
          }
        }
      } catch (error) {
        log(`${at()} ${fault.target} fault failed: ${(error as Error).message.split('\n')[0]}`);
        return { ...fault, done: false, error: (error as Error).message };
      }
      try {
        if (!isBrokerFault(fault.target)) await recovered(fault.target as ServiceName, 180_000);
        const recoveredAfterMs = Date.now() - killedAt;
        log(`${at()} ${fault.target} back (${(recoveredAfterMs / 1_000).toFixed(1)} s after the kill)`);
        return { ...fault, done: true, recoveredAfterMs, leaderKill };
      } catch (error) {
        log(`${at()} ${fault.target} not ready again: ${(error as Error).message.split('\n')[0]}`);
        return { ...fault, done: true, error: `not ready again: ${(error as Error).message}` };
      }
    }),
  );
}
