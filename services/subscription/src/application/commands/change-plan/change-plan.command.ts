export interface ChangePlanCommand {
  readonly subscriptionId: string;
  readonly planCode: string;
  /** The latest version when omitted. */
  readonly planVersion?: number;
  readonly customerScope?: string;
}
