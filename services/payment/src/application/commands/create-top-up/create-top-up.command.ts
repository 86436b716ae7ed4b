/**
 * POST /v1/top-ups: buy the catalogue pack `packCode`, paying its price in `currency`. The caller never names the
 * credits or the amount. The interface passes a topUpId that is stable for the request's Idempotency-Key, so a replay
 * finds the same payment.
 */
export interface CreateTopUp {
  readonly topUpId: string;
  readonly customerId: string;
  readonly packCode: string;
  readonly currency: string;
}
