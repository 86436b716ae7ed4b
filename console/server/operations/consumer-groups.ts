import type { ConsumerGroupTopics } from '@billing/platform';

/**
 * The services' consumer groups (`<service>.<consumer>`, docs/architecture.md) and the topics each reads. Listed here,
 * not discovered from the broker: a shared broker also holds test and replay groups, and the console must not import
 * the services' code. A new consumer in a service is added here too.
 */
export const serviceConsumerGroups: readonly ConsumerGroupTopics[] = [
  { groupId: 'subscription.customer-projection', topics: ['billing.customer.v1'] },
  { groupId: 'subscription.payment-results', topics: ['billing.payment.v1'] },
  { groupId: 'payment.subscription-payments', topics: ['billing.subscription.v1'] },
  { groupId: 'payment.customer-gateway-links', topics: ['billing.customer.v1'] },
  { groupId: 'credit.grants', topics: ['billing.customer.v1', 'billing.subscription.v1', 'billing.payment.v1'] },
];
