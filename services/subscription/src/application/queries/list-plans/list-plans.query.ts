export interface ListPlansQuery {
  /** 1..100, default 50. */
  readonly limit?: number;
  /** The page starts after this plan code (the previous page's `next`); the first page when omitted. */
  readonly afterCode?: string;
}
