import { ApiError, canActFor, type MikroOrmExecutor, type Principal } from '@billing/platform';
import type { FastifyRequest } from 'fastify';
import type { CreatePlanCommand } from '../../application/commands/create-plan/create-plan.command';
import type { CancelMode } from '../../domain/subscription.aggregate';
import type { PlanRevision } from '../../domain/plan.entity';
import type { SubscriptionEntryPoint } from '../subscription-entry-point';
import type { RouteSpec } from './route-spec';
import {
  cancelBody,
  changePlanBody,
  codeParams,
  createPlanBody,
  createSubscriptionBody,
  customerParams,
  pageQuery,
  planChangeResult,
  planList,
  planRevisionBody,
  planVersionQuery,
  planView,
  subscriptionList,
  subscriptionParams,
  subscriptionView,
} from './schemas';

type Params = Record<string, string>;
type CreatePlanBody = Omit<CreatePlanCommand, 'creditRollover' | 'trialDays'> & Partial<Pick<CreatePlanCommand, 'creditRollover' | 'trialDays'>>;
type Query = Record<string, string | undefined>;

/** A validated digit string (see schemas.ts) → number. */
const integerOf = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

/** The use cases of this request's transaction; events they write carry the request's message context. */
const useCases = (entry: SubscriptionEntryPoint, request: FastifyRequest, tx: MikroOrmExecutor) => entry.useCasesIn(tx, request.messageContext);

/** Catalogue writes are for unscoped (operator) tokens only. */
function assertUnscoped(principal: Principal | undefined): void {
  if (principal?.customerId !== undefined) throw new ApiError(403, 'FORBIDDEN', 'a customer-scoped token cannot change the plan catalogue');
}

function assertMayActFor(principal: Principal | undefined, customerId: string): void {
  if (principal && !canActFor(principal, customerId)) {
    throw new ApiError(403, 'FORBIDDEN', `this token may not act for customer ${customerId}`);
  }
}

const notFoundOrInvalid = { 400: ['INVALID_REQUEST'], 403: ['FORBIDDEN'], 404: ['SUBSCRIPTION_NOT_FOUND'] };

