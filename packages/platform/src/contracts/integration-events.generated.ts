// Generated from schemas/**/*.avsc by `npm run schemas -- types`. Do not edit: change the .avsc and regenerate.

export type GrantSourceType = 'SUBSCRIPTION_PERIOD' | 'TOP_UP' | 'MANUAL' | 'PROMOTION' | 'DISPUTE_REVERSAL';
export type PaymentPurpose = 'SUBSCRIPTION_PERIOD' | 'CREDIT_TOP_UP' | 'SUBSCRIPTION_UPGRADE';
export type ReleaseReason = 'released' | 'expired';

/** A credit account was opened for a customer. */
export type CreditAccountOpened = {
  accountId: string;
  customerId: string;
  lowBalanceThreshold?: null | number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Available credits fell below the account's threshold. */
export type CreditBalanceLow = {
  accountId: string;
  customerId: string;
  available: number;
  threshold: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** After a CreditBalanceLow, available credits are back to at least the account's threshold (once per recovery). */
export type CreditBalanceRecovered = {
  accountId: string;
  customerId: string;
  available: number;
  threshold: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A refund claimed back floor(granted × refunded / paid) credits of a grant, more than was left unspent: `revoked` was taken, `shortfall` had been spent (or was held) and is not taken back. */
export type CreditsClawbackShortfall = {
  accountId: string;
  customerId: string;
  grantId: string;
  /** credits this refund claimed back (its share, net of earlier refunds of the same payment) */
  claimed: number;
  /** credits revoked (also published as CreditsRevoked) */
  revoked: number;
  /** claimed − revoked: already spent, not taken back */
  shortfall: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Unspent credits of a grant expired. */
export type CreditsExpired = {
  accountId: string;
  customerId: string;
  grantId: string;
  amount: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Credits were granted to an account. */
export type CreditsGranted = {
  accountId: string;
  customerId: string;
  grantId: string;
  /** credit units */
  amount: number;
  sourceType: GrantSourceType;
  sourceId: string;
  sourcePeriod?: null | number;
  /** ISO-8601 instant, UTC */
  expiresAt?: null | string;
  /** lower burns first */
  priority: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Captured credits were given back. */
export type CreditsRefunded = {
  accountId: string;
  customerId: string;
  reservationId: string;
  amount: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Credits were held for a reservation. Not published since session 10 (the schema stays for the events published before): every reservation ends in exactly one ReservationCaptured (captured + released = the amount held), ReservationReleased or ReservationExpired, which carries its amount. */
export type CreditsReserved = {
  accountId: string;
  customerId: string;
  reservationId: string;
  /** credit units */
  amount: number;
  /** ISO-8601 instant, UTC */
  expiresAt: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The unspent part of a grant was revoked (its payment was refunded or disputed, or a person revoked it). */
export type CreditsRevoked = {
  accountId: string;
  customerId: string;
  grantId: string;
  amount: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
  /** Why a person revoked the grant (the console's revoke); null for a refund's or a dispute's revocation and for held credits revoked when their hold ended. */
  reason?: null | string;
};

/** A reservation was captured; what was not captured was released. */
export type ReservationCaptured = {
  accountId: string;
  customerId: string;
  reservationId: string;
  captured: number;
  released: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A reservation outlived its TTL uncaptured: its credits are no longer held. Published instead of ReservationReleased for an expiry since issue 19 (older ReservationReleased events may still say reason expired). */
export type ReservationExpired = {
  accountId: string;
  customerId: string;
  reservationId: string;
  /** The credits the hold held */
  amount: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A reservation was released by request (reason released). An expired hold publishes ReservationExpired; reason expired appears only in events published before it existed. */
export type ReservationReleased = {
  accountId: string;
  customerId: string;
  reservationId: string;
  released: number;
  reason: ReleaseReason;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The customer was deactivated. */
export type CustomerDeactivated = {
  customerId: string;
  externalAccountId: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A customer was registered. */
export type CustomerRegistered = {
  customerId: string;
  externalAccountId: string;
  email: string;
  name?: null | string;
  /** ISO 4217 code */
  defaultCurrency: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A customer's contact data or default currency changed. */
export type CustomerUpdated = {
  customerId: string;
  externalAccountId: string;
  email: string;
  name?: null | string;
  /** ISO 4217 code */
  defaultCurrency: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The customer now has a customer record at the payment gateway. */
export type PaymentGatewayLinked = {
  customerId: string;
  externalAccountId: string;
  /** e.g. stripe */
  gateway: string;
  gatewayCustomerId: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A dispute of a payment was closed: `won` or `warning_closed` (an inquiry that ended) leave the money with us, `lost` means the disputed amount is gone for good. */
export type PaymentDisputeClosed = {
  paymentId: string;
  customerId: string;
  purpose: PaymentPurpose;
  /** subscription id for SUBSCRIPTION_PERIOD, top-up id for CREDIT_TOP_UP */
  referenceId: string;
  /** the subscription period paid for (SUBSCRIPTION_PERIOD) */
  periodIndex?: null | number;
  /** credits bought (CREDIT_TOP_UP) */
  credits?: null | number;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  gatewayPaymentIntentId: string;
  disputeId: string;
  /** minor units */
  amountDisputed: number;
  /** the closed dispute's status: won | lost | warning_closed */
  status: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The customer disputed a payment (chargeback). */
export type PaymentDisputed = {
  paymentId: string;
  customerId: string;
  purpose: PaymentPurpose;
  /** subscription id for SUBSCRIPTION_PERIOD and SUBSCRIPTION_UPGRADE, top-up id for CREDIT_TOP_UP */
  referenceId: string;
  /** the subscription period paid for (SUBSCRIPTION_PERIOD) */
  periodIndex?: null | number;
  /** credits bought (CREDIT_TOP_UP) */
  credits?: null | number;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  gatewayPaymentIntentId: string;
  disputeId: string;
  disputeStatus: string;
  /** minor units */
  amountDisputed: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A PaymentIntent failed. */
export type PaymentFailed = {
  paymentId: string;
  customerId: string;
  purpose: PaymentPurpose;
  /** subscription id for SUBSCRIPTION_PERIOD and SUBSCRIPTION_UPGRADE, top-up id for CREDIT_TOP_UP */
  referenceId: string;
  /** the subscription period paid for (SUBSCRIPTION_PERIOD, SUBSCRIPTION_UPGRADE) */
  periodIndex?: null | number;
  /** the upgrade paid for (SUBSCRIPTION_UPGRADE) */
  changeId?: null | string;
  /** credits bought (CREDIT_TOP_UP) */
  credits?: null | number;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  gatewayPaymentIntentId: string;
  reason: string;
  /** 1 for the first charge of a period, then one more per dunning retry */
  attempt: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** Part or all of a succeeded payment was refunded. */
export type PaymentRefunded = {
  paymentId: string;
  customerId: string;
  purpose: PaymentPurpose;
  /** subscription id for SUBSCRIPTION_PERIOD and SUBSCRIPTION_UPGRADE, top-up id for CREDIT_TOP_UP */
  referenceId: string;
  /** the subscription period paid for (SUBSCRIPTION_PERIOD) */
  periodIndex?: null | number;
  /** credits bought (CREDIT_TOP_UP) */
  credits?: null | number;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  gatewayPaymentIntentId: string;
  /** this refund, minor units */
  amountRefunded: number;
  /** all refunds of the payment so far, minor units */
  totalRefunded: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A PaymentIntent succeeded: the money is ours. */
export type PaymentSucceeded = {
  paymentId: string;
  customerId: string;
  purpose: PaymentPurpose;
  /** subscription id for SUBSCRIPTION_PERIOD and SUBSCRIPTION_UPGRADE, top-up id for CREDIT_TOP_UP */
  referenceId: string;
  /** the subscription period paid for (SUBSCRIPTION_PERIOD, SUBSCRIPTION_UPGRADE) */
  periodIndex?: null | number;
  /** the upgrade paid for (SUBSCRIPTION_UPGRADE) */
  changeId?: null | string;
  /** credits bought (CREDIT_TOP_UP) */
  credits?: null | number;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  gatewayPaymentIntentId: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The first period was paid: the subscription is active. */
export type SubscriptionActivated = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  periodIndex: number;
  /** ISO-8601 instant, UTC */
  periodStart: string;
  /** ISO-8601 instant, UTC */
  periodEnd: string;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  creditsPerPeriod: number;
  /** false: the period's credits expire at its end */
  creditRollover: boolean;
  /** the plan's default low-balance threshold in credits; credit applies it to an account that has none when granting this first period */
  lowBalanceThreshold?: null | number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The subscription ended. */
export type SubscriptionCanceled = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  /** canceled or incomplete_expired */
  status: string;
  reason: string;
  /** ISO-8601 instant, UTC */
  effectiveAt: string;
  lastPaidPeriodIndex: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A subscription was created; period 1 is due (or the trial started). */
export type SubscriptionCreated = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  /** incomplete or trialing */
  status: string;
  periodIndex: number;
  /** minor units */
  amountDue: number;
  /** ISO 4217 code */
  currency: string;
  /** ISO-8601 instant, UTC */
  trialEndsAt?: null | string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A renewal charge failed; dunning retries follow. */
export type SubscriptionPastDue = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  periodIndex: number;
  attempt: number;
  /** ISO-8601 instant, UTC */
  nextAttemptAt: string;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** The subscription moved to another plan. */
export type SubscriptionPlanChanged = {
  subscriptionId: string;
  customerId: string;
  fromPlanId: string;
  fromPlanVersion: number;
  toPlanId: string;
  toPlanVersion: number;
  /** ISO-8601 instant, UTC */
  effectiveAt: string;
  periodIndex?: null | number;
  /** ISO-8601 instant, UTC */
  periodStart?: null | string;
  /** ISO-8601 instant, UTC */
  periodEnd?: null | string;
  /** credits granted now for the rest of the period (upgrades) */
  proratedCredits: number;
  creditRollover: boolean;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A period is due and must be charged. */
export type SubscriptionRenewalDue = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  periodIndex: number;
  /** ISO-8601 instant, UTC */
  periodStart: string;
  /** ISO-8601 instant, UTC */
  periodEnd: string;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  /** 1 for the first charge, then one more per dunning retry */
  attempt?: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A renewal was paid: a new period started. */
export type SubscriptionRenewed = {
  subscriptionId: string;
  customerId: string;
  planId: string;
  planVersion: number;
  periodIndex: number;
  /** ISO-8601 instant, UTC */
  periodStart: string;
  /** ISO-8601 instant, UTC */
  periodEnd: string;
  /** minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  credits: number;
  creditRollover: boolean;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A requested upgrade did not happen: the subscription stays on its plan, nothing is granted. */
export type SubscriptionUpgradeFailed = {
  subscriptionId: string;
  customerId: string;
  changeId: string;
  toPlanId: string;
  toPlanVersion: number;
  periodIndex: number;
  /** payment_failed | amount_mismatch | period_ended | subscription_ended */
  reason: string;
  /** the decline reason, or the amount paid against the amount asked */
  detail?: null | string;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

/** A mid-period upgrade waits for its payment: payment charges `amount` off-session (purpose SUBSCRIPTION_UPGRADE, one charge per changeId); the new plan and its prorated credits apply only once it succeeds (SubscriptionPlanChanged), else SubscriptionUpgradeFailed. */
export type SubscriptionUpgradeRequested = {
  subscriptionId: string;
  customerId: string;
  /** identifies this upgrade request; the payment is keyed by (subscription, period, changeId) */
  changeId: string;
  fromPlanId: string;
  fromPlanVersion: number;
  toPlanId: string;
  toPlanVersion: number;
  /** the running period the upgrade is for */
  periodIndex: number;
  /** ISO-8601 instant, UTC */
  periodStart: string;
  /** ISO-8601 instant, UTC */
  periodEnd: string;
  /** the prorated price difference to charge, minor units of currency */
  amount: number;
  /** ISO 4217 code, upper case */
  currency: string;
  /** credits granted with SubscriptionPlanChanged once the payment succeeds */
  proratedCredits: number;
  /** ISO-8601 instant, UTC */
  occurredAt: string;
};

export interface IntegrationEvents {
  CreditAccountOpened: CreditAccountOpened;
  CreditBalanceLow: CreditBalanceLow;
  CreditBalanceRecovered: CreditBalanceRecovered;
  CreditsClawbackShortfall: CreditsClawbackShortfall;
  CreditsExpired: CreditsExpired;
  CreditsGranted: CreditsGranted;
  CreditsRefunded: CreditsRefunded;
  CreditsReserved: CreditsReserved;
  CreditsRevoked: CreditsRevoked;
  ReservationCaptured: ReservationCaptured;
  ReservationExpired: ReservationExpired;
  ReservationReleased: ReservationReleased;
  CustomerDeactivated: CustomerDeactivated;
  CustomerRegistered: CustomerRegistered;
  CustomerUpdated: CustomerUpdated;
  PaymentGatewayLinked: PaymentGatewayLinked;
  PaymentDisputeClosed: PaymentDisputeClosed;
  PaymentDisputed: PaymentDisputed;
  PaymentFailed: PaymentFailed;
  PaymentRefunded: PaymentRefunded;
  PaymentSucceeded: PaymentSucceeded;
  SubscriptionActivated: SubscriptionActivated;
  SubscriptionCanceled: SubscriptionCanceled;
  SubscriptionCreated: SubscriptionCreated;
  SubscriptionPastDue: SubscriptionPastDue;
  SubscriptionPlanChanged: SubscriptionPlanChanged;
  SubscriptionRenewalDue: SubscriptionRenewalDue;
  SubscriptionRenewed: SubscriptionRenewed;
  SubscriptionUpgradeFailed: SubscriptionUpgradeFailed;
  SubscriptionUpgradeRequested: SubscriptionUpgradeRequested;
}

export type IntegrationEventType = keyof IntegrationEvents;

/** Event name → its payload type: what runtime.addConsumer types each handler of a handler map by. */
export type IntegrationEventPayloads = IntegrationEvents;

export const integrationEventTopics = {
  CreditAccountOpened: 'billing.credit.v1',
  CreditBalanceLow: 'billing.credit.v1',
  CreditBalanceRecovered: 'billing.credit.v1',
  CreditsClawbackShortfall: 'billing.credit.v1',
  CreditsExpired: 'billing.credit.v1',
  CreditsGranted: 'billing.credit.v1',
  CreditsRefunded: 'billing.credit.v1',
  CreditsReserved: 'billing.credit.v1',
  CreditsRevoked: 'billing.credit.v1',
  ReservationCaptured: 'billing.credit.v1',
  ReservationExpired: 'billing.credit.v1',
  ReservationReleased: 'billing.credit.v1',
  CustomerDeactivated: 'billing.customer.v1',
  CustomerRegistered: 'billing.customer.v1',
  CustomerUpdated: 'billing.customer.v1',
  PaymentGatewayLinked: 'billing.customer.v1',
  PaymentDisputeClosed: 'billing.payment.v1',
  PaymentDisputed: 'billing.payment.v1',
  PaymentFailed: 'billing.payment.v1',
  PaymentRefunded: 'billing.payment.v1',
  PaymentSucceeded: 'billing.payment.v1',
  SubscriptionActivated: 'billing.subscription.v1',
  SubscriptionCanceled: 'billing.subscription.v1',
  SubscriptionCreated: 'billing.subscription.v1',
  SubscriptionPastDue: 'billing.subscription.v1',
  SubscriptionPlanChanged: 'billing.subscription.v1',
  SubscriptionRenewalDue: 'billing.subscription.v1',
  SubscriptionRenewed: 'billing.subscription.v1',
  SubscriptionUpgradeFailed: 'billing.subscription.v1',
  SubscriptionUpgradeRequested: 'billing.subscription.v1',
} as const satisfies Record<IntegrationEventType, string>;
