import type { IHeaders, Kafka } from 'kafkajs';
import { orderedProducer } from '../kafka/ordered-producer';

export const replayGroupOf = (deadLetterTopic: string) => `dlq-replay.${deadLetterTopic}`;

export interface DeadLetterTopicState {
  topic: string;
  /** Messages the topic holds. */
  messages: number;
  /** Of those, not replayed yet (by the replay group's committed offsets). */
  pending: number;
}

/** Every `<topic>.dlq.<consumer>` with what it holds and what is left to replay. */
export async function deadLetterTopics(kafka: Kafka): Promise<DeadLetterTopicState[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.includes('.dlq.')).sort();
    const states: DeadLetterTopicState[] = [];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: replayGroupOf(topic), topics: [topic] });
      let messages = 0;
      let pending = 0;
      for (const { partition, high, low } of offsets) {
        const done = Number(committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
        messages += Number(high) - Number(low);
        pending += Number(high) - Math.max(Number(low), done);
      }
      states.push({ topic, messages, pending });
    }
    return states;
  } finally {
    await admin.disconnect();
  }
}

const withoutDeadLetterHeaders = (headers: IHeaders = {}): IHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('dlq-')));

/**
 * Sends what a dead-letter topic holds back to the topics the messages came from: same key, value and event headers,
 * plus `dlq-replayed-from`. Safe to repeat: progress is the replay group's committed offsets, and every consumer
 * skips an event id it has processed (so the other consumers of the original topic ignore the replayed copy).
 * Replays what was there when it started; returns how many it sent.
 */
export async function replayDeadLetters(kafka: Kafka, deadLetterTopic: string): Promise<number> {
  // Replays up to the end it has now; a partition whose committed offset already reaches that end is done.
  const targets = new Map<number, bigint>();
  const position = new Map<number, bigint>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: replayGroupOf(deadLetterTopic), topics: [deadLetterTopic] });
    for (const { partition, high, low } of await admin.fetchTopicOffsets(deadLetterTopic)) {
      const offset = Number(committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? -1);
      targets.set(partition, BigInt(high));
      position.set(partition, BigInt(Math.max(offset, Number(low))));
    }
  } finally {
    await admin.disconnect();
  }
  const caughtUp = () => [...targets].every(([partition, high]) => position.get(partition)! >= high);
  if (caughtUp()) return 0;
  const producer = orderedProducer(kafka);
  const consumer = kafka.consumer({ groupId: replayGroupOf(deadLetterTopic), allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  let replayed = 0;
  try {
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const high = targets.get(partition) ?? 0n;
            if (BigInt(message.offset) < high) {
              const originalTopic = message.headers?.['dlq-original-topic']?.toString();
              if (!originalTopic) {
                const error = new Error(`${deadLetterTopic}[${partition}]@${message.offset} has no dlq-original-topic header: stopped there`);
                reject(error);
                throw error; // uncommitted: a later replay stops at the same message
              }
              await producer.send({
                topic: originalTopic,
                acks: -1,
                messages: [
                  {
                    key: message.key,
                    value: message.value,
                    headers: { ...withoutDeadLetterHeaders(message.headers), 'dlq-replayed-from': `${deadLetterTopic}[${partition}]@${message.offset}` },
                  },
                ],
              });
              replayed += 1;
            }
            const next = BigInt(message.offset) + 1n;
            await consumer.commitOffsets([{ topic: deadLetterTopic, partition, offset: next.toString() }]);
            position.set(partition, next);
            if (caughtUp()) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return replayed;
}
