import { randomUUID } from 'node:crypto';
import { loadProto } from '@billing/platform';
import { grpcMethods, signWebhook } from '@billing/testkit';
import * as grpc from '@grpc/grpc-js';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import { type CreditServiceHarness, startCreditServiceHarness } from '../../services/credit/src/testing/credit-service.test-harness';
import { registrationBody, startCustomerServiceHarness } from '../../services/customer/src/testing/customer-service.test-harness';
import {
  activeSubscription,
  createdPlan,
  registeredCustomer,
  SCOPED_TOKEN,
  startTestService as startSubscriptionTestService,
  type TestService as SubscriptionTestService,
  TOKEN as SUBSCRIPTION_TOKEN,
} from '../../services/subscription/src/subscription-service.test-harness';
import { startPaymentHarness } from '../../services/payment/src/testing/payment-service.test-harness';

// The one REST/gRPC contract (docs/api.md), checked from the outside on every service that is on the kit: walk the
// service's /openapi.json and call every operation for real. A service joins by adding a row to `services` below.

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;

type Json = Record<string, any>;

/** A request that succeeds for an operation, made fresh for each call (e.g. a new customer for a deactivate). */
interface OperationRequest {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Headers an operation authenticated otherwise needs (payment's Stripe webhook: Stripe-Signature). */
  headers?: Record<string, string>;
}

interface RunningService {
  httpUrl: string;
  grpcPort?: number;
  /** A token for every customer. */
  token: string;
  /** A token scoped to a customer none of the fixtures' data belongs to. */
  scopedToken: string;
  close(): Promise<void>;
}

interface ServiceUnderContract {
  name: string;
  start(): Promise<RunningService>;
  /** Every operationId of a POST that creates a resource (answers 201); every other POST is an action (200). */
  creates: string[];
  /** Every operationId that lists a collection (each must answer the one envelope and page). */
  lists: string[];
  /** Operations answering `{ data }` that are a bounded series, not a collection (a chart's points): never paged. */
  series?: string[];
  /** For each operationId: a request that succeeds with the full token, on data of a customer the scoped token is not for. */
  request(service: RunningService, operationId: string): Promise<OperationRequest>;
  /** For each list: makes at least two items it lists, and returns the query (filters) that lists them. */
  seedList(service: RunningService, operationId: string): Promise<Record<string, string>>;
  /** The gRPC service (from proto/) and, per method, a request on another customer's data; none for a REST-only service. */
  grpc?: { proto: string; service: string; request(service: RunningService, method: string): Promise<Record<string, unknown>> };
}

async function call(
  service: RunningService,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; query?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? service.token}`, ...options.headers };
  if (method !== 'GET') headers['idempotency-key'] = randomUUID();
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const query = new URLSearchParams(options.query ?? {}).toString();
  const response = await fetch(`${service.httpUrl}${path}${query ? `?${query}` : ''}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
}

