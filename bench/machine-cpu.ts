import { readFileSync } from 'node:fs';
import { processCpuSeconds } from './stats';

/**
 * Where a two-core machine's CPU goes during a benchmark phase, read from Linux /proc (ticks of 10 ms): given
 * processes (the services under test), the PostgreSQL backends serving the benchmark's database, this load generator,
 * and the whole machine (busy and idle) — so "the rest" (the Kafka broker, PostgreSQL's own background processes and
 * other databases' backends, other test runs) shows. Processes that end within a phase take their CPU with them, so
 * the rest is taken from the machine's counters, not summed over processes.
 */
export interface CpuSnapshot {
  services: number;
  /** CPU seconds of each backend of the benchmark's database, by pid. */
  postgresDatabase: Map<number, number>;
  client: number;
  machineBusy: number;
  machineIdle: number;
}

/** Machine-wide busy and idle CPU seconds (all cores), from the first line of /proc/stat. */
function machineSeconds(): { busy: number; idle: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / 100, idle: (idle! + iowait!) / 100 };
}

/**
 * `databaseBackends` are the pids of the backends connected to the benchmark's database (pg_stat_activity) when the
 * snapshot is taken; the WAL writer, checkpointer and other databases' backends count in the rest of the machine.
 */
export function cpuSnapshot(servicePids: readonly number[], databaseBackends: readonly number[]): CpuSnapshot {
  const own = process.cpuUsage();
  const machine = machineSeconds();
  return {
    services: servicePids.reduce((total, pid) => total + processCpuSeconds(pid), 0),
    postgresDatabase: new Map(databaseBackends.map((pid) => [pid, processCpuSeconds(pid)])),
    client: (own.user + own.system) / 1e6,
    machineBusy: machine.busy,
    machineIdle: machine.idle,
  };
}

/**
 * CPU ms per operation between two snapshots, for each part; `rest` is the machine's busy time outside them. A backend
 * that connected during the phase counts from 0; one that ended during it (a pool closing an idle connection) took its
 * CPU with it and counts nothing — so the database's figure can be low, never negative.
 */
export function cpuMsPerOperation(before: CpuSnapshot, after: CpuSnapshot, operations: number) {
  let postgresDatabase = 0;
  for (const [pid, seconds] of after.postgresDatabase) {
    if (seconds > 0) postgresDatabase += Math.max(0, seconds - (before.postgresDatabase.get(pid) ?? 0));
  }
  const delta = (key: 'services' | 'client' | 'machineBusy' | 'machineIdle') => after[key] - before[key];
  const perOperation = (seconds: number) => Number(((seconds * 1000) / operations).toFixed(2));
  return {
    services: perOperation(delta('services')),
    postgresDatabase: perOperation(postgresDatabase),
    client: perOperation(delta('client')),
    rest: perOperation(delta('machineBusy') - delta('services') - postgresDatabase - delta('client')),
    idleShare: Number((delta('machineIdle') / (delta('machineIdle') + delta('machineBusy'))).toFixed(2)),
  };
}
