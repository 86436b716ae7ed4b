/** Composition root of the credit service process. */
import { serviceSettingsFromEnv } from '@billing/platform';
import { startCreditService } from './credit-service';

const settings = serviceSettingsFromEnv({ service: 'credit', database: 'billing_credit', httpPort: 3002, grpcPort: 50052 });
const service = await startCreditService(settings);
service.runtime.logger.info({ http: service.httpUrl, grpcPort: service.grpcPort }, 'credit service listening');
