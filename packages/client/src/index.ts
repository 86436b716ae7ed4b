export * from './errors';
// The error class, not the event payload of the same name (that one is IntegrationEvents['ReservationExpired']).
export { ReservationExpired } from './errors';
export type { ConnectionOptions, RetryPolicy } from './grpc/connection';
export type { CallOptions } from './grpc/unary-caller';
export * from './credits/credit-types';
export { createCreditClient, type CreditClient } from './credits/credit-client';
export { operationKeys, type Hold, type Used, type Work, type WithCreditsOptions, type WithCreditsResult } from './credits/with-credits';
export * from './customers/customer-client';
export * from './events/billing-events';
export { type BillingEventSubscription, type ClientLogger, type SubscribeOptions, subscribeToBillingEvents } from './events/subscribe-to-billing-events';
