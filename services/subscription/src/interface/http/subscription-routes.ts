import { decodeCursor, defineRoute, encodeCursor, type RouteSpec, type SqlExecutor } from '@billing/platform';
import type { CreatePlanCommand } from '../../application/commands/create-plan/create-plan.command';
import type { SubscriptionListPosition } from '../../application/ports/subscription-queries.port';
import type { PlanRevision } from '../../domain/plan.entity';
import type { CancelMode } from '../../domain/subscription.aggregate';
import type { SubscriptionView } from '../../application/subscription.view';
import type { FastifyRequest } from 'fastify';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';
import {
  cancelBody,
  changePlanBody,
  codeParams,
  createPlanBody,
  createSubscriptionBody,
  customerParams,
  listQuery,
  planChangeResult,
  planList,
  planRevisionBody,
  planVersionQuery,
  planView,
  subscriptionList,
  subscriptionParams,
  subscriptionView,
} from './schemas';

type CreatePlanBody = Omit<CreatePlanCommand, 'creditRollover' | 'trialDays'> & Partial<Pick<CreatePlanCommand, 'creditRollover' | 'trialDays'>>;
interface ListQuery {
  limit: number;
  cursor?: string;
}

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** A plans cursor: the code the next page starts after. */
const afterCodeOf = (cursor: string): string => decodeCursor(cursor, ([list, code]) => (list === 'plans' && text(code) ? code : undefined));

/**
 * A subscriptions cursor names its customer, so one customer's cursor cannot page through another customer's list;
 * the instant must read back exactly as written.
 */
function afterSubscriptionOf(customerId: string, cursor: string): SubscriptionListPosition {
  return decodeCursor(cursor, ([list, owner, at, subscriptionId]) => {
    if (list !== 'subscriptions' || owner !== customerId || !text(at) || !text(subscriptionId)) return undefined;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at ? undefined : { createdAt, subscriptionId };
  });
}

/**
 * The service's REST operations on the platform's contract kit (validation, serialisation, access, idempotency and
 * /openapi.json from these specs). Each calls exactly one use case, from the entry point, in the request's transaction.
 * Plans are a catalogue every token may read and only an unscoped token may write; a subscription read by id is
 * checked against a scoped token by its use case (403 FORBIDDEN for another customer's, before anything changes).
 */
/**
 * One line per change an operator or customer asked for, naming who (Billing-Actor; its outbox rows carry it too).
 * A replayed request is not logged again: its change was made once.
 */
function logChange(request: FastifyRequest, message: string, subscription: SubscriptionView, extra: Record<string, unknown> = {}): void {
  request.log.info(
    { subscriptionId: subscription.id, customerId: subscription.customerId, status: subscription.status, actor: request.messageContext.actor ?? null, ...extra },
    message,
  );
}

