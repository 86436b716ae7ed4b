/**
 * POST /v1/top-ups: buy `credits` for `amount` minor units of `currency`. The interface passes a topUpId that is
 * stable for the request's Idempotency-Key, so a replay finds the same payment.
 */
export interface CreateTopUp {
  readonly topUpId: string;
  readonly customerId: string;
  readonly credits: number;
  readonly amount: number;
  readonly currency: string;
}
