/**
 * The AI gateway: a product service that charges credits per completion through @billing/client and keeps its own
 * view of who may call from the billing events. Configuration from the environment (see README.md).
 */
import { createCreditClient, subscribeToBillingEvents } from '@billing/client';
import { CustomerAccess } from './access.js';
import { gatewayServer } from './gateway.js';

const env = (name: string, fallback?: string) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};

const minimumCharge = 1;
const credits = createCreditClient({ url: env('CREDIT_GRPC_URL', '127.0.0.1:3052'), token: env('BILLING_TOKEN') });
const access = new CustomerAccess();
const events = await subscribeToBillingEvents({
  brokers: env('KAFKA_BROKERS', '127.0.0.1:9092').split(','),
  registryUrl: env('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081/apis/ccompat/v7'),
  groupId: env('GROUP_ID', 'ai-gateway'),
  handlers: {
    CreditBalanceLow: async (event) => access.balanceLow(event.payload.customerId, event.payload.available, event.occurredAt, minimumCharge),
    SubscriptionCanceled: async (event) => access.block(event.payload.customerId, 'subscription_canceled'),
    CreditsGranted: async (event) => access.unblock(event.payload.customerId),
  },
});
let fetching = false;
void events.fetching.then(() => {
  fetching = true;
  console.log(JSON.stringify({ level: 'info', msg: 'billing events fetching' }));
});

const server = gatewayServer({
  credits,
  access,
  defaultMaxTokens: Number(env('DEFAULT_MAX_TOKENS', '100')),
  modelLatencyMs: Number(env('MODEL_LATENCY_MS', '20')),
  holdTtlSeconds: Number(env('HOLD_TTL_SECONDS', '60')),
  ready: () => fetching,
});
server.listen(Number(env('PORT', '8080')), '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ level: 'info', msg: 'ai-gateway listening', port: typeof address === 'object' && address ? address.port : undefined }));
});

const stop = async () => {
  server.close();
  await events.stop();
  credits.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
