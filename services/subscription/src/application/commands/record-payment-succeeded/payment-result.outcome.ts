/**
 * What a payment result did: applied (state changed, events in the outbox), duplicate (the period was already
 * settled: a no-op), held (its period is not due yet: kept and applied when it is), refused (the subscription has
 * ended: kept for an operator), unknown_subscription (not one of ours: acknowledged and logged).
 */
export type PaymentResultOutcome = 'applied' | 'duplicate' | 'held' | 'refused' | 'unknown_subscription';
