import { readFileSync } from 'node:fs';

/**
 * Where a two-core machine's CPU goes during a benchmark phase, read from Linux /proc (ticks of 10 ms): given
 * processes (the services under test), the PostgreSQL backends serving the benchmark's database, this load generator,
 * and the whole machine (busy and idle) — so "the rest" (the Kafka broker, PostgreSQL's own background processes and
 * other databases' backends, other test runs) shows. Processes that end within a phase take their CPU with them, so
 * the rest is taken from the machine's counters, not summed over processes.
 */
export interface CpuSnapshot {
  services: number;
  postgresDatabase: number;
  client: number;
  machineBusy: number;
  machineIdle: number;
}

/** CPU seconds used so far by a process (utime + stime); 0 once it has ended. */
export function processCpuSeconds(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Machine-wide busy and idle CPU seconds (all cores), from the first line of /proc/stat. */
function machineSeconds(): { busy: number; idle: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / 100, idle: (idle! + iowait!) / 100 };
}

/**
 * `databaseBackends` are the pids of the backends connected to the benchmark's database (pg_stat_activity): a pool's
 * connections live through a phase, so their CPU counts; the WAL writer, checkpointer and other databases' backends
 * are only in postgresAll.
 */
export function cpuSnapshot(servicePids: readonly number[], databaseBackends: readonly number[]): CpuSnapshot {
  const sum = (pids: readonly (number | string)[]) => pids.reduce<number>((total, pid) => total + processCpuSeconds(pid), 0);
  const own = process.cpuUsage();
  const machine = machineSeconds();
  return {
    services: sum(servicePids),
    postgresDatabase: sum(databaseBackends),
    client: (own.user + own.system) / 1e6,
    machineBusy: machine.busy,
    machineIdle: machine.idle,
  };
}

/** CPU ms per operation between two snapshots, for each part; `rest` is the machine's busy time outside them. */
export function cpuMsPerOperation(before: CpuSnapshot, after: CpuSnapshot, operations: number) {
  const delta = (key: keyof CpuSnapshot) => after[key] - before[key];
  const perOperation = (seconds: number) => Number(((seconds * 1000) / operations).toFixed(2));
  return {
    services: perOperation(delta('services')),
    postgresDatabase: perOperation(delta('postgresDatabase')),
    client: perOperation(delta('client')),
    rest: perOperation(delta('machineBusy') - delta('services') - delta('postgresDatabase') - delta('client')),
    idleShare: Number((delta('machineIdle') / (delta('machineIdle') + delta('machineBusy'))).toFixed(2)),
  };
}
