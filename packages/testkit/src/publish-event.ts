import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { type AvroCodec, orderedProducer } from '@billing/platform';

/** Publishes an integration event the way another service's relay would: Avro value, aggregate key, standard headers. */
export async function publishEvent(
  producer: Producer,
  codec: AvroCodec,
  eventType: string,
  payload: Record<string, unknown>,
  options: { key: string; eventId?: string; correlationId?: string; actor?: string },
): Promise<string> {
  const eventId = options.eventId ?? randomUUID();
  const { topic, value } = await codec.encode(eventType, payload);
  await producer.send({
    topic,
    acks: -1,
    messages: [
      {
        key: options.key,
        value,
        headers: {
          'event-id': eventId,
          'event-type': eventType,
          'occurred-at': new Date().toISOString(),
          'correlation-id': options.correlationId ?? randomUUID(),
          ...(options.actor === undefined ? {} : { actor: options.actor }),
        },
      },
    ],
  });
  return eventId;
}

export const connectedProducer = async (kafka: Kafka): Promise<Producer> => {
  const producer = orderedProducer(kafka);
  await producer.connect();
  return producer;
};
