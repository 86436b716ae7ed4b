/**
 * The Operations API's JSON (`/api/ops/*`), shared by the BFF and the app: this file imports nothing, so the app's
 * browser project type-checks it too and the two cannot drift apart.
 */
export interface ServiceStatus {
  name: string;
  url: string;
  ready: boolean;
  /** From the service's /metrics; null when it does not answer or cannot read its outbox. */
  outbox: { rows: number; oldestAgeSeconds: number } | null;
}

export interface OperationsStatus {
  services: ServiceStatus[];
  /** Per group and topic: messages after the group's committed offsets. */
  consumers: { groupId: string; topic: string; lag: number }[];
  /** Per dead-letter topic: messages it holds, and of those not replayed yet. */
  deadLetters: { topic: string; messages: number; pending: number }[];
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
