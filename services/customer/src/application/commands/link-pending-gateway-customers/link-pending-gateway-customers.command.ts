/** One run of the background job that links customers whose gateway customer could not be created at registration. */
export interface LinkPendingGatewayCustomersCommand {
  /** How many unlinked customers this run looks at: 1..MAX_LINK_BATCH_SIZE, default DEFAULT_LINK_BATCH_SIZE. */
  readonly batchSize?: number;
  /**
   * Only customers registered before this instant. The registration of a younger one may still be talking to the
   * gateway: racing it with the same idempotency key only earns a "request in progress" refusal for one of the two.
   */
  readonly registeredBefore?: Date;
}

export const DEFAULT_LINK_BATCH_SIZE = 50;
export const MAX_LINK_BATCH_SIZE = 500;
