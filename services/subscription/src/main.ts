// Composition root: settings from the environment, the system clock, and the scheduler/dunning knobs.
import { acceleratedClockFromEnv, runServiceProcess, serviceSettingsFromEnv } from '@billing/platform';
import { DunningPolicy } from './domain/dunning-policy';
import { startSubscriptionService } from './subscription-service';

const env = process.env;
const dunningDays = env.DUNNING_RETRY_DAYS?.split(',').map((days) => Number(days.trim()));
// SUBSCRIPTION_CLOCK_RATE with CLOCK_EPOCH_MS (tests, demos): renewals on an accelerated clock; give the credit process
// the same epoch and its CREDIT_CLOCK_RATE so both agree on the time.
const clock = acceleratedClockFromEnv('SUBSCRIPTION_CLOCK_RATE');

await runServiceProcess('subscription', () =>
  startSubscriptionService(serviceSettingsFromEnv({ service: 'subscription', database: 'billing_subscription', httpPort: 3003 }), {
    clock,
    schedulerTickMs: env.SUBSCRIPTION_SCHEDULER_TICK_MS ? Number(env.SUBSCRIPTION_SCHEDULER_TICK_MS) : undefined,
    dunningPolicy: dunningDays ? DunningPolicy.of(dunningDays) : undefined,
  }),
);
