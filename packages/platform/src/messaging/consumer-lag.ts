import type { Admin } from 'kafkajs';

export interface ConsumerGroupTopics {
  groupId: string;
  topics: readonly string[];
}

export interface TopicLag {
  groupId: string;
  topic: string;
  /** Messages on the topic's partitions after the group's committed offsets (from the log start where it has none). */
  lag: number;
}

/** What each group has yet to consume, read from the broker: committed offsets against the partitions' ends. */
export async function consumerLag(admin: Admin, groups: readonly ConsumerGroupTopics[]): Promise<TopicLag[]> {
  const ends = new Map<string, { partition: number; high: string; low: string }[]>();
  const endsOf = async (topic: string) => {
    if (!ends.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic));
    return ends.get(topic)!;
  };
  const lags: TopicLag[] = [];
  for (const { groupId, topics } of groups) {
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    for (const { topic, partitions } of committed) {
      let lag = 0;
      for (const { partition, high, low } of await endsOf(topic)) {
        const offset = Number(partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
        lag += Number(high) - Math.max(offset, Number(low));
      }
      lags.push({ groupId, topic, lag });
    }
  }
  return lags;
}
