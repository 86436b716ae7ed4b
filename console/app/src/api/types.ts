/** The shapes the app reads, as the BFF and the services document them (docs/api.md, each service's /openapi.json). */

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Role = 'viewer' | 'operator';

export interface Session {
  name: string;
  role: Role;
  csrfToken: string;
}

export interface Customer {
  id: string;
  externalAccountId: string;
  email: string;
  name: string | null;
  defaultCurrency: string;
  status: string;
  createdAt: string;
  deactivatedAt: string | null;
}

export interface Balance {
  customerId: string;
  balance: number;
  available: number;
  held: number;
  lowBalanceThreshold: number | null;
}

export interface BalancePoint {
  at: string;
  balance: number;
}

export type GrantStatus = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export interface Grant {
  grantId: string;
  amount: number;
  remaining: number;
  held: number;
  expiresAt: string | null;
  source: { type: string; id: string; period: number | null };
  priority: number;
  status: GrantStatus;
  reason: string | null;
  grantedBy: string | null;
  grantedAt: string;
  revokedAt: string | null;
}

export const RESERVATION_STATUSES = ['HELD', 'CAPTURED', 'RELEASED', 'EXPIRED'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface Reservation {
  reservationId: string;
  amount: number;
  status: ReservationStatus;
  reservedAt: string;
  expiresAt: string;
  resolvedAt: string | null;
  allocations: { grantId: string; amount: number; captured: number; refunded: number }[];
}

export interface LedgerEntry {
  entryId: string;
  sequence: number;
  type: 'grant' | 'hold' | 'capture' | 'release' | 'expire' | 'refund' | 'revoke' | 'shortfall';
  grantId: string;
  reservationId: string | null;
  amount: number;
  balanceDelta: number;
  heldDelta: number;
  occurredAt: string;
  reason?: string | null;
  actor?: string | null;
}

export interface Money {
  amount: number;
  currency: string;
}

export interface PlanTerms {
  planId: string;
  version: number;
  price: Money;
  interval: string;
  creditsPerPeriod: number;
  creditRollover: boolean;
  lowBalanceThreshold?: number | null;
}

export interface Plan extends PlanTerms {
  code: string;
  name: string;
  trialDays: number;
  active: boolean;
}

export type SubscriptionStatus = 'incomplete' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'incomplete_expired';

export interface Subscription {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  plan: PlanTerms;
  pendingPlan: PlanTerms | null;
  createdAt: string;
  trialEndsAt: string | null;
  currentPeriod: { index: number; start: string; end: string } | null;
  renewalDueAt: string | null;
  cancelAtPeriodEnd: boolean;
  dunning: { periodIndex: number; attempt: number; nextAttemptAt: string } | null;
  cancellation: { reason: string; effectiveAt: string } | null;
  upgrade: { status: 'payment_pending' | 'applied' | 'failed'; toPlan: PlanTerms; failureReason: string | null } | null;
}

export type PaymentReference =
  | { purpose: 'SUBSCRIPTION_PERIOD'; subscriptionId: string; periodIndex: number }
  | { purpose: 'CREDIT_TOP_UP'; topUpId: string; credits: number }
  | { purpose: 'SUBSCRIPTION_UPGRADE'; subscriptionId: string; periodIndex: number; changeId: string };

export interface Dispute {
  disputeId: string;
  status: string;
  amount: number;
  openedAt: string;
  closedAt: string | null;
}

export interface Payment {
  paymentId: string;
  customerId: string;
  reference: PaymentReference;
  amount: number;
  currency: string;
  status: 'requires_payment_method' | 'processing' | 'failed' | 'succeeded' | 'canceled';
  attempt: number;
  failure: { code: string; message: string } | null;
  totalRefunded: number;
  refunds: { refundId: string; amount: number; recordedAt: string }[];
  disputes: Dispute[];
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  receivedAt: string;
  outcome: 'applied' | 'duplicate' | 'ignored' | 'failed';
  detail: string | null;
}

export type { OperationsStatus as OpsStatus, DeadLetter } from '../../../server/operations/wire';
