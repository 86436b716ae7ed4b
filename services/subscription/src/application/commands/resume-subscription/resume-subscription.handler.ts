import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import type { Clock } from '../../ports/clock.port';
import { visibleTo } from '../../subscription-lookup';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { ResumeSubscriptionCommand } from './resume-subscription.command';

export interface ResumeSubscriptionDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly clock: Clock;
}

export class ResumeSubscriptionHandler {
  constructor(private readonly deps: ResumeSubscriptionDeps) {}

  /**
   * Withdraws a cancel at period end while the period runs; without one it changes nothing.
   * Throws SUBSCRIPTION_NOT_FOUND, FORBIDDEN (another customer's, for a scoped caller), SUBSCRIPTION_ALREADY_CANCELED,
   * INVALID_TRANSITION (period already ended).
   */
  async execute(command: ResumeSubscriptionCommand): Promise<{ subscription: SubscriptionView; changed: boolean }> {
    const { subscriptions, clock } = this.deps;
    const subscription = visibleTo(
      await subscriptions.findById(command.subscriptionId),
      command.subscriptionId,
      command.customerScope,
    );
    const changed = subscription.resume(clock.now());
    if (changed) await subscriptions.save(subscription);
    return { subscription: toSubscriptionView(subscription), changed };
  }
}
