import { TopUpPack, type TopUpPackState } from '../../domain/top-up-pack.entity';
import type { TopUpPackRepository } from '../../domain/top-up-pack.repository.port';
import { TopUpPackAlreadyExistsError } from '../../domain/payment.errors';

/** Stores state snapshots, so every find is a fresh reconstitute, as from a database. */
export class InMemoryTopUpPackRepository implements TopUpPackRepository {
  private readonly rows = new Map<string, TopUpPackState>();

  with(pack: TopUpPack): this {
    this.rows.set(pack.code, pack.toState());
    return this;
  }

  async find(code: string): Promise<TopUpPack | null> {
    const state = this.rows.get(code);
    return state === undefined ? null : TopUpPack.reconstitute(state);
  }

  async list(options: { activeOnly: boolean; limit: number; after?: string }): Promise<TopUpPack[]> {
    return [...this.rows.values()]
      .filter((state) => (!options.activeOnly || state.active) && (options.after === undefined || state.code > options.after))
      .sort((a, b) => (a.code < b.code ? -1 : 1))
      .slice(0, options.limit)
      .map((state) => TopUpPack.reconstitute(state));
  }

  async add(pack: TopUpPack): Promise<void> {
    if (this.rows.has(pack.code)) throw new TopUpPackAlreadyExistsError(pack.code);
    this.rows.set(pack.code, pack.toState());
  }

  async save(pack: TopUpPack): Promise<void> {
    this.rows.set(pack.code, pack.toState());
  }

  get size(): number {
    return this.rows.size;
  }
}
