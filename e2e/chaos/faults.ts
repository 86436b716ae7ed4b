/**
 * The faults: every service process SIGKILLed once and respawned (same environment, ports, database), and the broker
 * SIGKILLed once and started again on its storage, each at a random moment inside its own slot of the fault window, so
 * all are spread over the load and reproducible from the seed. A killed process is respawned after a short random
 * downtime without waiting for the others to recover. On several Kafka nodes (--brokers) the broker restart is
 * replaced by two kills of the node leading the most partitions of the billing topics (leader-kill.ts), one node
 * down at a time.
 * One instance per service: the five faults are shuffled and run independently. Several instances: the kills go in
 * rounds (one instance of each service per round, services shuffled), the broker restart falls between two rounds,
 * and a fault waits past its moment until it measures what it should — a kill until the other instances of its
 * service are ready (a survivor must be there to take over, see failover.ts), the broker restart until the kills before
 * it are taken over, the kills after it until every group is stable again. After the faults, rollingRestart() restarts
 * every instance gracefully, one at a time.
 */
import type { PrivateKafka } from '../../infra/testing/private-kafka';
import { type Platform, type ServiceName, serviceNames } from '../support/platform';
import type { ServiceDatabases } from './databases';
import type { FailoverProbe } from './failover';
import { killBusiestLeader, type LeaderKill } from './leader-kill';
import type { Random } from './random';
import type { ChaosSize } from './sizes';
import type { Supervisor } from './supervisor';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest wait for a takeover before it counts as not happened (then as this long in failover_p99_s). */
export const FAILOVER_TIMEOUT_MS = 60_000;

/** 'kafka': the single broker restarted; 'kafka-leader': on several nodes, the busiest leader killed and started again. */
export type FaultTarget = ServiceName | 'kafka' | 'kafka-leader';
export const isBrokerFault = (target: FaultTarget) => target === 'kafka' || target === 'kafka-leader';

export interface PlannedFault {
  target: FaultTarget;
  /** Instance of the service (0 for the broker). */
  index: number;
  /** `credit`, `credit-1`, `kafka broker`. */
  label: string;
  /** ms after the load started. */
  atMs: number;
  /** ms between the kill and the respawn. */
  downMs: number;
}

export interface FaultOutcome extends PlannedFault {
  /** ms after the load started when it really happened (later than atMs when it waited; see the header). */
  firedAtMs?: number;
  /** Killed and started again. */
  done: boolean;
  /** ms from the kill until the process was ready again (/readyz and its consumers fetching; the broker answering). */
  recoveredAfterMs?: number;
  /** Several instances: ms from the kill until live instances had taken over its groups' partitions and its relay lanes. */
  failoverMs?: number;
  leaderKill?: LeaderKill;
  error?: string;
}

export interface RollingStep {
  label: string;
  /** ms after the load started. */
  startedAtMs: number;
  /** ms from SIGTERM to the exit. */
  stopMs?: number;
  exitCode?: number | null;
  /** ms from the respawn to ready. */
  readyMs?: number;
  error?: string;
}

export function planFaults(size: ChaosSize, random: Random, instances = 1, brokers = 1): PlannedFault[] {
  const serviceFault = (target: ServiceName, index: number): Omit<PlannedFault, 'atMs' | 'downMs'> => ({ target, index, label: instances === 1 ? target : `${target}-${index}` });
  const leaderKill = { target: 'kafka-leader' as const, index: 0, label: 'kafka leader' };
  const brokerFaults = brokers > 1 ? [leaderKill, leaderKill] : [{ target: 'kafka' as const, index: 0, label: 'kafka broker' }];
  let targets: Omit<PlannedFault, 'atMs' | 'downMs'>[];
  if (instances === 1) {
    targets = random.shuffle([...serviceNames.map((name) => serviceFault(name, 0)), ...brokerFaults]);
  } else {
    const orders = serviceNames.map((name) => ({ name, indexes: random.shuffle(Array.from({ length: instances }, (_, index) => index)) }));
    const rounds = Array.from({ length: instances }, (_, round) => random.shuffle(orders.map(({ name, indexes }) => serviceFault(name, indexes[round]!))));
    for (const broker of brokerFaults) rounds.splice(random.int(1, instances - 1), 0, [broker]);
    targets = rounds.flat();
  }
  const slot = (size.faultsUntilMs - size.faultsFromMs) / targets.length;
  return targets.map((target, index) => ({
    ...target,
    atMs: Math.round(size.faultsFromMs + index * slot + random.next() * slot * 0.8),
    downMs: random.int(300, 2_000),
  }));
}