const pathWith = (template: string, params: Record<string, string> = {}) =>
  template.replaceAll(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for path parameter ${name} of ${template}`);
    return encodeURIComponent(params[name]!);
  });

interface Operation {
  method: string;
  path: string;
  id: string;
  spec: Json;
  successStatus: number;
  successSchema: Json;
}

function operationsOf(document: Json): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, spec]) => {
      const success = Object.keys(spec.responses).filter((status) => status.startsWith('2'));
      expect(success, `${method} ${path}: one success status`).to.have.length(1);
      return {
        method: method.toUpperCase(),
        path,
        id: spec.operationId as string,
        spec,
        successStatus: Number(success[0]),
        successSchema: spec.responses[success[0]!].content?.['application/json']?.schema,
      };
    }),
  );
}

const isList = (operation: Operation) => operation.successSchema?.properties?.data?.type === 'array';
const documentsForbidden = (operation: Operation) => (operation.spec.responses['403']?.description ?? '').split(', ').includes('FORBIDDEN');

// ------------------------------------------------------------------------------------------------------------------
// The table: one row per service on the kit.

const customer: ServiceUnderContract = {
  name: 'customer',
  async start() {
    const harness = await startCustomerServiceHarness();
    return { httpUrl: harness.service.httpUrl, grpcPort: harness.service.grpcPort, token: harness.token, scopedToken: harness.scopedToken, close: () => harness.close() };
  },
  creates: ['registerCustomer'],
  lists: ['listCustomers'],
  async request(service, operationId) {
    const newCustomer = async () => (await call(service, 'POST', '/v1/customers', { body: registrationBody() })).body.customer as { id: string };
    switch (operationId) {
      case 'registerCustomer':
        return { body: registrationBody() };
      case 'listCustomers':
        return {};
      case 'getCustomer':
      case 'deactivateCustomer':
        return { params: { customerId: (await newCustomer()).id } };
      case 'updateCustomer':
        return { params: { customerId: (await newCustomer()).id }, body: { name: 'Grace Hopper' } };
      default:
        throw new Error(`no request for ${operationId}: add one`);
    }
  },
  async seedList(service) {
    for (let i = 0; i < 2; i += 1) await call(service, 'POST', '/v1/customers', { body: registrationBody() });
    return {};
  },
  grpc: {
    proto: 'billing/customer/v1/customer.proto',
    service: 'billing.customer.v1.CustomerService',
    async request(service, method) {
      const registered = (await call(service, 'POST', '/v1/customers', { body: registrationBody() })).body.customer as {
        id: string;
        externalAccountId: string;
        gatewayLinks: { gatewayCustomerId: string }[];
      };
      const requests: Record<string, Record<string, unknown>> = {
        GetCustomer: { customerId: registered.id },
        GetCustomerByExternalId: { externalAccountId: registered.externalAccountId },
        GetCustomerByGatewayId: { gateway: 'stripe', gatewayCustomerId: registered.gatewayLinks[0]?.gatewayCustomerId ?? '' },
        ListCustomers: {},
      };
      if (!requests[method]) throw new Error(`no request for ${method}: add one`);
      return requests[method]!;
    },
  },
};

/** The subscription service: its customers come from CustomerRegistered events the harness publishes. */
function subscriptionContract(): ServiceUnderContract {
  let t: SubscriptionTestService;
  /** The customer the list of subscriptions was seeded for (the list test asks for its request after seeding). */
  let listedCustomer: string | undefined;
  const newPlan = async () => (await createdPlan(t)).code;
  const newSubscription = async () => {
    const customerId = await registeredCustomer(t);
    const created = await t.write('/v1/subscriptions', { customerId, planCode: await newPlan() });
    return { customerId, id: created.body.id as string };
  };
  return {
    name: 'subscription',
    async start() {
      // No scheduler: nothing but the calls below changes a subscription.
      t = await startSubscriptionTestService({ overrides: { runScheduler: false } });
      return { httpUrl: t.service.httpUrl, token: SUBSCRIPTION_TOKEN, scopedToken: SCOPED_TOKEN, close: () => t.dispose() };
    },
    creates: ['createPlan', 'addPlanVersion', 'createSubscription'],
    lists: ['listPlans', 'listCustomerSubscriptions'],
    async request(_service, operationId): Promise<OperationRequest> {
      switch (operationId) {
        case 'createPlan':
          return { body: { code: `plan-${randomUUID()}`, name: 'Pro', price: { amount: 2_900, currency: 'EUR' }, interval: 'month', creditsPerPeriod: 1_000 } };
        case 'addPlanVersion':
          return { params: { code: await newPlan() }, body: { price: { amount: 3_900, currency: 'EUR' } } };
        case 'listPlans':
          return {};
        case 'getPlan':
          return { params: { code: await newPlan() }, query: { version: '1' } };
        case 'createSubscription':
          return { body: { customerId: await registeredCustomer(t), planCode: await newPlan() } };
        case 'listCustomerSubscriptions':
          return { params: { customerId: listedCustomer ?? (await registeredCustomer(t)) } };
        case 'getSubscription':
          return { params: { id: (await newSubscription()).id } };
        case 'cancelSubscription':
          return { params: { id: (await newSubscription()).id }, body: { mode: 'now' } };
        case 'resumeSubscription':
          return { params: { id: (await activeSubscription(t)).id } };
        case 'changePlan': {
          const { id } = await activeSubscription(t);
          return { params: { id }, body: { planCode: (await createdPlan(t, { price: { amount: 9_900, currency: 'EUR' } })).code } };
        }
        default:
          throw new Error(`no request for ${operationId}: add one`);
      }
    },
    async seedList(_service, operationId) {
      if (operationId === 'listPlans') {
        for (let i = 0; i < 2; i += 1) await newPlan();
        return {};
      }
      const { customerId } = await newSubscription();
      await t.write('/v1/subscriptions', { customerId, planCode: await newPlan() });
      listedCustomer = customerId;
      return {};
    },
  };
}

let paymentHarness: Awaited<ReturnType<typeof startPaymentHarness>>;

const payment: ServiceUnderContract = {
  name: 'payment',
  async start() {
    paymentHarness = await startPaymentHarness();
    return { httpUrl: paymentHarness.service.httpUrl, token: paymentHarness.token, scopedToken: paymentHarness.scopedToken, close: () => paymentHarness.close() };
  },
  creates: ['createTopUp', 'createTopUpPack', 'refundPayment'],
  lists: ['listPayments', 'listTopUpPacks', 'listPaymentWebhookDeliveries'],
  async request(_service, operationId): Promise<OperationRequest> {
    const h = paymentHarness;
    const linkedCustomer = async () => {
      const customerId = randomUUID();
      const stripeCustomer = await h.stripe.customers.create({ email: `${customerId}@example.com`, invoice_settings: { default_payment_method: 'pm_card_visa' } });
      h.customerService.link(customerId, stripeCustomer.id);
      return customerId;
    };
    const topUp = async () => {
      const created = await h.api('POST', '/v1/top-ups', { body: { customerId: await linkedCustomer(), packCode: await h.pack(), currency: 'EUR' }, idempotencyKey: randomUUID() });
      return created.body as { paymentId: string; customerId: string };
    };
    const newPack = async () => h.pack(1 + Math.floor(Math.random() * 1_000_000), 1_000);
    /** A top-up paid at the Stripe server, its payment_intent.succeeded delivered twice (applied, then duplicate). */
    const paidTopUp = async () => {
      const { paymentId } = await topUp();
      const intentId = (await h.api('GET', `/v1/payments/${paymentId}`)).body.gatewayPaymentIntentId as string;
      await h.stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
      const succeeded = h.eventPayload('payment_intent.succeeded', intentId);
      for (let i = 0; i < 2; i += 1) await h.deliver(succeeded.payload);
      return paymentId;
    };
    switch (operationId) {
      case 'createTopUp':
        return { body: { customerId: await linkedCustomer(), packCode: await h.pack(), currency: 'EUR' } };
      case 'getPayment':
        return { params: { paymentId: (await topUp()).paymentId } };
      case 'listPayments':
        return { query: { customerId: (await topUp()).customerId } };
      case 'refundPayment':
        return { params: { paymentId: await paidTopUp() }, body: { amount: 100 } };
      case 'listPaymentWebhookDeliveries':
        return { params: { paymentId: await paidTopUp() } };
      case 'createTopUpPack':
        return { body: { code: `c-${randomUUID().slice(0, 8)}`, credits: 100, prices: [{ amount: 500, currency: 'EUR' }] } };
      case 'listTopUpPacks':
        return {};
      case 'changeTopUpPack':
        return { params: { code: await newPack() }, body: { credits: 700 } };
      case 'deactivateTopUpPack':
        return { params: { code: await newPack() } };
      case 'receiveStripeWebhook': {
        // Signed as Stripe signs; a type payment does not handle is acknowledged (200) and changes nothing.
        const event = { id: `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_x' } } };
        return { body: event, headers: { 'stripe-signature': signWebhook(JSON.stringify(event), h.webhookSecret) } };
      }
      default:
        throw new Error(`no request for ${operationId}: add one`);
    }
  },
  async seedList(_service, operationId): Promise<Record<string, string>> {
    const h = paymentHarness;
    if (operationId === 'listTopUpPacks') {
      for (let i = 0; i < 2; i += 1) await h.pack(1 + Math.floor(Math.random() * 1_000_000), 1_000);
      return {};
    }
    // Its request's payment already has two deliveries.
    if (operationId === 'listPaymentWebhookDeliveries') return {};
    const customerId = randomUUID();
    const stripeCustomer = await h.stripe.customers.create({ email: `${customerId}@example.com` });
    h.customerService.link(customerId, stripeCustomer.id);
    const packCode = await h.pack();
    for (let i = 0; i < 2; i += 1) await h.api('POST', '/v1/top-ups', { body: { customerId, packCode, currency: 'EUR' }, idempotencyKey: randomUUID() });
    return { customerId };
  },
};

