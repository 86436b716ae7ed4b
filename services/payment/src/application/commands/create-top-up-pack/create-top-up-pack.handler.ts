import { TopUpPack } from '../../../domain/top-up-pack.entity';
import type { TopUpPackRepository } from '../../../domain/top-up-pack.repository.port';
import type { Clock } from '../../ports/clock.port';
import { toTopUpPackView, type TopUpPackView } from '../../top-up-pack-view';
import type { CreateTopUpPack } from './create-top-up-pack.command';

/** A taken code is TOP_UP_PACK_ALREADY_EXISTS (the repository's unique key decides, not a read before the insert). */
export class CreateTopUpPackHandler {
  constructor(private readonly deps: { packs: TopUpPackRepository; clock: Clock }) {}

  async execute(command: CreateTopUpPack): Promise<TopUpPackView> {
    const pack = TopUpPack.create({ ...command, now: this.deps.clock.now() });
    await this.deps.packs.add(pack);
    return toTopUpPackView(pack);
  }
}