export function subscriptionRoutes(entry: SubscriptionEntryPoint): RouteSpec[] {
  return [
    {
      method: 'POST',
      url: '/v1/plans',
      operationId: 'createPlan',
      summary: 'Create a plan (version 1)',
      tag: 'plans',
      write: true,
      schema: {
        body: createPlanBody,
        success: { status: 201, body: planView },
        errors: { 400: ['INVALID_REQUEST', 'INVALID_PLAN'], 403: ['FORBIDDEN'], 409: ['PLAN_CODE_TAKEN'] },
      },
      async execute(request, tx) {
        assertUnscoped(request.principal);
        const body = request.body as CreatePlanBody;
        const plan = await useCases(entry, request, tx).createPlan.execute({
          ...body,
          creditRollover: body.creditRollover ?? false,
          trialDays: body.trialDays ?? 0,
        });
        return { status: 201, body: plan };
      },
    },
    {
      method: 'POST',
      url: '/v1/plans/:code/versions',
      operationId: 'addPlanVersion',
      summary: 'Update a plan: add its next version (existing subscriptions keep their terms)',
      tag: 'plans',
      write: true,
      schema: {
        params: codeParams,
        body: planRevisionBody,
        success: { status: 201, body: planView },
        errors: { 400: ['INVALID_REQUEST', 'INVALID_PLAN'], 403: ['FORBIDDEN'], 404: ['PLAN_NOT_FOUND'], 409: ['PLAN_VERSION_CONFLICT'] },
      },
      async execute(request, tx) {
        assertUnscoped(request.principal);
        const plan = await useCases(entry, request, tx).updatePlan.execute({
          code: (request.params as Params).code!,
          changes: request.body as PlanRevision,
        });
        return { status: 201, body: plan };
      },
    },
    {
      method: 'GET',
      url: '/v1/plans',
      operationId: 'listPlans',
      summary: 'The latest version of every plan',
      tag: 'plans',
      write: false,
      schema: { querystring: pageQuery, success: { status: 200, body: planList }, errors: { 400: ['INVALID_REQUEST', 'INVALID_CURSOR'] } },
      async execute(request, tx) {
        const query = request.query as Query;
        const page = await useCases(entry, request, tx).listPlans.execute({ limit: integerOf(query.limit), cursor: query.cursor });
        return { status: 200, body: page };
      },
    },
    {
      method: 'GET',
      url: '/v1/plans/:code',
      operationId: 'getPlan',
      summary: 'A plan: its latest version, or ?version=n',
      tag: 'plans',
      write: false,
      schema: {
        params: codeParams,
        querystring: planVersionQuery,
        success: { status: 200, body: planView },
        errors: { 400: ['INVALID_REQUEST'], 404: ['PLAN_NOT_FOUND'] },
      },
      async execute(request, tx) {
        const plan = await useCases(entry, request, tx).getPlan.execute({
          code: (request.params as Params).code!,
          version: integerOf((request.query as Query).version),
        });
        return { status: 200, body: plan };
      },
    },
    {
      method: 'POST',
      url: '/v1/subscriptions',
      operationId: 'createSubscription',
      summary: 'Subscribe a customer to a plan (incomplete until period 1 is paid, or trialing)',
      tag: 'subscriptions',
      write: true,
      schema: {
        body: createSubscriptionBody,
        success: { status: 201, body: subscriptionView },
        errors: {
          400: ['INVALID_REQUEST'],
          403: ['FORBIDDEN'],
          404: ['CUSTOMER_NOT_FOUND', 'PLAN_NOT_FOUND'],
          422: ['CUSTOMER_CURRENCY_MISMATCH', 'PLAN_NOT_ACTIVE'],
        },
      },
      async execute(request, tx) {
        const body = request.body as { customerId: string; planCode: string; planVersion?: number };
        assertMayActFor(request.principal, body.customerId);
        const subscription = await useCases(entry, request, tx).createSubscription.execute(body);
        return { status: 201, body: subscription };
      },
    },
    {
      method: 'GET',
      url: '/v1/subscriptions/:id',
      operationId: 'getSubscription',
      summary: 'A subscription',
      tag: 'subscriptions',
      write: false,
      schema: { params: subscriptionParams, success: { status: 200, body: subscriptionView }, errors: notFoundOrInvalid },
      async execute(request, tx) {
        const subscription = await useCases(entry, request, tx).getSubscription.execute({
          subscriptionId: (request.params as Params).id!,
          customerScope: request.principal?.customerId,
        });
        return { status: 200, body: subscription };
      },
    },
    {
      method: 'GET',
      url: '/v1/customers/:customerId/subscriptions',
      operationId: 'listCustomerSubscriptions',
      summary: "A customer's subscriptions, newest first",
      tag: 'subscriptions',
      write: false,
      schema: {
        params: customerParams,
        querystring: pageQuery,
        success: { status: 200, body: subscriptionList },
        errors: { 400: ['INVALID_REQUEST', 'INVALID_CURSOR'], 403: ['FORBIDDEN'] },
      },
      async execute(request, tx) {
        const customerId = (request.params as Params).customerId!;
        assertMayActFor(request.principal, customerId);
        const query = request.query as Query;
        const page = await useCases(entry, request, tx).listCustomerSubscriptions.execute({
          customerId,
          limit: integerOf(query.limit),
          cursor: query.cursor,
        });
        return { status: 200, body: page };
      },
    },
    {
      method: 'POST',
      url: '/v1/subscriptions/:id/cancel',
      operationId: 'cancelSubscription',
      summary: 'Cancel now, or at the end of the current period',
      tag: 'subscriptions',
      write: true,
      schema: {
        params: subscriptionParams,
        body: cancelBody,
        success: { status: 200, body: subscriptionView },
        errors: { ...notFoundOrInvalid, 409: ['SUBSCRIPTION_ALREADY_CANCELED', 'INVALID_TRANSITION'] },
      },
      async execute(request, tx) {
        const result = await useCases(entry, request, tx).cancelSubscription.execute({
          subscriptionId: (request.params as Params).id!,
          mode: (request.body as { mode: CancelMode }).mode,
          customerScope: request.principal?.customerId,
        });
        return { status: 200, body: result.subscription };
      },
    },
    {
      method: 'POST',
      url: '/v1/subscriptions/:id/resume',
      operationId: 'resumeSubscription',
      summary: 'Withdraw a cancel at period end',
      tag: 'subscriptions',
      write: true,
      schema: {
        params: subscriptionParams,
        success: { status: 200, body: subscriptionView },
        errors: { ...notFoundOrInvalid, 409: ['SUBSCRIPTION_ALREADY_CANCELED', 'INVALID_TRANSITION'] },
      },
      async execute(request, tx) {
        const result = await useCases(entry, request, tx).resumeSubscription.execute({
          subscriptionId: (request.params as Params).id!,
          customerScope: request.principal?.customerId,
        });
        return { status: 200, body: result.subscription };
      },
    },
    {
      method: 'POST',
      url: '/v1/subscriptions/:id/change-plan',
      operationId: 'changePlan',
      summary: 'Upgrade mid-period (charges the prorated price difference; applies once paid) or downgrade at the next renewal',
      tag: 'subscriptions',
      write: true,
      schema: {
        params: subscriptionParams,
        body: changePlanBody,
        success: { status: 200, body: planChangeResult },
        errors: {
          400: ['INVALID_REQUEST'],
          403: ['FORBIDDEN'],
          404: ['SUBSCRIPTION_NOT_FOUND', 'PLAN_NOT_FOUND'],
          409: ['INVALID_TRANSITION', 'UPGRADE_PAYMENT_PENDING'],
          422: ['PLAN_CURRENCY_MISMATCH', 'PLAN_INTERVAL_MISMATCH', 'PLAN_NOT_ACTIVE'],
        },
      },
      async execute(request, tx) {
        const body = request.body as { planCode: string; planVersion?: number };
        const result = await useCases(entry, request, tx).changePlan.execute({
          subscriptionId: (request.params as Params).id!,
          planCode: body.planCode,
          planVersion: body.planVersion,
          customerScope: request.principal?.customerId,
        });
        return { status: 200, body: { outcome: result.outcome, subscription: result.subscription } };
      },
    },
  ];
}
