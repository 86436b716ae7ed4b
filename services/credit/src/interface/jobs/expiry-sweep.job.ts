import { randomUUID } from 'node:crypto';
import type { SqlExecutor, UnitOfWork } from '@billing/platform';
import type { Logger } from 'pino';
import type { CreditUseCases } from '../credit-use-cases';

/**
 * Drives ExpireDue on an interval: holds past their TTL and grants past their expiry expire even on accounts nobody
 * acts on. Each tick is one transaction; ticks never overlap; several instances may sweep at once (claims skip locked
 * accounts). stop() waits for the tick in flight.
 */
export class ExpirySweepJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly unitOfWork: UnitOfWork<SqlExecutor>,
    private readonly useCases: CreditUseCases,
    private readonly logger: Logger,
    private readonly batchSize = 50,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((error: unknown) => this.logger.error({ err: error }, 'credit sweep failed'))
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many accounts it expired something on. */
  async tick(): Promise<number> {
    const { accounts, refused } = await this.unitOfWork.transaction((tx) => this.useCases.in(tx).expireDue.execute({ batchSize: this.batchSize }, { correlationId: randomUUID() }));
    for (const { customerId, error } of refused) this.logger.error({ customerId, err: error }, 'account refused to expire what is due');
    if (accounts) this.logger.info({ accounts }, 'expired due holds and grants');
    return accounts;
  }
}
