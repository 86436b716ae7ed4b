import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/**
 * An idempotent producer with one request in flight, so retries neither duplicate nor reorder a key's messages. The
 * partitioner is named rather than defaulted: it is kafkajs 2's default, the Java client's murmur2, so a key lands on
 * the partition any Kafka client would pick (and kafkajs does not warn that its default changed in 2.0).
 */
export function orderedProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