export interface FaultDeps {
  platform: Platform;
  kafka: PrivateKafka;
  databases: ServiceDatabases;
  supervisor: Supervisor;
  /** Several instances: measures each kill's takeover. */
  failover?: FailoverProbe;
  loadStartedAt: number;
  log: (line: string) => void;
}

const at = (loadStartedAt: number) => `+${((Date.now() - loadStartedAt) / 1_000).toFixed(1)}s`;
const firstLine = (error: unknown) => String((error as Error).message ?? error).split('\n')[0];

/** Ready again, through any exit on the way (the supervisor restarts a process that cannot start yet). */
async function recovered(platform: Platform, name: ServiceName, index: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await platform.waitReady(name, index, Math.max(1_000, deadline - Date.now()));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}

/** `measured` is called once the takeover is known (or the fault failed), before the victim is ready again. */
async function killService(fault: PlannedFault, deps: FaultDeps, measured: () => void = () => undefined): Promise<FaultOutcome> {
  const { platform, supervisor, failover, loadStartedAt, log } = deps;
  const name = fault.target as ServiceName;
  const firedAtMs = Date.now() - loadStartedAt;
  const victim = platform.instances[name][fault.index]!;
  const killedAt = Date.now();
  let takeover: Promise<number | undefined> | undefined;
  try {
    log(`${at(loadStartedAt)} kill -9 ${fault.label} (pid ${victim.child.pid})`);
    supervisor.pause(name, fault.index);
    try {
      await platform.kill(name, fault.index);
      takeover = failover?.takeover(name, victim.identity, killedAt, FAILOVER_TIMEOUT_MS);
      await sleep(fault.downMs);
      await platform.restart(name, fault.index);
    } finally {
      supervisor.resume(name, fault.index);
    }
  } catch (error) {
    measured();
    log(`${at(loadStartedAt)} ${fault.label} fault failed: ${firstLine(error)}`);
    return { ...fault, firedAtMs, done: false, error: (error as Error).message };
  }
  const failoverMs = await takeover;
  measured();
  if (failover) log(`${at(loadStartedAt)} ${fault.label} taken over ${failoverMs === undefined ? 'NOT within 60 s' : `${(failoverMs / 1_000).toFixed(1)} s after the kill`}`);
  const outcome: FaultOutcome = { ...fault, firedAtMs, done: true, ...(failover ? { failoverMs: failoverMs ?? FAILOVER_TIMEOUT_MS } : {}) };
  try {
    await recovered(platform, name, fault.index, 180_000);
    outcome.recoveredAfterMs = Date.now() - killedAt;
    log(`${at(loadStartedAt)} ${fault.label} back (${(outcome.recoveredAfterMs / 1_000).toFixed(1)} s after the kill)`);
  } catch (error) {
    log(`${at(loadStartedAt)} ${fault.label} not ready again: ${firstLine(error)}`);
    outcome.error = `not ready again: ${(error as Error).message}`;
  }
  if (failover && failoverMs === undefined) outcome.error ??= 'not taken over within 60 s';
  return outcome;
}

async function restartBroker(fault: PlannedFault, deps: FaultDeps): Promise<FaultOutcome> {
  const { kafka, loadStartedAt, log } = deps;
  const firedAtMs = Date.now() - loadStartedAt;
  const killedAt = Date.now();
  try {
    log(`${at(loadStartedAt)} kill -9 kafka broker`);
    await kafka.kill();
    await sleep(fault.downMs);
    await kafka.start();
  } catch (error) {
    log(`${at(loadStartedAt)} kafka fault failed: ${firstLine(error)}`);
    return { ...fault, firedAtMs, done: false, error: (error as Error).message };
  }
  const recoveredAfterMs = Date.now() - killedAt;
  log(`${at(loadStartedAt)} kafka back (${(recoveredAfterMs / 1_000).toFixed(1)} s after the kill)`);
  return { ...fault, firedAtMs, done: true, recoveredAfterMs };
}

async function killLeader(fault: PlannedFault, deps: FaultDeps): Promise<FaultOutcome> {
  const { kafka, databases, loadStartedAt, log } = deps;
  try {
    log(`${at(loadStartedAt)} kafka leader kill due`);
    const leaderKill = await killBusiestLeader(kafka, databases, fault.downMs, (line) => log(`${at(loadStartedAt)} ${line}`));
    const firedAtMs = leaderKill.killedAt - loadStartedAt;
    return { ...fault, firedAtMs, done: true, recoveredAfterMs: leaderKill.backAfterMs, leaderKill };
  } catch (error) {
    log(`${at(loadStartedAt)} kafka leader kill failed: ${firstLine(error)}`);
    return { ...fault, done: false, error: (error as Error).message };
  }
}

