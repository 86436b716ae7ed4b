import type { TopUpPack } from '../domain/top-up-pack.entity';

/** A catalogue entry as the API shows it. */
export interface TopUpPackView {
  readonly code: string;
  readonly credits: number;
  readonly prices: readonly { readonly amount: number; readonly currency: string }[];
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toTopUpPackView(pack: TopUpPack): TopUpPackView {
  const state = pack.toState();
  return {
    code: state.code,
    credits: state.credits,
    prices: state.prices,
    active: state.active,
    createdAt: state.createdAt.toISOString(),
    updatedAt: state.updatedAt.toISOString(),
  };
}
