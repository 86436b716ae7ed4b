// Composition root: settings from the environment, the system clock, and the scheduler/dunning knobs.
import { serviceSettingsFromEnv } from '@billing/platform';
import { DunningPolicy } from './domain/dunning-policy';
import { startSubscriptionService } from './subscription-service';

const env = process.env;
const dunningDays = env.DUNNING_RETRY_DAYS?.split(',').map((days) => Number(days.trim()));

await startSubscriptionService(serviceSettingsFromEnv({ service: 'subscription', database: 'billing_subscription', httpPort: 3003 }), {
  schedulerTickMs: env.SUBSCRIPTION_SCHEDULER_TICK_MS ? Number(env.SUBSCRIPTION_SCHEDULER_TICK_MS) : undefined,
  dunningPolicy: dunningDays ? DunningPolicy.of(dunningDays) : undefined,
});
