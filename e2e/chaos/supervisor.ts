/**
 * What a process supervisor (systemd, Kubernetes) does in production: a service process that exits on its own is
 * started again. The services exit when they cannot start (PostgreSQL away; a broker or registry that is down no
 * longer stops them: they serve and connect once it answers); the chaos run counts those exits and respawns them after
 * a second.
 * The fault runner pauses supervision of the process it is killing.
 */
import { type Platform, type ServiceName, serviceNames } from '../support/platform';

export class Supervisor {
  private readonly paused = new Set<ServiceName>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  /** Exits nobody asked for, per service. */
  readonly unexpectedExits: Record<ServiceName, number> = { customer: 0, credit: 0, subscription: 0, payment: 0 };

  constructor(
    private readonly platform: Platform,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), 1_000);
  }

  pause(name: ServiceName): void {
    this.paused.add(name);
  }

  resume(name: ServiceName): void {
    this.paused.delete(name);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const name of serviceNames) {
        const { child } = this.platform.services[name];
        if (this.paused.has(name) || (child.exitCode === null && child.signalCode === null)) continue;
        this.unexpectedExits[name] += 1;
        this.log(`supervisor: ${name} exited (${child.exitCode ?? child.signalCode}); starting it again`);
        await this.platform.restart(name);
      }
    } finally {
      this.checking = false;
    }
  }
}
