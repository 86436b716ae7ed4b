/** One run of the background job that links customers whose gateway customer could not be created at registration. */
export interface LinkPendingGatewayCustomersCommand {
  /** How many unlinked customers this run looks at: 1..MAX_LINK_BATCH_SIZE, default DEFAULT_LINK_BATCH_SIZE. */
  readonly batchSize?: number;
}

export const DEFAULT_LINK_BATCH_SIZE = 50;
export const MAX_LINK_BATCH_SIZE = 500;
