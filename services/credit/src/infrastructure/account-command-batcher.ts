import type { SqlExecutor, UnitOfWork } from '@billing/platform';
import type { Logger } from 'pino';
import type { AccountCommand, AccountCommandOutcome } from '../application/account-command';
import type { AccountCommandBus, RequestContext, SubmitOptions } from '../application/ports/account-command-bus.port';
import type { CreditAccountStore, QueuedCommand } from './credit-account.store';

interface Waiting extends QueuedCommand {
  resolve(outcome: AccountCommandOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit per account. Commands for one account that arrive while its previous transaction runs wait in a queue
 * and go together into the next one: one row lock, one load, one write of each kind, one commit for up to `maxBatch`
 * commands, each still answered with its own outcome. Accounts never wait for each other.
 */
export class AccountCommandBatcher implements AccountCommandBus {
  private readonly queues = new Map<string, Waiting[]>();

  constructor(
    private readonly unitOfWork: UnitOfWork<SqlExecutor>,
    private readonly store: CreditAccountStore,
    private readonly logger: Logger,
    private readonly maxBatch = 200,
  ) {}

  submit(customerId: string, command: AccountCommand, context: RequestContext, options?: SubmitOptions): Promise<AccountCommandOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(customerId);
      const waiting: Waiting = { command, context, options, resolve, reject };
      if (queue) {
        queue.push(waiting);
        return;
      }
      this.queues.set(customerId, [waiting]);
      void this.drain(customerId);
    });
  }

  private async drain(customerId: string): Promise<void> {
    const queue = this.queues.get(customerId)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.unitOfWork.transaction((tx) => this.store.apply(tx, customerId, batch));
        batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
      } catch (error) {
        this.logger.error({ err: error, customerId, commands: batch.length }, 'credit batch failed; every command in it failed');
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.queues.delete(customerId);
  }
}
