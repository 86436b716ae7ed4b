import type { TopUpPack } from './top-up-pack.entity';

/**
 * The top-up catalogue. add() fails with TopUpPackAlreadyExistsError for a taken code; save() fails with
 * TopUpPackConcurrentUpdateError when the pack changed since it was loaded (one repository per unit of work).
 */
export interface TopUpPackRepository {
  find(code: string): Promise<TopUpPack | null>;
  list(options: { activeOnly: boolean; limit: number; after?: string }): Promise<TopUpPack[]>;
  add(pack: TopUpPack): Promise<void>;
  save(pack: TopUpPack): Promise<void>;
}
