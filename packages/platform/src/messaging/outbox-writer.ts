import { activeTraceparent } from '../observability/tracing';
import type { SqlExecutor } from '../sql/sql-executor';
import type { MessageContext } from './message-headers';
import { outboxLanes } from './messaging.migration';

export interface OutboxMessage<Payload = Record<string, unknown>> {
  eventId: string;
  /** The Avro record name, e.g. CreditsGranted; the schema catalogue maps it to its topic and subject. */
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Payload;
  context: MessageContext;
  occurredAt: Date;
}

/** The outbox columns every writer fills, in the order outboxInsertSql and credit's own INSERT … SELECT give them. */
export const outboxColumns = ['id', 'lane', 'aggregate_type', 'aggregate_id', 'event_type', 'payload', 'headers', 'occurred_at'] as const;

/**
 * The SQL expression of an outbox row's lane from its aggregate id (a column name or a `$n` parameter): one aggregate's
 * events always share a lane, so the relay publishes them in order. Every writer must use this very expression.
 */
export const outboxLaneSql = (aggregateIdSql: string): string => `abs(hashtext(${aggregateIdSql})) % ${outboxLanes}`;

/**
 * Appends integration events to the outbox inside the caller's transaction, so they commit or roll back together with
 * the state change. One INSERT whatever the count. With tracing on, the row's traceparent is the span writing it (the
 * request or the consumed event), which the relay's producer span continues.
 */
export async function appendToOutbox(tx: SqlExecutor, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const { sql, params } = outboxInsertSql(messages, 1);
  await tx.query(sql, params);
}

/** An outbox row's values (id, aggregate_type, aggregate_id, event_type, payload, headers, occurred_at): its lane is SQL. */
function outboxValuesOf(message: OutboxMessage): unknown[] {
  return [
    message.eventId,
    message.aggregateType,
    message.aggregateId,
    message.eventType,
    JSON.stringify(message.payload),
    JSON.stringify({ ...message.context, traceparent: activeTraceparent(message.context.traceparent) }),
    message.occurredAt,
  ];
}

/**
 * The outbox INSERT, its rows from seven array parameters starting at `$first` (the values for them in `params`), so the
 * text is the same whatever the count; a caller may make it part of a statement of its own (a data-modifying CTE).
 * `where` (SQL) gates the rows: none is inserted when it is false.
 */
export function outboxInsertSql(messages: readonly OutboxMessage[], first: number, where = 'true'): { sql: string; params: unknown[][] } {
  const columns: unknown[][] = [[], [], [], [], [], [], []];
  for (const message of messages) outboxValuesOf(message).forEach((value, index) => columns[index]!.push(value));
  const types = ['uuid', 'text', 'text', 'text', 'jsonb', 'jsonb', 'timestamptz'];
  return {
    sql: `insert into outbox (${outboxColumns.join(', ')})
      select id, ${outboxLaneSql('aggregate_id')}, aggregate_type, aggregate_id, event_type, payload, headers, occurred_at
      from unnest(${types.map((type, index) => `$${first + index}::${type}[]`).join(', ')})
        as m(id, aggregate_type, aggregate_id, event_type, payload, headers, occurred_at)
      where ${where}`,
    params: columns,
  };
}
