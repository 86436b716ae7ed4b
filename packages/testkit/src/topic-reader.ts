import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName } from './unique';

export type ReadMessage = KafkaMessage & { topic: string; partition: number };

/**
 * Reads a topic from the beginning in a throwaway group until `until` holds for what was read or the timeout passes,
 * as an outside consumer would. Returns what it read either way; the caller asserts.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (messages: ReadMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), allowAutoTopicCreation: false });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) messages.push({ ...message, topic: batch.topic, partition: batch.partition });
            if (until(messages)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Polls until the check passes or the timeout passes; returns the last value for the caller to assert. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    value = await read();
  }
  return value;
}
