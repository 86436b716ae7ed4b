import { runServiceProcess, serviceSettingsFromEnv } from '@billing/platform';
import { startPaymentService } from './payment-service';

// Composition root: settings from the environment (see docs/payments-local.md for the STRIPE_* and CUSTOMER_* variables).
await runServiceProcess('payment', () => startPaymentService(serviceSettingsFromEnv({ service: 'payment', database: 'billing_payment', httpPort: 3004 })));
