export interface ListCustomersQuery {
  /** 1..MAX_LIST_LIMIT, default DEFAULT_LIST_LIMIT. */
  readonly limit?: number;
  /** The nextCursor of the previous page, as returned; omitted / null = the first page. */
  readonly cursor?: string | null;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 200;
