/**
 * The gateway's event ids seen so far. markProcessed inserts the id and answers false when it was already there
 * (a unique violation, no check-then-insert race). It must run in the SAME database transaction as the payment's
 * save, so that an error after it rolls the mark back and the gateway's redelivery is processed again.
 */
export interface ProcessedWebhookEvents {
  markProcessed(eventId: string): Promise<boolean>;
}
