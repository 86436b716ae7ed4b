/** Composition root of the customer service process: settings from the environment, everything else in customer-service.ts. */
import { runServiceProcess, serviceSettingsFromEnv } from '@billing/platform';
import { startCustomerService } from './customer-service';

await runServiceProcess('customer', async () => {
  const settings = serviceSettingsFromEnv({ service: 'customer', database: 'billing_customer', httpPort: 3001, grpcPort: 3051 });
  const service = await startCustomerService(settings);
  service.runtime.logger.info({ http: service.httpUrl, grpcPort: service.grpcPort }, 'customer service listening');
});
