import { AvroCodec, SchemaCatalog } from '@billing/platform';
import { testInfrastructure } from '@billing/testkit';
import { expect } from 'chai';
import { DunningPolicy } from '../domain/dunning-policy';
import type { SubscriptionDomainEvent } from '../domain/events/subscription.domain-event';
import { SUBSCRIPTION_DOMAIN_EVENT_TYPES } from '../domain/events/subscription.domain-event';
import { Plan } from '../domain/plan.entity';
import { Subscription } from '../domain/subscription.aggregate';
import { retryToIntegrationEvent, toIntegrationEvent } from './integration-events';

const DAY_MS = 86_400_000;
const at = (iso: string) => new Date(iso);

function plan(overrides: Partial<Parameters<typeof Plan.create>[0]> = {}): Plan {
  return Plan.create({
    planId: 'plan-pro',
    code: 'pro',
    name: 'Pro',
    price: { amount: 2_900, currency: 'EUR' },
    interval: 'month',
    creditsPerPeriod: 1_000,
    creditRollover: false,
    trialDays: 0,
    ...overrides,
  });
}

/** One of every domain event, from real commands (a trial, an upgrade in it, an upgrade declined then paid, renewals, dunning, a cancel). */
function everyEvent(): SubscriptionDomainEvent[] {
  const trial = Subscription.create({ subscriptionId: 'sub-t', customerId: 'cus-1', plan: plan({ trialDays: 7 }), now: at('2030-01-01T00:00:00Z') });
  trial.changePlan(plan({ planId: 'plan-max', code: 'max', price: { amount: 9_900, currency: 'EUR' } }), at('2030-01-02T00:00:00Z'));
  const subscription = Subscription.create({ subscriptionId: 'sub-1', customerId: 'cus-1', plan: plan({ lowBalanceThreshold: 250 }), now: at('2030-01-31T10:00:00Z') });
  subscription.recordPaymentSucceeded(1, at('2030-01-31T10:05:00Z'));
  const max = plan({ planId: 'plan-max', code: 'max', price: { amount: 9_900, currency: 'EUR' } });
  subscription.changePlan(max, at('2030-02-10T00:00:00Z'), 'chg-1');
  subscription.recordUpgradePaymentFailed('chg-1', 'card_declined', at('2030-02-10T00:00:01Z'));
  subscription.changePlan(max, at('2030-02-11T00:00:00Z'), 'chg-2');
  subscription.recordUpgradePaymentSucceeded('chg-2', { amount: subscription.upgrade!.amount, currency: 'EUR' }, at('2030-02-11T00:00:01Z'));
  subscription.markRenewalDue(at('2030-02-28T10:05:00Z'));
  subscription.recordPaymentFailed(2, 1, at('2030-02-28T11:00:00Z'), DunningPolicy.standard());
  subscription.recordPaymentSucceeded(2, at('2030-03-01T11:00:00Z'));
  subscription.cancel('now', at('2030-03-05T00:00:00Z'));
  return [...trial.pullEvents(), ...subscription.pullEvents()];
}

describe('Subscription integration events (real schema registry)', function () {
  this.timeout(20_000);

  it('maps every domain event to a payload its Avro schema encodes, and decodes back unchanged', async () => {
    const codec = new AvroCodec((await testInfrastructure()).schemaRegistryUrl, SchemaCatalog.fromDirectory());
    const events = everyEvent();
    expect([...new Set(events.map((event) => event.type))].sort()).to.deep.equal([...SUBSCRIPTION_DOMAIN_EVENT_TYPES].sort());
    const mapped = [
      ...events.map(toIntegrationEvent),
      retryToIntegrationEvent({
        subscriptionId: 'sub-1',
        customerId: 'cus-1',
        planId: 'plan-max',
        planVersion: 1,
        periodIndex: 2,
        periodStart: at('2030-02-28T10:05:00Z'),
        periodEnd: at('2030-03-31T10:05:00Z'),
        amount: 9_900,
        currency: 'EUR',
        attempt: 2,
        occurredAt: new Date(at('2030-02-28T11:00:00Z').getTime() + DAY_MS),
      }),
    ];
    for (const event of mapped) {
      const { topic, value } = await codec.encode(event.eventType, event.payload);
      expect(topic).to.equal('billing.subscription.v1');
      expect(await codec.decode(value), event.eventType).to.deep.equal(event.payload);
    }
    expect(mapped.find((event) => event.eventType === 'SubscriptionActivated')!.payload).to.include({ lowBalanceThreshold: 250 });
    const planChanges = mapped.filter((event) => event.eventType === 'SubscriptionPlanChanged').map((event) => event.payload);
    expect(planChanges.map((payload) => 'periodIndex' in payload && payload.periodIndex)).to.deep.equal([null, 1]);
  });
});