/** Credit: one account (not the scoped token's customer) with credits to spare; each operation on a reservation gets a fresh one. */
const credit = (): ServiceUnderContract => {
  let harness: CreditServiceHarness;
  const customerId = `customer-${randomUUID()}`;
  const freshReservation = async () => (await harness.call('Reserve', { customerId, amount: 2, ttlSeconds: 600, idempotencyKey: randomUUID() })).reservationId as string;
  const freshGrant = async () => {
    const granted = await harness.rest('POST', `/v1/accounts/${customerId}/grants`, { body: { amount: 1, source: { type: 'MANUAL', id: randomUUID() } }, idempotencyKey: randomUUID() });
    return granted.body.grantId as string;
  };
  const capturedReservation = async () => {
    const reservationId = await freshReservation();
    await harness.call('Capture', { reservationId, amount: 2, idempotencyKey: randomUUID() });
    return reservationId;
  };
  return {
    name: 'credit',
    async start() {
      harness = await startCreditServiceHarness();
      await harness.openAccount(customerId, 1_000_000);
      return { httpUrl: harness.service.httpUrl, grpcPort: harness.service.grpcPort, token: harness.token, scopedToken: harness.scopedToken, close: () => harness.close() };
    },
    creates: ['reserveCredits', 'grantCredits'],
    lists: ['listLedger', 'listGrants', 'listReservations'],
    // The console's chart: at most `points` points of the balance over time.
    series: ['getBalanceHistory'],
    async request(_service, operationId): Promise<OperationRequest> {
      switch (operationId) {
        case 'getBalance':
        case 'listLedger':
        case 'listGrants':
        case 'listReservations':
        case 'getBalanceHistory':
          return { params: { customerId } };
        case 'revokeGrant':
          return { params: { grantId: await freshGrant() }, body: { reason: 'contract test' } };
        case 'reserveCredits':
          return { params: { customerId }, body: { amount: 1, ttlSeconds: 600 } };
        case 'grantCredits':
          return { params: { customerId }, body: { amount: 1, source: { type: 'MANUAL', id: randomUUID() } } };
        case 'setLowBalanceThreshold':
          return { params: { customerId }, body: { threshold: 5 } };
        case 'getReservation':
        case 'releaseReservation':
          return { params: { reservationId: await freshReservation() } };
        case 'captureReservation':
          return { params: { reservationId: await freshReservation() }, body: { amount: 1 } };
        case 'refundCapture':
          return { params: { reservationId: await capturedReservation() }, body: { amount: 1 } };
        default:
          throw new Error(`no request for ${operationId}: add one`);
      }
    },
    async seedList() {
      // The account's opening grant is one grant and one entry; a hold makes the second entry, a grant the second grant.
      await freshReservation();
      await freshReservation();
      await freshGrant();
      return {};
    },
    grpc: {
      proto: 'billing/credit/v1/credit.proto',
      service: 'billing.credit.v1.CreditService',
      async request(_service, method) {
        const requests: Record<string, () => Promise<Record<string, unknown>>> = {
          GetBalance: async () => ({ customerId }),
          Reserve: async () => ({ customerId, amount: 1, ttlSeconds: 60, idempotencyKey: randomUUID() }),
          Capture: async () => ({ reservationId: await freshReservation(), amount: 1, idempotencyKey: randomUUID() }),
          Release: async () => ({ reservationId: await freshReservation(), idempotencyKey: randomUUID() }),
          ListLedger: async () => ({ customerId, limit: 10 }),
          SetLowBalanceThreshold: async () => ({ customerId, threshold: 5, idempotencyKey: randomUUID() }),
        };
        if (!requests[method]) throw new Error(`no request for ${method}: add one`);
        return requests[method]!();
      },
    },
  };
};

