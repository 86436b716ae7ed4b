import type { DunningPolicy } from '../../../domain/dunning-policy';
import { INCOMPLETE_EXPIRY_MS, type Subscription } from '../../../domain/subscription.aggregate';
import { applyHeldPaymentResults } from '../../held-payment-application';
import type { Clock } from '../../ports/clock.port';
import type { SchedulerStores, SchedulerUnitOfWork } from '../../ports/subscription-unit-of-work.port';
import type { ProcessDueSubscriptionsResult } from './process-due-subscriptions.command';
import { retryChargeOf } from './renewal-charge';

export interface ProcessDueSubscriptionsOptions {
  readonly unitOfWork: SchedulerUnitOfWork;
  readonly clock: Clock;
  readonly dunningPolicy: DunningPolicy;
  /** Rows claimed per transaction. */
  readonly batchSize?: number;
  /** Bounds one tick, so a tick always ends; the next tick continues. */
  readonly maxBatchesPerTick?: number;
  readonly incompleteExpiryMs?: number;
}

/**
 * The scheduler's work at one instant, in three steps, each in batches of one transaction:
 *  1. expire incomplete subscriptions unpaid for 23 h;
 *  2. at each period (or trial) end: SubscriptionRenewalDue for the next period, once per period (or the cancel at
 *     period end), then any payment result that arrived early for that period;
 *  3. dunning: SubscriptionRenewalDue{attempt k} for each retry that is due, once per (period, attempt).
 * The repository claims rows with FOR UPDATE SKIP LOCKED, so schedulers running at once split the work; the
 * aggregate (once per period), the optimistic version and the unique (subscription, period, attempt) request log
 * each make a second RenewalDue for a period impossible on their own.
 */
export class ProcessDueSubscriptionsHandler {
  private readonly batchSize: number;
  private readonly maxBatches: number;

  constructor(private readonly options: ProcessDueSubscriptionsOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.maxBatches = options.maxBatchesPerTick ?? 50;
  }

  async execute(): Promise<ProcessDueSubscriptionsResult> {
    const now = this.options.clock.now();
    const expired = await this.inBatches((stores) => this.expireBatch(stores, now));
    let heldApplied = 0;
    const renewed = await this.inBatches(async (stores) => {
      const result = await this.renewBatch(stores, now);
      heldApplied += result.heldApplied;
      return result.claimed;
    });
    let retriesRequested = 0;
    await this.inBatches(async (stores) => {
      const result = await this.retryBatch(stores, now);
      retriesRequested += result.requested;
      return result.claimed;
    });
    return { expired, renewed, heldApplied, retriesRequested };
  }

  /** Runs batches until one comes back short (or the tick's bound); returns the rows handled. */
  private async inBatches(batch: (stores: SchedulerStores) => Promise<number>): Promise<number> {
    let total = 0;
    for (let round = 0; round < this.maxBatches; round += 1) {
      const handled = await this.options.unitOfWork.transaction(batch);
      total += handled;
      if (handled < this.batchSize) break;
    }
    return total;
  }

  private async expireBatch(stores: SchedulerStores, now: Date): Promise<number> {
    const expiryMs = this.options.incompleteExpiryMs ?? INCOMPLETE_EXPIRY_MS;
    const due = await stores.subscriptions.findIncompleteCreatedBefore(new Date(now.getTime() - expiryMs), this.batchSize);
    for (const subscription of due) {
      if (subscription.expireIfUnpaid(now, expiryMs)) await stores.subscriptions.save(subscription);
    }
    return due.length;
  }

  private async renewBatch(stores: SchedulerStores, now: Date): Promise<{ claimed: number; heldApplied: number }> {
    const due = await stores.subscriptions.findRenewalDue(now, this.batchSize);
    let heldApplied = 0;
    for (const subscription of due) {
      if (!subscription.markRenewalDue(now)) continue;
      heldApplied += await applyHeldPaymentResults(subscription, stores.heldPayments, now, this.options.dunningPolicy);
      await stores.subscriptions.save(subscription);
    }
    return { claimed: due.length, heldApplied };
  }

  /**
   * A retry request changes no subscription row, so a scheduler whose claim raced one that just committed can claim
   * the same subscription again; the request log's key makes that second request a no-op (false), not an event.
   */
  private async retryBatch(stores: SchedulerStores, now: Date): Promise<{ claimed: number; requested: number }> {
    const due: Subscription[] = await stores.subscriptions.findDunningAttemptDue(now, this.batchSize);
    let requested = 0;
    for (const subscription of due) {
      const attempt = subscription.dunningAttemptDue(now);
      if (attempt && (await stores.renewalRequests.requestRetry(retryChargeOf(subscription, attempt, now)))) requested += 1;
    }
    return { claimed: due.length, requested };
  }
}
