import { InvalidReferenceError } from './payment.errors';
import { type PaymentReference, ReferenceKey } from './payment-reference.value-object';

/** The reference key of a payment; see ReferenceKey. On-session payments keep one key whatever their attempt. */
export function referenceKeyOf(reference: PaymentReference, offSession: boolean, attempt: number): string {
  if (reference.purpose === 'CREDIT_TOP_UP') {
    if (offSession) throw new InvalidReferenceError('top-ups are charged on-session');
    return ReferenceKey.topUp(reference.topUpId);
  }
  if (reference.purpose === 'SUBSCRIPTION_UPGRADE') {
    if (!offSession || attempt !== 1) throw new InvalidReferenceError('upgrades are charged off-session, once');
    return ReferenceKey.subscriptionUpgrade(reference.subscriptionId, reference.periodIndex, reference.changeId);
  }
  return offSession
    ? ReferenceKey.subscriptionPeriodAttempt(reference.subscriptionId, reference.periodIndex, attempt)
    : ReferenceKey.subscriptionPeriod(reference.subscriptionId, reference.periodIndex);
}
