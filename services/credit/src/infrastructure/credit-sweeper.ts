import { randomUUID } from 'node:crypto';
import type { SqlExecutor, UnitOfWork } from '@billing/platform';
import type { Logger } from 'pino';
import type { CreditAccountStore } from './credit-account.store';

/**
 * ExpireReservations and ExpireGrants: claims accounts with a hold past its TTL or a grant past its expiry, FOR UPDATE
 * SKIP LOCKED (an account busy with a command is skipped — that command expires what is due itself), and expires them.
 * Several service instances may sweep at once without waiting on each other.
 */
export class CreditSweeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly unitOfWork: UnitOfWork<SqlExecutor>,
    private readonly store: CreditAccountStore,
    private readonly logger: Logger,
    private readonly now: () => Date,
    private readonly batchSize = 50,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
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
  async sweep(): Promise<number> {
    return this.unitOfWork.transaction(async (tx) => {
      const due = await tx.query<{ customer_id: string }>(
        `select customer_id from credit_accounts where account_id in (
           select account_id from credit_reservations where status = 'HELD' and expires_at <= $1
           union
           select account_id from credit_grants where remaining > held and expires_at <= $1)
         limit $2 for update skip locked`,
        [this.now(), this.batchSize],
      );
      for (const { customer_id: customerId } of due) {
        await this.store.apply(tx, customerId, [{ command: { type: 'Expire' }, context: { correlationId: randomUUID() } }]);
      }
      if (due.length) this.logger.info({ accounts: due.length }, 'expired due holds and grants');
      return due.length;
    });
  }
}
