import type { SqlExecutor, UnitOfWork } from '@billing/platform';
import type { Logger } from 'pino';
import type { AccountCommand, AccountCommandOutcome } from '../domain/credit-account.decide';
import type { AccountCommandBus, RequestContext, SubmitOptions } from '../application/ports/account-command-bus.port';
import type { CreditAccountStore, QueuedCommand } from './credit-account.store';

interface Waiting extends QueuedCommand {
  resolve(outcome: AccountCommandOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit. Commands that arrive while transactions are running wait, per account, and the next transaction takes
 * the waiting commands of many accounts at once: one lock statement, one load and one write per table, one commit for
 * up to `maxBatch` commands, each still answered with its own outcome. An account is in at most one transaction at a
 * time, so its commands keep their order and batches never queue on each other's row locks.
 */
export class AccountCommandBatcher implements AccountCommandBus {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly inFlight = new Set<string>();
  private running = 0;

  constructor(
    private readonly unitOfWork: UnitOfWork<SqlExecutor>,
    private readonly store: CreditAccountStore,
    private readonly logger: Logger,
    private readonly maxConcurrent: number,
    /** Told of every committed outcome, e.g. to remember whose reservation a new one is. */
    private readonly onCommitted: (customerId: string, outcome: AccountCommandOutcome) => void = () => undefined,
    private readonly maxBatch = 500,
  ) {}

  submit(customerId: string, command: AccountCommand, context: RequestContext, options?: SubmitOptions): Promise<AccountCommandOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(customerId) ?? [];
      queue.push({ command, context, options, resolve, reject });
      this.waiting.set(customerId, queue);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent) {
      const batch = new Map<string, Waiting[]>();
      let size = 0;
      for (const [customerId, queue] of this.waiting) {
        if (size >= this.maxBatch) break;
        if (this.inFlight.has(customerId)) continue;
        batch.set(customerId, queue);
        size += queue.length;
      }
      if (batch.size === 0) return;
      for (const customerId of batch.keys()) {
        this.waiting.delete(customerId);
        this.inFlight.add(customerId);
      }
      this.running += 1;
      void this.run(batch);
    }
  }

  private async run(batch: Map<string, Waiting[]>): Promise<void> {
    try {
      const outcomes = await this.unitOfWork.transaction((tx) => this.store.applyMany(tx, batch));
      for (const [customerId, queue] of batch) {
        queue.forEach((waiting, index) => {
          const outcome = outcomes.get(customerId)![index]!;
          this.onCommitted(customerId, outcome);
          waiting.resolve(outcome);
        });
      }
    } catch (error) {
      const commands = [...batch.values()].reduce((sum, queue) => sum + queue.length, 0);
      this.logger.error({ err: error, accounts: batch.size, commands }, 'credit batch failed; every command in it failed');
      for (const queue of batch.values()) for (const waiting of queue) waiting.reject(error);
    } finally {
      for (const customerId of batch.keys()) this.inFlight.delete(customerId);
      this.running -= 1;
      this.pump();
    }
  }
}
