import type { SqlExecutor } from '@billing/platform';
import { TopUpPackAlreadyExistsError, TopUpPackConcurrentUpdateError } from '../domain/payment.errors';
import type { Currency } from '../domain/money.value-object';
import { TopUpPack } from '../domain/top-up-pack.entity';
import type { TopUpPackRepository } from '../domain/top-up-pack.repository.port';

interface PackRow {
  code: string;
  credits: string;
  prices: { amount: number; currency: Currency }[];
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** top_up_packs over SQL, in the caller's transaction; a version column catches a concurrent change. */
export class SqlTopUpPackRepository implements TopUpPackRepository {
  private readonly versions = new WeakMap<TopUpPack, number>();

  constructor(private readonly tx: SqlExecutor) {}

  async find(code: string): Promise<TopUpPack | null> {
    const [row] = await this.tx.query<PackRow>('select * from top_up_packs where code = $1', [code]);
    return row === undefined ? null : this.load(row);
  }

  async list(options: { activeOnly: boolean; limit: number; after?: string }): Promise<TopUpPack[]> {
    const rows = await this.tx.query<PackRow>(
      'select * from top_up_packs where ($1::boolean is false or active) and ($2::text is null or code > $2) order by code limit $3',
      [options.activeOnly, options.after ?? null, options.limit],
    );
    return rows.map((row) => this.load(row));
  }

  async add(pack: TopUpPack): Promise<void> {
    const state = pack.toState();
    // `on conflict do nothing` instead of catching 23505: a failed statement would abort the caller's transaction.
    const inserted = await this.tx.query(
      `insert into top_up_packs (code, credits, prices, active, version, created_at, updated_at)
       values ($1, $2, $3::jsonb, $4, 1, $5, $6) on conflict do nothing returning code`,
      [state.code, state.credits, JSON.stringify(state.prices), state.active, state.createdAt, state.updatedAt],
    );
    if (inserted.length === 0) throw new TopUpPackAlreadyExistsError(state.code);
    this.versions.set(pack, 1);
  }

  async save(pack: TopUpPack): Promise<void> {
    const state = pack.toState();
    const version = this.versions.get(pack);
    if (version === undefined) throw new Error(`top-up pack ${state.code} was not loaded by this repository`);
    const updated = await this.tx.query(
      `update top_up_packs set credits = $2, prices = $3::jsonb, active = $4, updated_at = $5, version = version + 1
       where code = $1 and version = $6 returning code`,
      [state.code, state.credits, JSON.stringify(state.prices), state.active, state.updatedAt, version],
    );
    if (updated.length === 0) throw new TopUpPackConcurrentUpdateError(state.code);
    this.versions.set(pack, version + 1);
  }

  private load(row: PackRow): TopUpPack {
    const pack = TopUpPack.reconstitute({
      code: row.code,
      credits: Number(row.credits),
      prices: row.prices,
      active: row.active,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    });
    this.versions.set(pack, row.version);
    return pack;
  }
}
