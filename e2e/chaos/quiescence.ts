/**
 * Quiescence: every outbox drained (no unpublished row in any of the four databases), every consumer group of the run
 * stable with lag 0 on every partition of the topics it consumes, and no Stripe webhook left to deliver — all of it
 * true for `stableForMs` in a row.
 */
import { AssignerProtocol, type Admin, Kafka, logLevel } from 'kafkajs';
import { serviceNames } from '../support/platform';
import type { ServiceDatabases } from './databases';
import type { WebhookStorm } from './webhook-storm';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Backlog {
  outboxUnpublished: number;
  consumerLag: number;
  unstableGroups: number;
  groups: number;
  webhooksDrained: boolean;
}

export const isQuiet = (backlog: Backlog) => backlog.outboxUnpublished === 0 && backlog.consumerLag === 0 && backlog.unstableGroups === 0 && backlog.webhooksDrained;

export class QuiescenceProbe {
  private readonly admin: Admin;
  private connected = false;

  constructor(
    brokers: string[],
    private readonly databases: ServiceDatabases,
    private readonly webhooks: WebhookStorm,
  ) {
    this.admin = new Kafka({ brokers, clientId: 'chaos-quiescence', logLevel: logLevel.NOTHING }).admin();
  }

  async backlog(): Promise<Backlog> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    const outbox = await Promise.all(serviceNames.map((name) => this.databases.query<{ n: string }>(name, 'select count(*) as n from outbox where published_at is null')));
    const outboxUnpublished = outbox.reduce((sum, [row]) => sum + Number(row!.n), 0);
    const { groups } = await this.admin.listGroups();
    const described = await this.admin.describeGroups(groups.map((group) => group.groupId));
    let consumerLag = 0;
    let unstableGroups = 0;
    const highWatermarks = new Map<string, Map<number, number>>();
    const highOf = async (topic: string) => {
      if (!highWatermarks.has(topic)) {
        highWatermarks.set(topic, new Map((await this.admin.fetchTopicOffsets(topic)).map((partition) => [partition.partition, Number(partition.high)])));
      }
      return highWatermarks.get(topic)!;
    };
    for (const group of described.groups) {
      if (group.state !== 'Stable' || group.members.length === 0) unstableGroups += 1;
      // The topics a group consumes: those assigned to its members, and those it has committed offsets on.
      const topics = new Set<string>();
      for (const member of group.members) {
        const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        for (const topic of Object.keys(assignment?.assignment ?? {})) topics.add(topic);
      }
      const committed = await this.admin.fetchOffsets({ groupId: group.groupId });
      for (const topic of committed) if (topic.partitions.some((partition) => Number(partition.offset) >= 0)) topics.add(topic.topic);
      for (const topic of topics) {
        const high = await highOf(topic);
        const offsets = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
        for (const [partition, end] of high) {
          const offset = Number(offsets.find((entry) => entry.partition === partition)?.offset ?? -1);
          consumerLag += Math.max(0, end - Math.max(0, offset));
        }
      }
    }
    return { outboxUnpublished, consumerLag, unstableGroups, groups: described.groups.length, webhooksDrained: this.webhooks.drained() };
  }

  /** Polls until quiet for `stableForMs`; returns the time it took and the last backlog (quiet or not). */
  async waitForQuiescence(timeoutMs: number, stableForMs = 3_000, log: (line: string) => void = () => undefined): Promise<{ quiet: boolean; tookMs: number; last: Backlog }> {
    const started = Date.now();
    let quietSince: number | undefined;
    let last: Backlog | undefined;
    let lastLogged = 0;
    while (Date.now() - started < timeoutMs) {
      try {
        last = await this.backlog();
      } catch (error) {
        log(`quiescence probe failed: ${(error as Error).message}`);
        quietSince = undefined;
        await sleep(1_000);
        continue;
      }
      if (isQuiet(last)) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= stableForMs) return { quiet: true, tookMs: Date.now() - started, last };
      } else {
        quietSince = undefined;
        if (Date.now() - lastLogged > 10_000) {
          log(`waiting for quiescence: ${JSON.stringify(last)}`);
          lastLogged = Date.now();
        }
      }
      await sleep(500);
    }
    return { quiet: false, tookMs: Date.now() - started, last: last ?? { outboxUnpublished: -1, consumerLag: -1, unstableGroups: -1, groups: 0, webhooksDrained: false } };
  }

  /** Messages on dead-letter topics: events a consumer gave up on. */
  async deadLettered(): Promise<number> {
    const topics = (await this.admin.listTopics()).filter((topic) => topic.includes('.dlq.'));
    let total = 0;
    for (const topic of topics) for (const partition of await this.admin.fetchTopicOffsets(topic)) total += Number(partition.high) - Number(partition.low);
    return total;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
