import { InvalidStatusError } from './payment.errors';

/** Stripe dispute statuses. `warning_*` are inquiries (no money withdrawn yet); the others are chargebacks. */
export const DISPUTE_STATUSES = [
  'warning_needs_response',
  'warning_under_review',
  'warning_closed',
  'needs_response',
  'under_review',
  'won',
  'lost',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export type ClosedDisputeStatus = Extract<DisputeStatus, 'warning_closed' | 'won' | 'lost'>;

/** Disputes also only move forward: open (awaiting response) → under review → closed. */
export const DISPUTE_STATUS_RANK: Readonly<Record<DisputeStatus, number>> = {
  warning_needs_response: 0,
  needs_response: 0,
  warning_under_review: 1,
  under_review: 1,
  warning_closed: 2,
  won: 2,
  lost: 2,
};

export const isClosedDispute = (status: DisputeStatus): status is ClosedDisputeStatus => DISPUTE_STATUS_RANK[status] === 2;

export function requireDisputeStatus(value: unknown): DisputeStatus {
  if (typeof value !== 'string' || !(DISPUTE_STATUSES as readonly string[]).includes(value)) throw new InvalidStatusError('dispute status', value);
  return value as DisputeStatus;
}
