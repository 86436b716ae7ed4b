import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors';
import { ensureDirs, logDir, repoRoot, runDir } from './paths';

/** A long-running process that infra:up started and infra:down may stop: known only through its pid file. */
export interface Daemon {
  name: string;
  pid: number;
  logFile: string;
}

const pidFile = (name: string) => join(runDir, `${name}.pid`);
export const logFileOf = (name: string) => join(logDir, `${name}.log`);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The daemon we started earlier under this name, if it still runs; a stale pid file is removed. */
export function runningDaemon(name: string): Daemon | undefined {
  if (!existsSync(pidFile(name))) return undefined;
  const pid = Number(readFileSync(pidFile(name), 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return { name, pid, logFile: logFileOf(name) };
  rmSync(pidFile(name), { force: true });
  return undefined;
}

/** Starts a detached process (its own process group, so it outlives this command) logging into .cache/logs. */
export function startDaemon(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  // A test's private broker may be the first daemon of a checkout that never ran infra:up.
  ensureDirs();
  const logFile = logFileOf(name);
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env },
  });
  if (child.pid === undefined) throw new InfraError(`${name}: could not start ${command}`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return { name, pid: child.pid, logFile };
}

/** SIGTERM to the daemon's process group, SIGKILL after the grace period (at once, without SIGTERM, for 0: a crash). */
export async function stopDaemon(daemon: Daemon, graceMs = 15_000): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-daemon.pid, signal);
    } catch {
      /* already gone */
    }
  };
  if (graceMs > 0) signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(daemon.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(daemon.pid)) signalGroup('SIGKILL');
  while (isAlive(daemon.pid)) await sleep(50);
  rmSync(pidFile(daemon.name), { force: true });
}

export function portIsOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePort) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolvePort(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolvePort(false);
    });
    socket.once('error', () => resolvePort(false));
  });
}

export function tail(file: string, lines = 5): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Polls `probe` until it answers true; fails with the daemon's last log lines if it dies or time runs out. */
export async function waitUntil(daemon: Daemon, what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(daemon.pid)) {
      throw new InfraError(`${what} exited during start-up; see ${daemon.logFile}:\n${tail(daemon.logFile)}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(250);
  }
  throw new InfraError(`${what} did not answer within ${timeoutMs / 1000} s; see ${daemon.logFile}:\n${tail(daemon.logFile)}`);
}
