import type { MessageContext, SqlExecutor } from '@billing/platform';
import type { SubscriptionUseCases } from '../application/subscription-use-cases';

/**
 * The application's entry point as the inbound adapters see it: use cases bound to a platform transaction, their
 * events carrying the request's or consumed event's message context. Built once by the composition root.
 */
export type SubscriptionEntryPoint = SubscriptionUseCases<SqlExecutor, MessageContext>;
