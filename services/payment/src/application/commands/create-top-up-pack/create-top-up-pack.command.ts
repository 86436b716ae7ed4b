/** POST /v1/top-up-packs: a new catalogue entry, sold from now on. */
export interface CreateTopUpPack {
  readonly code: string;
  readonly credits: number;
  readonly prices: readonly { amount: number; currency: string }[];
}
