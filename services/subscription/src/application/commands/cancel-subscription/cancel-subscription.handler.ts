import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { InvalidArgumentError } from '../../../domain/subscription.errors';
import type { Clock } from '../../ports/clock.port';
import { visibleTo } from '../../subscription-lookup';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { CancelSubscriptionCommand } from './cancel-subscription.command';

export interface CancelSubscriptionDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly clock: Clock;
}

export class CancelSubscriptionHandler {
  constructor(private readonly deps: CancelSubscriptionDeps) {}

  /**
   * 'now' ends the subscription (SubscriptionCanceled); 'at_period_end' marks it, and the scheduler cancels at the
   * period end instead of asking for the next payment. A repeat of 'at_period_end' changes nothing.
   * Throws SUBSCRIPTION_NOT_FOUND, FORBIDDEN (another customer's, for a scoped caller), SUBSCRIPTION_ALREADY_CANCELED,
   * INVALID_TRANSITION.
   */
  async execute(command: CancelSubscriptionCommand): Promise<{ subscription: SubscriptionView; changed: boolean }> {
    if (command.mode !== 'now' && command.mode !== 'at_period_end') {
      throw new InvalidArgumentError(`mode must be now or at_period_end, got ${String(command.mode)}`, { argument: 'mode' });
    }
    const { subscriptions, clock } = this.deps;
    const subscription = visibleTo(
      await subscriptions.findById(command.subscriptionId),
      command.subscriptionId,
      command.customerScope,
    );
    const changed = subscription.cancel(command.mode, clock.now());
    if (changed) await subscriptions.save(subscription);
    return { subscription: toSubscriptionView(subscription), changed };
  }
}
