export interface GetPlanQuery {
  readonly code: string;
  /** The latest version when omitted. */
  readonly version?: number;
}
