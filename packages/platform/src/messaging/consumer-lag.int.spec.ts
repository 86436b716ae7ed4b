import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { ensureTopics } from '../kafka/ensure-topics';
import { consumerLag } from './consumer-lag';

describe('consumerLag (real Kafka)', function () {
  this.timeout(60_000);

  it("counts the messages after a group's committed offsets, and all of them for a group that committed none", async () => {
    const kafka = new Kafka({ brokers: (await testInfrastructure()).kafkaBrokers, clientId: 'lag-test', logLevel: logLevel.NOTHING });
    const topic = uniqueName('lag.v1');
    await ensureTopics(kafka, [topic], { numPartitions: 2 });
    // Idempotent: a send retried under load (CI) must not write a message twice, since the test counts them.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [0, 0, 0, 1, 1].map((partition, index) => ({ partition, value: `m${index}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [consumed, fresh] = [uniqueName('lag-consumed'), uniqueName('lag-fresh')];
      // As a consumer commits: the next offset to read, here after 2 of partition 0's 3 messages and all of partition 1's.
      await admin.setOffsets({ groupId: consumed, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '2' }] });

      const lags = await consumerLag(admin, [
        { groupId: consumed, topics: [topic] },
        { groupId: fresh, topics: [topic] },
      ]);

      expect(lags).to.deep.equal([
        { groupId: consumed, topic, lag: 1 },
        { groupId: fresh, topic, lag: 5 },
      ]);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });
});
