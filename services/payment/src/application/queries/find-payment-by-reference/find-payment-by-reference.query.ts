/**
 * GET /v1/payments?subscriptionId=…&periodIndex=…[&attempt=…] or ?topUpId=…: the front end knows what it pays for
 * (the subscription it just created, its top-up), not our payment id. Without `attempt` a subscription period means
 * its on-session first charge; with it, that off-session renewal attempt.
 */
export type FindPaymentByReference =
  | { readonly subscriptionId: string; readonly periodIndex: number; readonly attempt?: number; readonly customerId?: string }
  | { readonly topUpId: string; readonly customerId?: string };
