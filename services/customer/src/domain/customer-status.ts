export const CUSTOMER_STATUSES = ['active', 'deactivated'] as const;
/** active → deactivated, one way: a deactivated customer is kept for history and lookups but never changes again. */
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
