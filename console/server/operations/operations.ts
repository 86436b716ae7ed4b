import type { DeadLetter, OperationsStatus } from './wire';

export type { DeadLetter, OperationsStatus, ServiceStatus } from './wire';

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
