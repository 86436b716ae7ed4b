/**
 * The broker fault of a run on several Kafka nodes (`--brokers 3`): SIGKILL the node leading the most partitions of
 * the billing topics, start it again after the fault's downtime, and measure how long the platform's publishing
 * stood still — from the kill until every partition had a live leader again, and until a row a service wrote to its
 * outbox after the kill was published (the relay commits a row as published only after acks=all). A kill first waits
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
  /** ms spent before the kill waiting for every partition to be fully in sync. */
  waitedMs: number;
  /** ms from the kill until no partition of the billing topics was led by the dead node or by none. */
  leadersMovedMs: number;
  /** ms from the kill until a row written to an outbox after it was published. */
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
    const lastSeq = async () =>
      Promise.all(serviceNames.map(async (name) => Number((await databases.query<{ seq: string | null }>(name, 'select max(seq) as seq from outbox'))[0]!.seq ?? 0)));
    const killedAt = Date.now();
    await kafka.nodes[node - 1]!.kill();
    log(`  kill -9 kafka node ${node} (leading the most partitions of ${topics.length} billing topics; waited ${(waitedMs / 1_000).toFixed(1)} s for all replicas in sync)`);
    // Rows with a higher seq were inserted after the kill; one of them published means a write went through since.
    const baseline = await lastSeq();
    const publishedAfterKill = async () => {
      const published = await Promise.all(
        serviceNames.map(async (name, index) => (await databases.query(name, 'select 1 from outbox where seq > $1 and published_at is not null limit 1', [baseline[index]])).length > 0),
      );
      return published.some(Boolean);
    };
    const resumed = (async () => {
      while (!(await publishedAfterKill())) {
        if (Date.now() - killedAt > failoverTimeoutMs) throw new Error(`no outbox row published within ${failoverTimeoutMs / 1_000} s of killing node ${node}`);
        await sleep(200);
      }
      return Date.now() - killedAt;
    })();
    const restarted = sleep(downMs).then(() => kafka.nodes[node - 1]!.start());
    const [leadersMovedMs, publishingResumedMs] = await Promise.all([waitForNewLeaders(admin, topics, node, killedAt, failoverTimeoutMs), resumed, restarted]);
    log(`  kafka node ${node} (leading most partitions): new leaders after ${(leadersMovedMs / 1_000).toFixed(1)} s, publishing resumed after ${(publishingResumedMs / 1_000).toFixed(1)} s`);
    return { node, waitedMs, leadersMovedMs, publishingResumedMs };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
