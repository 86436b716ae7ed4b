/** Clients of the public interfaces only: REST, the credit gRPC API, Stripe (the test server), and Kafka as an outsider. */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { loadProto } from '@billing/platform';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import Stripe from 'stripe';
import { uniqueName } from '@billing/testkit';
import type { Platform, ServiceName } from './platform';

export interface RestResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** REST against one service with the run's service token; writes get a fresh Idempotency-Key unless one is given. */
export function restClient(platform: Platform, service: ServiceName) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse> => {
    const response = await fetch(`${platform.services[service].httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${platform.token}`,
        ...(method === 'GET' ? {} : { 'idempotency-key': randomUUID() }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

export interface CreditGrpc {
  call<T = any>(method: 'GetBalance' | 'Reserve' | 'Capture' | 'Release' | 'ListLedger', request: object): Promise<T>;
  close(): void;
}

/**
 * `deadlineMs`: each call fails with DEADLINE_EXCEEDED after that long (a killed server otherwise leaves a call hanging).
 * With several credit instances the channel balances round-robin over their addresses, skipping those it cannot
 * connect to, as a client-side load balancer does. Its reconnect backoff is capped at 1 s (gRPC's default grows to
 * 120 s): an instance that was down for 45 s was otherwise retried only ~17 s later, and when the other instance died
 * meanwhile the channel had no address to use for that long although both were up.
 */
export function creditGrpcClient(platform: Platform, options: { deadlineMs?: number } = {}): CreditGrpc {
  const proto = loadProto('billing/credit/v1/credit.proto') as any;
  const addresses = platform.instances.credit.map((instance) => instance.grpcAddress!);
  const client =
    addresses.length === 1
      ? new proto.billing.credit.v1.CreditService(addresses[0], grpc.credentials.createInsecure())
      : new proto.billing.credit.v1.CreditService(`ipv4:${addresses.join(',')}`, grpc.credentials.createInsecure(), {
          'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
          'grpc.initial_reconnect_backoff_ms': 200,
          'grpc.max_reconnect_backoff_ms': 1_000,
        });
  return {
    call: (method, request) =>
      new Promise((resolveCall, reject) => {
        const metadata = new grpc.Metadata();
        metadata.set('authorization', `Bearer ${platform.token}`);
        const callback = (error: grpc.ServiceError | null, response: any) => (error ? reject(error) : resolveCall(response));
        if (options.deadlineMs === undefined) client[method](request, metadata, callback);
        else client[method](request, metadata, { deadline: Date.now() + options.deadlineMs }, callback);
      }),
    close: () => client.close(),
  };
}

/** The Stripe SDK pointed at the local test server: what the customer's browser / the Stripe dashboard would do. */
export const stripeClient = (platform: Platform) => new Stripe(platform.stripe.apiKey, { ...platform.stripe.clientOptions, maxNetworkRetries: 0 });

/** The exact body of the test server's latest `type` event about `objectId`, signed as Stripe signs a webhook. */
export function signedStripeEvent(platform: Platform, type: string, objectId: string): { id: string; payload: string; signature: string } {
  const event = [...platform.stripe.events()].reverse().find((candidate) => {
    const object = candidate.data.object as unknown as { id: string; payment_intent?: string };
    return candidate.type === type && (object.id === objectId || object.payment_intent === objectId);
  });
  if (!event) throw new Error(`the Stripe test server has no ${type} event for ${objectId}`);
  const payload = platform.stripe.webhookPayload(event.id);
  return { id: event.id, payload, signature: platform.stripe.signWebhook(payload, platform.webhookSecret) };
}

/** POSTs a signed Stripe event to the payment service's webhook endpoint, as Stripe would. */
export async function deliverWebhook(platform: Platform, type: string, objectId: string): Promise<RestResponse> {
  const { payload, signature } = signedStripeEvent(platform, type, objectId);
  const response = await fetch(`${platform.services.payment.httpUrl}/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export interface DecodedEvent {
  topic: string;
  key: string | undefined;
  eventType: string | undefined;
  eventId: string | undefined;
  correlationId: string | undefined;
  causationId: string | undefined;
  payload: Record<string, any>;
}

export const billingTopics = ['billing.customer.v1', 'billing.subscription.v1', 'billing.payment.v1', 'billing.credit.v1'] as const;

/**
 * A user's own service listening to the billing topics: plain kafkajs in its own group, starting at the end of each
 * topic, decoding with the Confluent schema-registry client. Keeps what it could decode; counts what it could not.
 */
export class OutsideConsumer {
  readonly events: DecodedEvent[] = [];
  undecodable = 0;
  private consumer?: Consumer;
  private readonly registry: SchemaRegistry;
  private readonly kafka: Kafka;

  constructor(platform: Pick<Platform, 'infra'>) {
    this.kafka = new Kafka({ brokers: platform.infra.kafkaBrokers, clientId: 'e2e-outside-consumer', logLevel: logLevel.NOTHING });
    this.registry = new SchemaRegistry({ host: platform.infra.schemaRegistryUrl });
  }

  /** Resolves once the group is joined and the first fetch is done (start offsets resolved). */
  async start(): Promise<void> {
    this.consumer = this.kafka.consumer({ groupId: uniqueName('e2e_outside'), allowAutoTopicCreation: false });
    let joined = false;
    const fetching = new Promise<void>((resolveFetching) => {
      this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => (joined = true));
      this.consumer!.on(this.consumer!.events.FETCH, () => joined && resolveFetching());
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...billingTopics], fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        await this.decode(topic, message);
      },
    });
    await fetching;
  }

  private async decode(topic: string, message: KafkaMessage): Promise<void> {
    const header = (name: string) => message.headers?.[name]?.toString();
    try {
      const payload = (await this.registry.decode(message.value!)) as Record<string, any>;
      this.events.push({
        topic,
        key: message.key?.toString(),
        eventType: header('event-type'),
        eventId: header('event-id'),
        correlationId: header('correlation-id'),
        causationId: header('causation-id'),
        payload,
      });
    } catch {
      this.undecodable += 1;
    }
  }

  of(customerIds: readonly string[]): DecodedEvent[] {
    return this.events.filter((event) => customerIds.includes(event.payload.customerId));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