const services: ServiceUnderContract[] = [customer, credit(), subscriptionContract(), payment];

// ------------------------------------------------------------------------------------------------------------------

for (const underContract of services) {
  describe(`API contract: ${underContract.name} (real service in-process, its /openapi.json walked)`, function () {
    this.timeout(120_000);
    let service: RunningService;
    let document: Json;
    let operations: Operation[];
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validators = new Map<Json, ValidateFunction>();
    const validate = (schema: Json, value: unknown, label: string) => {
      if (!validators.has(schema)) validators.set(schema, ajv.compile(schema));
      const check = validators.get(schema)!;
      expect(check(value), `${label}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value)}`).to.equal(true);
    };

    before(async () => {
      service = await underContract.start();
      const answer = await fetch(`${service.httpUrl}/openapi.json`);
      expect(answer.status).to.equal(200);
      document = (await answer.json()) as Json;
      operations = operationsOf(document);
    });
    after(async () => {
      await service?.close();
    });

    it('publishes OpenAPI 3.1.0 where every operation has a success schema and the one error body for every error status', () => {
      expect(document.openapi).to.equal('3.1.0');
      expect(operations).to.not.have.length(0);
      for (const operation of operations) {
        expect(operation.successSchema, `${operation.id}: success schema`).to.be.an('object');
        for (const [status, response] of Object.entries(operation.spec.responses as Record<string, Json>)) {
          if (status.startsWith('2')) continue;
          expect(response.content['application/json'].schema, `${operation.id} ${status}`).to.deep.equal({ $ref: '#/components/schemas/Error' });
        }
      }
      expect(document.components.schemas.Error.properties.error.required).to.deep.equal(['code', 'message']);
    });

    it('answers every operation with its documented success status and a body its schema accepts', async () => {
      for (const operation of operations) {
        const request = await underContract.request(service, operation.id);
        const answer = await call(service, operation.method, pathWith(operation.path, request.params), {
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(request.query ? { query: request.query } : {}),
          ...(request.headers ? { headers: request.headers } : {}),
        });
        expect(answer.status, `${operation.id}: ${JSON.stringify(answer.body)}`).to.equal(operation.successStatus);
        validate(operation.successSchema, answer.body, operation.id);
      }
    });

    it('answers 201 to every create and documents 200 for every other POST', () => {
      const posts = operations.filter((operation) => operation.method === 'POST');
      for (const operation of posts) {
        expect([operation.id, operation.successStatus]).to.deep.equal([operation.id, underContract.creates.includes(operation.id) ? 201 : 200]);
      }
      expect(posts.map((operation) => operation.id)).to.include.members(underContract.creates);
    });

    it('lists only in the one envelope, each list paging with limit and an opaque cursor', async () => {
      const lists = operations.filter((operation) => underContract.lists.includes(operation.id));
      expect(lists.map((operation) => operation.id), 'the lists the table names are documented').to.have.members(underContract.lists);
      // Anything shaped or parameterised like a list is one of them: no second envelope, no unpaged collection.
      const listLike = operations.filter(
        (operation) =>
          (isList(operation) && !(underContract.series ?? []).includes(operation.id)) ||
          (operation.spec.parameters as { name: string }[]).some((parameter) => ['limit', 'cursor'].includes(parameter.name)),
      );
      expect(listLike.map((operation) => operation.id)).to.have.members(underContract.lists);
      for (const list of lists) {
        const names = (list.spec.parameters as { name: string; in: string }[]).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
        expect(names, list.id).to.include.members(['limit', 'cursor']);
        expect(list.successSchema.required, list.id).to.have.members(['data', 'nextCursor']);
        const filters = await underContract.seedList(service, list.id);
        const { params } = await underContract.request(service, list.id);
        const path = pathWith(list.path, params);
        const first = await call(service, 'GET', path, { query: { ...filters, limit: '1' } });
        expect(first.status, list.id).to.equal(200);
        validate(list.successSchema, first.body, list.id);
        expect(first.body.data, `${list.id} limit=1`).to.have.length(1);
        expect(first.body.nextCursor, `${list.id} nextCursor`).to.be.a('string');
        const second = await call(service, 'GET', path, { query: { ...filters, limit: '1', cursor: first.body.nextCursor } });
        expect(second.status, list.id).to.equal(200);
        expect(second.body.data, `${list.id} next page`).to.have.length(1);
        expect(second.body.data[0], `${list.id}: the next page is another item`).to.not.deep.equal(first.body.data[0]);
        const bad = await call(service, 'GET', path, { query: { ...filters, cursor: 'bm90LWEtY3Vyc29y' } });
        expect([list.id, bad.status, bad.body.error.code]).to.deep.equal([list.id, 400, 'INVALID_CURSOR']);
      }
    });

    it('answers 403 FORBIDDEN to a token scoped to another customer on every customer-scoped route, and documents it', async () => {
      const scoped = operations.filter(documentsForbidden);
      expect(scoped, 'customer-scoped routes').to.not.have.length(0);
      for (const operation of scoped) {
        const request = await underContract.request(service, operation.id);
        const answer = await call(service, operation.method, pathWith(operation.path, request.params), {
          token: service.scopedToken,
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(request.query ? { query: request.query } : {}),
        });
        expect([operation.id, answer.status, answer.body?.error?.code]).to.deep.equal([operation.id, 403, 'FORBIDDEN']);
        validate(document.components.schemas.Error, answer.body, `${operation.id} 403`);
      }
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body not sent as application/json, on every operation that takes one', async () => {
      const withBody = operations.filter((operation) => operation.spec.requestBody);
      for (const operation of withBody) {
        const request = await underContract.request(service, operation.id);
        const response = await fetch(`${service.httpUrl}${pathWith(operation.path, request.params)}`, {
          method: operation.method,
          headers: { authorization: `Bearer ${service.token}`, 'idempotency-key': randomUUID(), 'content-type': 'text/plain' },
          body: JSON.stringify(request.body),
        });
        const body = (await response.json()) as Json;
        expect([operation.id, response.status, body.error.code]).to.deep.equal([operation.id, 415, 'UNSUPPORTED_MEDIA_TYPE']);
        expect(operation.spec.responses['415'], `${operation.id} documents 415`).to.not.equal(undefined);
      }
    });

    if (underContract.grpc) {
      const grpcContract = underContract.grpc;
      it('answers PERMISSION_DENIED with error-code FORBIDDEN on every gRPC method for a token scoped to another customer', async () => {
        let constructor: any = loadProto(grpcContract.proto);
        for (const part of grpcContract.service.split('.')) constructor = constructor[part];
        const Service = constructor as grpc.ServiceClientConstructor;
        const client = new Service(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure()) as unknown as Record<string, Function> & grpc.Client;
        try {
          for (const method of grpcMethods(Service)) {
            const request = await grpcContract.request(service, method.name);
            const metadata = new grpc.Metadata();
            metadata.set('authorization', `Bearer ${service.scopedToken}`);
            const error = await new Promise<grpc.ServiceError | null>((resolve) =>
              client[method.name]!.call(client, request, metadata, { deadline: Date.now() + 5_000 }, (failure: grpc.ServiceError | null) => resolve(failure)),
            );
            expect([method.name, error?.code, error?.metadata.get('error-code')]).to.deep.equal([method.name, grpc.status.PERMISSION_DENIED, ['FORBIDDEN']]);
          }
        } finally {
          client.close();
        }
      });
    }
  });
}
