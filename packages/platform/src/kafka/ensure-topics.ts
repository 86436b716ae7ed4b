import type { Kafka } from 'kafkajs';

export interface EnsureTopicsOptions {
  numPartitions?: number;
  timeoutMs?: number;
}

/** Broker answers that mean "created, not yet visible to this broker's metadata": KRaft propagates it moments later. */
const NOT_YET_VISIBLE = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Creates the topics that are missing and waits until every partition has a leader. Several services start at once and
 * create the same topics, so "already exists" counts as success and a topic that is not yet visible is waited for —
 * kafkajs' own `waitForLeaders` gives up on the first UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], options: EnsureTopicsOptions = {}): Promise<void> {
  const { numPartitions = 3, timeoutMs = 30_000 } = options;
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    // createTopics resolves false (not throws) when a concurrent creator won the race.
    if (missing.length) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })), waitForLeaders: false });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
        const led = metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
        if (led && metadata.length === topics.length) return;
      } catch (error) {
        if (!NOT_YET_VISIBLE.has((error as { type?: string }).type ?? '')) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