export async function runFaults(plan: readonly PlannedFault[], deps: FaultDeps): Promise<FaultOutcome[]> {
  const { platform, failover, loadStartedAt, log } = deps;
  const untilPlanned = (fault: PlannedFault) => sleep(Math.max(0, loadStartedAt + fault.atMs - Date.now()));
  /** One Kafka node down at a time: a leader kill starts once the previous one's node is back (leader-kill.ts). */
  let previousLeaderKill: Promise<unknown> = Promise.resolve();
  const run = (fault: PlannedFault): Promise<FaultOutcome> => {
    if (fault.target === 'kafka') return restartBroker(fault, deps);
    if (fault.target !== 'kafka-leader') return killService(fault, deps);
    const outcome = previousLeaderKill.then(() => killLeader(fault, deps));
    previousLeaderKill = outcome;
    return outcome;
  };
  if (!failover) return Promise.all(plan.map(async (fault) => (await untilPlanned(fault), run(fault))));

  const outcomes: Promise<FaultOutcome>[] = [];
  /** Per kill in flight: resolves once its takeover is measured. */
  const measured: Promise<unknown>[] = [];
  // A fault held back by its wait shifts the ones after it by as much: they keep their spacing instead of firing
  // together (four processes killed and respawned at once on 2 cores slow every takeover down).
  let shiftMs = 0;
  const startShifted = async (fault: PlannedFault, wait: Promise<unknown>) => {
    await sleep(Math.max(0, loadStartedAt + fault.atMs + shiftMs - Date.now()));
    await wait;
    shiftMs = Math.max(shiftMs, Date.now() - loadStartedAt - fault.atMs);
  };
  for (const fault of plan) {
    if (isBrokerFault(fault.target)) {
      await startShifted(fault, Promise.all(measured));
      const outcome = await run(fault);
      outcomes.push(Promise.resolve(outcome));
      if (!(await failover.settled(120_000))) log(`${at(loadStartedAt)} consumer groups not stable 120 s after the broker restart`);
      shiftMs = Math.max(shiftMs, Date.now() - loadStartedAt - fault.atMs);
      continue;
    }
    const name = fault.target;
    const others = platform.instances[name].filter((instance) => instance.index !== fault.index);
    await startShifted(fault, Promise.all(others.map((other) => recovered(platform, name, other.index, 180_000).catch(() => undefined))));
    // The broker restart waits for the takeover, not for the respawned instance's readiness.
    measured.push(new Promise<void>((done) => outcomes.push(killService(fault, deps, done))));
  }
  return Promise.all(outcomes);
}

/**
 * Every instance in turn: SIGTERM, wait for the exit, start it again, wait until it is ready, then the next — what a
 * deployment does. The supervisor leaves the instance alone meanwhile.
 */
export async function rollingRestart(deps: Pick<FaultDeps, 'platform' | 'supervisor' | 'loadStartedAt' | 'log'>): Promise<RollingStep[]> {
  const { platform, supervisor, loadStartedAt, log } = deps;
  const steps: RollingStep[] = [];
  for (const name of serviceNames) {
    for (const instance of platform.instances[name]) {
      const step: RollingStep = { label: instance.label, startedAtMs: Date.now() - loadStartedAt };
      steps.push(step);
      supervisor.pause(name, instance.index);
      try {
        const stopping = Date.now();
        step.exitCode = await platform.terminate(name, instance.index);
        step.stopMs = Date.now() - stopping;
        const starting = Date.now();
        await platform.restart(name, instance.index);
        await platform.waitReady(name, instance.index, 180_000);
        step.readyMs = Date.now() - starting;
        log(`${at(loadStartedAt)} rolling restart: ${instance.label} stopped in ${(step.stopMs / 1_000).toFixed(1)} s (exit ${step.exitCode}), ready ${(step.readyMs / 1_000).toFixed(1)} s later`);
      } catch (error) {
        step.error = (error as Error).message;
        log(`${at(loadStartedAt)} rolling restart: ${instance.label} failed: ${firstLine(error)}`);
      } finally {
        supervisor.resume(name, instance.index);
      }
    }
  }
  return steps;
}
