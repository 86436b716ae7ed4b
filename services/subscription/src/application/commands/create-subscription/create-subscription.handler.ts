import type { PlanRepository } from '../../../domain/plan.repository.port';
import { Subscription } from '../../../domain/subscription.aggregate';
import type { SubscriptionRepository } from '../../../domain/subscription.repository.port';
import { CustomerCurrencyMismatchError, CustomerNotFoundError } from '../../application.errors';
import { findPlanByCode } from '../../plan-lookup';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import { toSubscriptionView, type SubscriptionView } from '../../subscription.view';
import type { CreateSubscriptionCommand } from './create-subscription.command';

export interface CreateSubscriptionDeps {
  readonly subscriptions: SubscriptionRepository;
  readonly plans: PlanRepository;
  readonly customers: CustomerDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export class CreateSubscriptionHandler {
  constructor(private readonly deps: CreateSubscriptionDeps) {}

  /**
   * Subscribes a customer known to the projection to a plan priced in the customer's default currency: incomplete
   * (period 1 owed now, SubscriptionCreated asks payment for it) or trialing. Refusals write nothing:
   * CUSTOMER_NOT_FOUND, PLAN_NOT_FOUND, CUSTOMER_CURRENCY_MISMATCH, PLAN_NOT_ACTIVE.
   */
  async execute(command: CreateSubscriptionCommand): Promise<SubscriptionView> {
    const { subscriptions, plans, customers, clock, ids } = this.deps;
    const customer = await customers.find(command.customerId);
    if (!customer) throw new CustomerNotFoundError(command.customerId);
    const plan = await findPlanByCode(plans, command.planCode, command.planVersion);
    if (plan.price.currency !== customer.defaultCurrency) {
      throw new CustomerCurrencyMismatchError(customer.customerId, customer.defaultCurrency, plan.price.currency);
    }
    const subscription = Subscription.create({
      subscriptionId: ids.next(),
      customerId: customer.customerId,
      plan,
      now: clock.now(),
    });
    const view = toSubscriptionView(subscription);
    await subscriptions.save(subscription);
    return view;
  }
}
