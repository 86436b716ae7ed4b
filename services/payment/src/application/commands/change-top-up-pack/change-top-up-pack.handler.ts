import type { TopUpPackRepository } from '../../../domain/top-up-pack.repository.port';
import { TopUpPackNotFoundError } from '../../application.errors';
import type { Clock } from '../../ports/clock.port';
import { toTopUpPackView, type TopUpPackView } from '../../top-up-pack-view';
import type { ChangeTopUpPack } from './change-top-up-pack.command';

export class ChangeTopUpPackHandler {
  constructor(private readonly deps: { packs: TopUpPackRepository; clock: Clock }) {}

  async execute(command: ChangeTopUpPack): Promise<TopUpPackView> {
    const pack = await this.deps.packs.find(command.code);
    if (pack === null) throw new TopUpPackNotFoundError(command.code);
    const changed = pack.change({
      ...(command.credits === undefined ? {} : { credits: command.credits }),
      ...(command.prices === undefined ? {} : { prices: command.prices }),
      now: this.deps.clock.now(),
    });
    if (changed) await this.deps.packs.save(pack);
    return toTopUpPackView(pack);
  }
}
