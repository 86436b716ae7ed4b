import type { Logger } from 'pino';
import type { ProcessDueSubscriptionsResult } from '../../application/commands/process-due-subscriptions/process-due-subscriptions.command';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';

/**
 * Drives the ProcessDueSubscriptions use case (expiries, renewals, dunning retries) every `tickMs`: the next tick
 * starts `tickMs` after the previous ended, so ticks never overlap within a process; other processes are kept apart by
 * the repository's SKIP LOCKED claims. A failed tick is logged and the next one tries again.
 */
export class RenewalSchedulerJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private readonly tick: SubscriptionEntryPoint['processDueSubscriptions'];

  constructor(
    entry: SubscriptionEntryPoint,
    private readonly tickMs: number,
    private readonly logger: Logger,
  ) {
    if (!Number.isFinite(tickMs) || tickMs < 1) throw new Error(`scheduler tick must be a positive number of ms, got ${tickMs}`);
    this.tick = entry.processDueSubscriptions;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Runs one tick now (outside the interval); for operations and tests. */
  async runOnce(): Promise<ProcessDueSubscriptionsResult> {
    return this.tick.execute();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick.execute().then(
        (result) => {
          if (result.expired || result.renewed || result.retriesRequested || result.heldApplied) {
            this.logger.info(result, 'scheduler tick');
          }
        },
        (error: unknown) => this.logger.error({ err: error }, 'scheduler tick failed'),
      );
      void this.running.finally(() => this.schedule());
    }, this.tickMs);
  }
}
