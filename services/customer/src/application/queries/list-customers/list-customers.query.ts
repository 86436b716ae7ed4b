export interface ListCustomersQuery {
  /** 1..MAX_LIST_LIMIT, default DEFAULT_LIST_LIMIT. */
  readonly limit?: number;
  /** The nextCursor of the previous page, as returned; omitted / null = the first page. */
  readonly cursor?: string | null;
  /** Only the customer with this external account id: a page of one or none (no cursor with it). */
  readonly externalAccountId?: string;
  /**
   * Only customers whose email, name or external account id contains this text (1..MAX_QUERY_LENGTH characters),
   * ignoring case. With externalAccountId both must match.
   */
  readonly query?: string;
}

export const MAX_QUERY_LENGTH = 200;

// The platform's list contract (docs/api.md): 1 to 100 per page, 50 by default.
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;
