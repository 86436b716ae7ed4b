import { requireId } from './domain-guards';
import { InvalidReferenceError } from './payment.errors';

export const PAYMENT_PURPOSES = ['SUBSCRIPTION_PERIOD', 'CREDIT_TOP_UP', 'SUBSCRIPTION_UPGRADE'] as const;
export type PaymentPurpose = (typeof PAYMENT_PURPOSES)[number];

/** What a payment pays for. The purpose decides which fields exist. */
export type PaymentReference =
  | { readonly purpose: 'SUBSCRIPTION_PERIOD'; readonly subscriptionId: string; readonly periodIndex: number }
  | { readonly purpose: 'CREDIT_TOP_UP'; readonly topUpId: string; readonly credits: number }
  /** The prorated price difference of a mid-period upgrade, one per (subscription, period, change). */
  | { readonly purpose: 'SUBSCRIPTION_UPGRADE'; readonly subscriptionId: string; readonly periodIndex: number; readonly changeId: string };

/** Upper bound for one top-up, far above any price list; it keeps a typo from granting billions of credits. */
export const MAX_TOP_UP_CREDITS = 100_000_000;

const positiveInteger = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;

export const PaymentReference = {
  of(input: PaymentReference): PaymentReference {
    switch (input?.purpose) {
      case 'SUBSCRIPTION_PERIOD':
        if (!positiveInteger(input.periodIndex, Number.MAX_SAFE_INTEGER)) {
          throw new InvalidReferenceError(`periodIndex must be a positive integer, got ${String(input.periodIndex)}`);
        }
        return { purpose: 'SUBSCRIPTION_PERIOD', subscriptionId: requireId(input.subscriptionId, 'subscriptionId'), periodIndex: input.periodIndex };
      case 'CREDIT_TOP_UP':
        if (!positiveInteger(input.credits, MAX_TOP_UP_CREDITS)) {
          throw new InvalidReferenceError(`credits must be an integer from 1 to ${MAX_TOP_UP_CREDITS}, got ${String(input.credits)}`);
        }
        return { purpose: 'CREDIT_TOP_UP', topUpId: requireId(input.topUpId, 'topUpId'), credits: input.credits };
      case 'SUBSCRIPTION_UPGRADE':
        if (!positiveInteger(input.periodIndex, Number.MAX_SAFE_INTEGER)) {
          throw new InvalidReferenceError(`periodIndex must be a positive integer, got ${String(input.periodIndex)}`);
        }
        return {
          purpose: 'SUBSCRIPTION_UPGRADE',
          subscriptionId: requireId(input.subscriptionId, 'subscriptionId'),
          periodIndex: input.periodIndex,
          changeId: requireId(input.changeId, 'changeId'),
        };
      default:
        throw new InvalidReferenceError(`purpose must be one of ${PAYMENT_PURPOSES.join(', ')}, got ${String((input as { purpose?: unknown } | undefined)?.purpose)}`);
    }
  },

  /** subscriptionId or topUpId: the `referenceId` of integration events. */
  idOf(reference: PaymentReference): string {
    return reference.purpose === 'CREDIT_TOP_UP' ? reference.topUpId : reference.subscriptionId;
  },

  equals(a: PaymentReference, b: PaymentReference): boolean {
    if (a.purpose === 'SUBSCRIPTION_PERIOD' && b.purpose === 'SUBSCRIPTION_PERIOD') {
      return a.subscriptionId === b.subscriptionId && a.periodIndex === b.periodIndex;
    }
    if (a.purpose === 'CREDIT_TOP_UP' && b.purpose === 'CREDIT_TOP_UP') return a.topUpId === b.topUpId && a.credits === b.credits;
    if (a.purpose === 'SUBSCRIPTION_UPGRADE' && b.purpose === 'SUBSCRIPTION_UPGRADE') {
      return a.subscriptionId === b.subscriptionId && a.periodIndex === b.periodIndex && a.changeId === b.changeId;
    }
    return false;
  },
};

/**
 * The key a payment is unique by, and the gateway idempotency key of its PaymentIntent: one string for both, so a
 * redelivered command finds the stored payment, and a crash between the gateway call and the save gets the same
 * intent back from the gateway.
 *
 * - first charge of a subscription period, on-session (the customer pays in the browser): `subscription:<id>:period:<n>`
 * - off-session charge of a period (renewal, dunning retry): `subscription:<id>:period:<n>:attempt:<k>` — every
 *   attempt is a new PaymentIntent and so a new Payment
 * - top-up: `top-up:<topUpId>`
 * - upgrade (off-session, one attempt: a failed upgrade is asked for again as a new change):
 *   `subscription:<id>:period:<n>:upgrade:<changeId>`
 */
export const ReferenceKey = {
  subscriptionPeriod(subscriptionId: string, periodIndex: number): string {
    return `subscription:${subscriptionId}:period:${periodIndex}`;
  },
  subscriptionPeriodAttempt(subscriptionId: string, periodIndex: number, attempt: number): string {
    return `${ReferenceKey.subscriptionPeriod(subscriptionId, periodIndex)}:attempt:${attempt}`;
  },
  subscriptionUpgrade(subscriptionId: string, periodIndex: number, changeId: string): string {
    return `${ReferenceKey.subscriptionPeriod(subscriptionId, periodIndex)}:upgrade:${changeId}`;
  },
  topUp(topUpId: string): string {
    return `top-up:${topUpId}`;
  },
};
