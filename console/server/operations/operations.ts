import type { DeadLetterTopicState, TopicLag } from '@billing/platform';

export interface ServiceStatus {
  name: string;
  url: string;
  ready: boolean;
  /** From the service's /metrics; null when it does not answer or cannot read its outbox. */
  outbox: { rows: number; oldestAgeSeconds: number } | null;
}

export interface OperationsStatus {
  services: ServiceStatus[];
  consumers: TopicLag[];
  deadLetters: DeadLetterTopicState[];
  /** Set when the broker did not answer: consumers and deadLetters are then empty, not "all clear". */
  kafkaError?: string;
}

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  originalTopic: string | null;
  error: string | null;
  attempts: number | null;
  /** The event decoded from Avro; null when it cannot be (then payloadError says why, often the reason it failed). */
  payload: unknown;
  payloadError?: string;
}

/** What the Operations page reads and does; the Kafka implementation is KafkaOperations. */
export interface Operations {
  status(): Promise<OperationsStatus>;
  /** The topic's messages from its start, up to `limit`; undefined when there is no such dead-letter topic. */
  peek(topic: string, limit: number): Promise<DeadLetter[] | undefined>;
  /** undefined when there is no such dead-letter topic. */
  replay(topic: string): Promise<number | undefined>;
}

export class ReplayInProgressError extends Error {
  readonly code = 'REPLAY_IN_PROGRESS';
}
