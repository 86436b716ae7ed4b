/** Composition root of the credit service process. */
import { acceleratedClockFromEnv, runServiceProcess, serviceSettingsFromEnv } from '@billing/platform';
import { startCreditService } from './credit-service';

// CREDIT_CLOCK_RATE with CLOCK_EPOCH_MS (tests, demos): grant and hold expiry on an accelerated clock.
const clock = acceleratedClockFromEnv('CREDIT_CLOCK_RATE');
await runServiceProcess('credit', async () => {
  const settings = serviceSettingsFromEnv({ service: 'credit', database: 'billing_credit', httpPort: 3002, grpcPort: 3052 });
  const service = await startCreditService(settings, clock ? { clock } : {});
  service.runtime.logger.info({ http: service.httpUrl, grpcPort: service.grpcPort }, 'credit service listening');
});
