/** PATCH /v1/top-up-packs/{code}: new credits and/or prices for later top-ups. */
export interface ChangeTopUpPack {
  readonly code: string;
  readonly credits?: number;
  readonly prices?: readonly { amount: number; currency: string }[];
}
