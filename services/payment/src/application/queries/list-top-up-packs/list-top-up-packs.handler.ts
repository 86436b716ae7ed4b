import type { TopUpPackRepository } from '../../../domain/top-up-pack.repository.port';
import { toTopUpPackView, type TopUpPackView } from '../../top-up-pack-view';
import type { ListTopUpPacks } from './list-top-up-packs.query';

export class ListTopUpPacksHandler {
  constructor(private readonly deps: { packs: TopUpPackRepository }) {}

  async execute(query: ListTopUpPacks): Promise<{ data: TopUpPackView[]; nextCursor: string | null }> {
    const page = await this.deps.packs.list({ activeOnly: query.activeOnly, limit: query.limit + 1, ...(query.cursor === undefined ? {} : { after: query.cursor }) });
    const data = page.slice(0, query.limit).map(toTopUpPackView);
    return { data, nextCursor: page.length > query.limit ? data.at(-1)!.code : null };
  }
}
