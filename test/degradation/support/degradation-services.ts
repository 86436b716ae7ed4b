// The real services, started in-process on infrastructure a degradation test chooses (a private PostgreSQL or Kafka
// broker for the part it takes away, the shared ones for the rest), with helpers that time every call.
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type InfrastructureConfig, loadProto, type ServiceSettings } from '@billing/platform';
import * as grpc from '@grpc/grpc-js';
import { type StripeTestServer, uniqueName } from '@billing/testkit';
import { pino, type Logger } from 'pino';
import { type RunningCreditService, startCreditService } from '../../../services/credit/src/credit-service';
import { type RunningCustomerService, startCustomerService } from '../../../services/customer/src/customer-service';

export const token = randomBytes(24).toString('base64url');

export interface TimedAnswer {
  status: number;
  // Tests read JSON bodies freely.
  body: any;
  headers: Headers;
  ms: number;
}

/** A REST call with the test token, timed; the body is parsed when it is JSON. */
export async function timedHttp(baseUrl: string, method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<TimedAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers, ms };
}

/** Every log line of a service as parsed JSON, so a test can assert what was logged (and at which level). */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;

  constructor(service: string, level = 'info') {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    this.logger = pino({ level, base: { service } }, sink);
  }

  messages(minimumLevel = 40): string[] {
    return this.lines.filter((line) => Number(line.level) >= minimumLevel).map((line) => String(line.msg));
  }
}

export const settingsFor = (service: string, infrastructure: InfrastructureConfig): ServiceSettings => ({
  service,
  database: uniqueName(`billing_${service}_degradation`),
  httpPort: 0,
  grpcPort: 0,
  infrastructure,
  serviceTokens: `tests:${token}`,
  // Its own consumer groups (and dead-letter topics), also on the shared broker.
  instance: uniqueName('degradation'),
});

export function startCustomer(settings: ServiceSettings, stripe: StripeTestServer, logger: Logger): Promise<RunningCustomerService> {
  return startCustomerService(settings, {
    stripe: { secretKey: stripe.apiKey, ...stripe.clientOptions, timeoutMs: 2_000, maxNetworkRetries: 0 },
    // The link job is not what these tests are about: it runs only if a registration left a customer unlinked.
    linkIntervalMs: 60_000,
    env: {},
    logger,
  });
}

/** consumeFromBeginning: on a private broker (no history, no start-offset race); never on the shared one. */
export function startCredit(settings: ServiceSettings, consumeFromBeginning: boolean, logger?: Logger): Promise<RunningCreditService> {
  return startCreditService(settings, { consumeFromBeginning, sweepIntervalMs: 60_000, logger });
}

/** A unary gRPC call with the test token and a deadline (a hang shows as DEADLINE_EXCEEDED), timed; never throws. */
export function timedGrpc(client: grpc.Client, method: string, request: object): Promise<{ code: grpc.status; errorCode?: string; response?: any; ms: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const call = (client as unknown as Record<string, (...args: unknown[]) => void>)[method]!.bind(client);
    call(request, metadata, { deadline: Date.now() + 10_000 }, (error: grpc.ServiceError | null, response: unknown) =>
      resolve({ code: error ? error.code : grpc.status.OK, errorCode: error?.metadata.get('error-code')[0]?.toString(), response, ms: performance.now() - started }),
    );
  });
}

export function grpcClient(protoPath: string, service: string, port: number): grpc.Client {
  const [pkg, context, version] = protoPath.split('/');
  const proto = loadProto(protoPath) as unknown as Record<string, Record<string, Record<string, Record<string, grpc.ServiceClientConstructor>>>>;
  const Client = proto[pkg!]![context!]![version!]![service]!;
  return new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

export const registration = () => ({ externalAccountId: uniqueName('acct'), email: 'ada@example.com', name: 'Ada Lovelace', defaultCurrency: 'EUR' });

export const newKey = () => randomUUID();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
