export interface ListPlansQuery {
  /** 1..100, default 50. */
  readonly limit?: number;
  /** A nextCursor of this list; the first page when omitted. */
  readonly cursor?: string;
}
