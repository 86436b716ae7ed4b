/**
 * What a person may type to name a payment on the local Stripe server — by the checkout page (`/pay/<ref>`) and by the
 * CLI (scripts/stripe.ts) alike: a PaymentIntent id (`pi_…`), its client secret (`pi_…_secret_…`), or the platform's
 * payment id (the intent's `metadata.paymentId`, set by the payment service). Several intents may carry one payment id
 * (one per attempt): the newest wins, which is the first hit of a search (newest first, as Stripe orders them).
 */
export type IntentRef =
  | { readonly kind: 'intent'; readonly intentId: string }
  | { readonly kind: 'client_secret'; readonly intentId: string; readonly clientSecret: string }
  | { readonly kind: 'payment'; readonly paymentId: string };

export function parseIntentRef(ref: string): IntentRef {
  const secret = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(ref);
  if (secret) return { kind: 'client_secret', intentId: secret[1]!, clientSecret: ref };
  if (/^pi_[A-Za-z0-9]+$/.test(ref)) return { kind: 'intent', intentId: ref };
  return { kind: 'payment', paymentId: ref };
}

/** The PaymentIntent search query (GET /v1/payment_intents/search) that finds the intents of a payment id. */
export function paymentIdSearchQuery(paymentId: string): string {
  if (paymentId.includes("'")) throw new Error(`a payment id cannot contain a quote: ${paymentId}`);
  return `metadata['paymentId']:'${paymentId}'`;
}