export function subscriptionRoutes(entry: SubscriptionEntryPoint): RouteSpec[] {
  return [
    defineRoute<{ Body: CreatePlanBody }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/plans',
      operationId: 'createPlan',
      summary: 'Create a plan (version 1)',
      tag: 'plans',
      access: 'unscoped',
      schema: {
        body: createPlanBody,
        success: { status: 201, body: planView },
        errors: { 400: ['INVALID_PLAN'], 409: ['PLAN_CODE_TAKEN'] },
      },
      execute: async (request, tx) => {
        const { body } = request;
        const plan = await entry.useCasesIn(tx, request.messageContext).createPlan.execute({
          ...body,
          creditRollover: body.creditRollover ?? false,
          trialDays: body.trialDays ?? 0,
        });
        return { body: plan };
      },
    }),
    defineRoute<{ Params: { code: string }; Body: PlanRevision }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/plans/:code/versions',
      operationId: 'addPlanVersion',
      summary: 'Update a plan: add its next version (existing subscriptions keep their terms)',
      tag: 'plans',
      access: 'unscoped',
      schema: {
        params: codeParams,
        body: planRevisionBody,
        success: { status: 201, body: planView },
        errors: { 400: ['INVALID_PLAN'], 404: ['PLAN_NOT_FOUND'], 409: ['PLAN_VERSION_CONFLICT'] },
      },
      execute: async (request, tx) => ({
        body: await entry.useCasesIn(tx, request.messageContext).updatePlan.execute({ code: request.params.code, changes: request.body }),
      }),
    }),
    defineRoute<{ Querystring: ListQuery }, SqlExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/plans',
      operationId: 'listPlans',
      summary: 'The latest version of every plan, by code',
      tag: 'plans',
      access: 'any',
      schema: { querystring: listQuery, success: { status: 200, body: planList } },
      execute: async (request, tx) => {
        const { limit, cursor } = request.query;
        const afterCode = cursor === undefined ? undefined : afterCodeOf(cursor);
        const page = await entry.useCasesIn(tx, request.messageContext).listPlans.execute({ limit, afterCode });
        return { body: { data: page.items, nextCursor: page.next === null ? null : encodeCursor(['plans', page.next]) } };
      },
    }),
    defineRoute<{ Params: { code: string }; Querystring: { version?: number } }, SqlExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/plans/:code',
      operationId: 'getPlan',
      summary: 'A plan: its latest version, or ?version=n',
      tag: 'plans',
      access: 'any',
      schema: {
        params: codeParams,
        querystring: planVersionQuery,
        success: { status: 200, body: planView },
        errors: { 404: ['PLAN_NOT_FOUND'] },
      },
      execute: async (request, tx) => ({
        body: await entry.useCasesIn(tx, request.messageContext).getPlan.execute({ code: request.params.code, version: request.query.version }),
      }),
    }),
    defineRoute<{ Body: { customerId: string; planCode: string; planVersion?: number } }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/subscriptions',
      operationId: 'createSubscription',
      summary: 'Subscribe a customer to a plan (incomplete until period 1 is paid, or trialing)',
      tag: 'subscriptions',
      access: { customer: (request) => request.body.customerId },
      schema: {
        body: createSubscriptionBody,
        success: { status: 201, body: subscriptionView },
        errors: { 404: ['CUSTOMER_NOT_FOUND', 'PLAN_NOT_FOUND'], 422: ['CUSTOMER_CURRENCY_MISMATCH', 'PLAN_NOT_ACTIVE'] },
      },
      execute: async (request, tx) => ({
        body: await entry.useCasesIn(tx, request.messageContext).createSubscription.execute(request.body),
      }),
    }),
    defineRoute<{ Params: { id: string } }, SqlExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/subscriptions/:id',
      operationId: 'getSubscription',
      summary: 'A subscription',
      tag: 'subscriptions',
      access: 'any',
      schema: {
        params: subscriptionParams,
        success: { status: 200, body: subscriptionView },
        errors: { 403: ['FORBIDDEN'], 404: ['SUBSCRIPTION_NOT_FOUND'] },
      },
      execute: async (request, tx) => ({
        body: await entry.useCasesIn(tx, request.messageContext).getSubscription.execute({
          subscriptionId: request.params.id,
          customerScope: request.principal.customerId,
        }),
      }),
    }),
    defineRoute<{ Params: { customerId: string }; Querystring: ListQuery }, SqlExecutor>({
      kind: 'read',
      method: 'GET',
      url: '/v1/customers/:customerId/subscriptions',
      operationId: 'listCustomerSubscriptions',
      summary: "A customer's subscriptions, newest first",
      tag: 'subscriptions',
      access: { customer: (request) => request.params.customerId },
      schema: { params: customerParams, querystring: listQuery, success: { status: 200, body: subscriptionList } },
      execute: async (request, tx) => {
        const { customerId } = request.params;
        const { limit, cursor } = request.query;
        const after = cursor === undefined ? undefined : afterSubscriptionOf(customerId, cursor);
        const page = await entry.useCasesIn(tx, request.messageContext).listCustomerSubscriptions.execute({ customerId, limit, after });
        const nextCursor = page.next === null ? null : encodeCursor(['subscriptions', customerId, page.next.createdAt.toISOString(), page.next.subscriptionId]);
        return { body: { data: page.items, nextCursor } };
      },
    }),
    defineRoute<{ Params: { id: string }; Body: { mode: CancelMode } }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/subscriptions/:id/cancel',
      operationId: 'cancelSubscription',
      summary: 'Cancel now, or at the end of the current period',
      tag: 'subscriptions',
      access: 'any',
      schema: {
        params: subscriptionParams,
        body: cancelBody,
        success: { status: 200, body: subscriptionView },
        errors: { 403: ['FORBIDDEN'], 404: ['SUBSCRIPTION_NOT_FOUND'], 409: ['SUBSCRIPTION_ALREADY_CANCELED', 'INVALID_TRANSITION'] },
      },
      execute: async (request, tx) => {
        const result = await entry.useCasesIn(tx, request.messageContext).cancelSubscription.execute({
          subscriptionId: request.params.id,
          mode: request.body.mode,
          customerScope: request.principal.customerId,
        });
        logChange(request, 'subscription cancel requested', result.subscription, { mode: request.body.mode });
        return { body: result.subscription };
      },
    }),
    defineRoute<{ Params: { id: string } }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/subscriptions/:id/resume',
      operationId: 'resumeSubscription',
      summary: 'Withdraw a cancel at period end',
      tag: 'subscriptions',
      access: 'any',
      schema: {
        params: subscriptionParams,
        success: { status: 200, body: subscriptionView },
        errors: { 403: ['FORBIDDEN'], 404: ['SUBSCRIPTION_NOT_FOUND'], 409: ['SUBSCRIPTION_ALREADY_CANCELED', 'INVALID_TRANSITION'] },
      },
      execute: async (request, tx) => {
        const result = await entry.useCasesIn(tx, request.messageContext).resumeSubscription.execute({
          subscriptionId: request.params.id,
          customerScope: request.principal.customerId,
        });
        logChange(request, 'subscription resumed', result.subscription);
        return { body: result.subscription };
      },
    }),
    defineRoute<{ Params: { id: string }; Body: { planCode: string; planVersion?: number } }, SqlExecutor>({
      kind: 'idempotent-write',
      method: 'POST',
      url: '/v1/subscriptions/:id/change-plan',
      operationId: 'changePlan',
      summary: 'Upgrade mid-period (charges the prorated price difference; applies once paid) or downgrade at the next renewal',
      tag: 'subscriptions',
      access: 'any',
      schema: {
        params: subscriptionParams,
        body: changePlanBody,
        success: { status: 200, body: planChangeResult },
        errors: {
          403: ['FORBIDDEN'],
          404: ['SUBSCRIPTION_NOT_FOUND', 'PLAN_NOT_FOUND'],
          409: ['INVALID_TRANSITION', 'UPGRADE_PAYMENT_PENDING'],
          422: ['PLAN_CURRENCY_MISMATCH', 'PLAN_INTERVAL_MISMATCH', 'PLAN_NOT_ACTIVE'],
        },
      },
      execute: async (request, tx) => {
        const result = await entry.useCasesIn(tx, request.messageContext).changePlan.execute({
          subscriptionId: request.params.id,
          planCode: request.body.planCode,
          planVersion: request.body.planVersion,
          customerScope: request.principal.customerId,
        });
        logChange(request, 'subscription plan change requested', result.subscription, { outcome: result.outcome, planCode: request.body.planCode });
        return { body: { outcome: result.outcome, subscription: result.subscription } };
      },
    }),
  ];
}
