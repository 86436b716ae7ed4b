import type { TopUpPackRepository } from '../../../domain/top-up-pack.repository.port';
import { TopUpPackNotFoundError } from '../../application.errors';
import type { Clock } from '../../ports/clock.port';
import { toTopUpPackView, type TopUpPackView } from '../../top-up-pack-view';
import type { DeactivateTopUpPack } from './deactivate-top-up-pack.command';

export class DeactivateTopUpPackHandler {
  constructor(private readonly deps: { packs: TopUpPackRepository; clock: Clock }) {}

  async execute(command: DeactivateTopUpPack): Promise<TopUpPackView> {
    const pack = await this.deps.packs.find(command.code);
    if (pack === null) throw new TopUpPackNotFoundError(command.code);
    if (pack.deactivate(this.deps.clock.now())) await this.deps.packs.save(pack);
    return toTopUpPackView(pack);
  }
}
