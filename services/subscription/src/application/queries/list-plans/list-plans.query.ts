export interface ListPlansQuery {
  /** 1..100, default 100. */
  readonly limit?: number;
}
