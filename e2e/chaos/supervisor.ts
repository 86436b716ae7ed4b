/**
 * What a process supervisor (systemd, Kubernetes) does in production: a service process that exits on its own is
 * started again. The services exit when they cannot start (PostgreSQL away; a broker or registry that is down no
 * longer stops them: they serve and connect once it answers); the chaos run counts those exits and respawns them after
 * a second.
 * The fault runner pauses supervision of the process it is killing.
 */
import { type Platform, type ServiceName, serviceNames } from '../support/platform';

export class Supervisor {
  private readonly paused = new Set<string>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  /** Exits nobody asked for, per instance label. */
  readonly unexpectedExits: Record<string, number> = {};

  constructor(
    private readonly platform: Platform,
    private readonly log: (line: string) => void,
  ) {
    for (const name of serviceNames) for (const instance of platform.instances[name]) this.unexpectedExits[instance.label] = 0;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), 1_000);
  }

  pause(name: ServiceName, index = 0): void {
    this.paused.add(this.platform.instances[name][index]!.label);
  }

  resume(name: ServiceName, index = 0): void {
    this.paused.delete(this.platform.instances[name][index]!.label);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const name of serviceNames) {
        for (const { label, index, child } of this.platform.instances[name]) {
          if (this.paused.has(label) || (child.exitCode === null && child.signalCode === null)) continue;
          this.unexpectedExits[label] = (this.unexpectedExits[label] ?? 0) + 1;
          this.log(`supervisor: ${label} exited (${child.exitCode ?? child.signalCode}); starting it again`);
          await this.platform.restart(name, index);
        }
      }
    } finally {
      this.checking = false;
    }
  }
}
