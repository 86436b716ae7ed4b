/**
 * The broker fault of a run on several Kafka nodes (`--brokers 3`): SIGKILL the node leading the most partitions of
 * the billing topics, start it again after the fault's downtime, and measure how long the platform's publishing
 * stood still — from the kill until every partition had a live leader again, and until a service's relay published
 * an outbox row it claimed after the kill (`published_at` is the claiming transaction's start; the row is committed
 * only after acks=all, which needs the dead node out of every in-sync replica set first). A kill first waits
 * until every partition is fully in sync again: the cluster is built to lose one node, and two down at once would
 * also leave the 3-voter controller quorum without a majority.
 */
import { Kafka, logLevel } from 'kafkajs';
import { busiestLeader, waitForFullIsr, waitForNewLeaders } from '../../infra/testing/kafka-leaders';
import type { PrivateKafka } from '../../infra/testing/private-kafka';
import { serviceNames } from '../support/platform';
import type { ServiceDatabases } from './databases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The topics the services publish to (not their dead-letter topics, not Kafka's own). */
const billingTopic = /^billing\.[a-z]+\.v1$/;
/** Longer than any failover seen (≈9-12 s: the controller fences a silent node after broker.session.timeout.ms = 9 s). */
const failoverTimeoutMs = 90_000;

export interface LeaderKill {
  node: number;
  /** When the node was SIGKILLed (epoch ms), and how long until it answered again after its start. */
  killedAt: number;
  backAfterMs: number;
  /** ms spent before the kill waiting for every partition to be fully in sync. */
  waitedMs: number;
  /** ms from the kill until no partition of the billing topics was led by the dead node or by none. */
  leadersMovedMs: number;
  /** ms from the kill until an outbox row claimed after it was published (as soon as there was one to publish). */
  publishingResumedMs: number;
}

export async function killBusiestLeader(kafka: PrivateKafka, databases: ServiceDatabases, downMs: number, log: (line: string) => void): Promise<LeaderKill> {
  const admin = new Kafka({ brokers: kafka.brokers, clientId: 'chaos-leader-kill', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => billingTopic.test(topic));
    const waitStartedAt = Date.now();
    await waitForFullIsr(admin, topics, failoverTimeoutMs);
    const waitedMs = Date.now() - waitStartedAt;
    const node = await busiestLeader(admin, topics);
    const killedAt = Date.now();
    await kafka.nodes[node - 1]!.kill();
    log(`kill -9 kafka node ${node} (leading the most partitions of ${topics.length} billing topics; waited ${(waitedMs / 1_000).toFixed(1)} s for all replicas in sync)`);
    const publishedAfterKill = async () => {
      const published = await Promise.all(serviceNames.map(async (name) => (await databases.query(name, 'select 1 from outbox where published_at > $1 limit 1', [new Date(killedAt)])).length > 0));
      return published.some(Boolean);
    };
    const resumed = (async () => {
      while (!(await publishedAfterKill())) {
        if (Date.now() - killedAt > failoverTimeoutMs) throw new Error(`no outbox row published within ${failoverTimeoutMs / 1_000} s of killing node ${node}`);
        await sleep(200);
      }
      return Date.now() - killedAt;
    })();
    const restarted = sleep(downMs)
      .then(() => kafka.nodes[node - 1]!.start())
      .then(() => Date.now() - killedAt);
    const [leadersMovedMs, publishingResumedMs, backAfterMs] = await Promise.all([waitForNewLeaders(admin, topics, node, killedAt, failoverTimeoutMs), resumed, restarted]);
    log(
      `kafka node ${node}: new leaders after ${(leadersMovedMs / 1_000).toFixed(1)} s, publishing resumed after ${(publishingResumedMs / 1_000).toFixed(1)} s, node back after ${(backAfterMs / 1_000).toFixed(1)} s`,
    );
    return { node, killedAt, backAfterMs, waitedMs, leadersMovedMs, publishingResumedMs };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
