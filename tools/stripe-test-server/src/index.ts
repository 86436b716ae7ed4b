export * from './stripe-test-server';
export { formatAmount, isTestCardName, testCards, type TestCardName } from './checkout-page';
export { parseIntentRef, paymentIdSearchQuery } from './intent-ref';
