/** A new catalogue plan; it becomes version 1. Values are validated by the Plan entity (INVALID_PLAN lists every issue). */
export interface CreatePlanCommand {
  readonly code: string;
  readonly name: string;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly interval: string;
  readonly creditsPerPeriod: number;
  readonly creditRollover: boolean;
  readonly trialDays: number;
  readonly lowBalanceThreshold?: number | null;
}
