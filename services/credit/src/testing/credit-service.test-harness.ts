// Test-only: the real credit service in-process (port 0, own database, unique consumer groups starting at the topics'
// end), plus what tests need around it: REST and gRPC calls with the test tokens, accounts opened the way production
// opens them (CustomerRegistered on Kafka), SQL access, and teardown.
import { randomBytes, randomUUID } from 'node:crypto';
import { AvroCodec, dropDatabase, grpcChannelCredentials, type GrpcServerTls, loadProto, SchemaCatalog, type ServiceSettings } from '@billing/platform';
import { connectedProducer, eventually, publishEvent, testInfrastructure, uniqueName } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { type RunningCreditService, startCreditService } from '../credit-service';

export interface RestAnswer {
  status: number;
  // Tests read JSON bodies freely.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export const CreditServiceClient = (loadProto('billing/credit/v1/credit.proto') as unknown as { billing: { credit: { v1: { CreditService: grpc.ServiceClientConstructor } } } }).billing.credit.v1.CreditService;

type UnaryMethod = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;

const newToken = () => randomBytes(24).toString('base64url');

const unaryCall = <T>(client: grpc.Client, method: string, request: object, bearer: string | null): Promise<T> => {
  const metadata = new grpc.Metadata();
  if (bearer !== null) metadata.set('authorization', `Bearer ${bearer}`);
  const unary = client as unknown as Record<string, UnaryMethod>;
  return new Promise((resolve, reject) => unary[method]!(request, metadata, (error, response) => (error ? reject(error) : resolve(response as T))));
};

/** `sweepIntervalMs`: the expiry sweeper's interval, a minute unless a test wants holds to expire. */
export async function startCreditServiceHarness(options: { grpcTls?: GrpcServerTls; sweepIntervalMs?: number } = {}) {
  const infra = await testInfrastructure();
  const token = newToken();
  const scopedToken = newToken();
  const scopedCustomerId = `customer-${randomUUID()}`;
  const settings: ServiceSettings = {
    service: uniqueName('credit-test'),
    database: uniqueName('billing_credit_test'),
    httpPort: 0,
    grpcPort: 0,
    infrastructure: infra,
    serviceTokens: `tests:${token},scoped:${scopedToken}:${scopedCustomerId}`,
    ...(options.grpcTls ? { grpcTls: options.grpcTls } : {}),
  };
  // A long sweep interval by default: nothing expires behind a test's back.
  const overrides = { consumeFromBeginning: false, sweepIntervalMs: options.sweepIntervalMs ?? 60_000 };
  const service: RunningCreditService = await startCreditService(settings, overrides);
  await service.runtime.consumersFetching();
  const pool = new pg.Pool({ connectionString: service.runtime.databaseUrl, max: 2 });
  const producer = await connectedProducer(new Kafka({ brokers: infra.kafkaBrokers, clientId: settings.service, logLevel: logLevel.NOTHING }));
  const codec = new AvroCodec(infra.schemaRegistryUrl, SchemaCatalog.fromDirectory());
  // A host name, not an IP: TLS names the server it expects (SNI), and an IP address is not a valid name there.
  const grpcAddress = `localhost:${service.grpcPort}`;
  const client = new CreditServiceClient(grpcAddress, grpcChannelCredentials(options.grpcTls?.certFile));
  const instances: { service: RunningCreditService; client: grpc.Client }[] = [];

  const harness = {
    service,
    token,
    scopedToken,
    scopedCustomerId,
    pool,
    grpcAddress,
    client,

    async rest(method: string, path: string, call: { body?: unknown; token?: string | null; idempotencyKey?: string; headers?: Record<string, string> } = {}): Promise<RestAnswer> {
      const headers: Record<string, string> = { ...call.headers };
      const bearer = call.token === undefined ? token : call.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${service.httpUrl}${path}`, { method, headers, ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },

    /** A unary gRPC call; resolves with the response or rejects with the grpc.ServiceError. */
    call<T = any>(method: string, request: object, bearer: string | null = token): Promise<T> {
      return unaryCall<T>(client, method, request, bearer);
    },

    /**
     * Another instance of the same service, as a scale-out runs it: same database, same consumer groups, own ports and
     * its own expiry sweeper. Closed with the harness.
     */
    async startInstance() {
      const instance = await startCreditService(settings, overrides);
      const instanceClient = new CreditServiceClient(`localhost:${instance.grpcPort}`, grpcChannelCredentials(options.grpcTls?.certFile));
      instances.push({ service: instance, client: instanceClient });
      return {
        service: instance,
        call: <T = any>(method: string, request: object, bearer: string | null = token): Promise<T> => unaryCall<T>(instanceClient, method, request, bearer),
      };
    },

    /** Opens an account as production does (CustomerRegistered consumed from Kafka) and grants `credits` by REST. */
    async openAccount(customerId: string, credits: number): Promise<void> {
      await publishEvent(producer, codec, 'CustomerRegistered', { customerId, externalAccountId: customerId, email: 'a@example.com', name: null, defaultCurrency: 'EUR', occurredAt: new Date().toISOString() }, { key: customerId });
      const opened = await eventually(() => pool.query('select 1 from credit_accounts where customer_id = $1', [customerId]), (result) => result.rowCount === 1);
      if (opened.rowCount !== 1) throw new Error(`no account opened for ${customerId} from CustomerRegistered`);
      const granted = await harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount: credits, source: { type: 'MANUAL', id: randomUUID() } }, idempotencyKey: randomUUID() });
      if (granted.status !== 201) throw new Error(`grant refused: ${JSON.stringify(granted.body)}`);
    },

    async close(): Promise<void> {
      for (const instance of instances) {
        instance.client.close();
        await instance.service.close();
      }
      client.close();
      await producer.disconnect();
      await pool.end();
      await service.close();
      await dropDatabase(infra.databaseUrl, settings.database);
    },
  };
  return harness;
}

export type CreditServiceHarness = Awaited<ReturnType<typeof startCreditServiceHarness>>;
