import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { testInfrastructure, uniqueName } from '@billing/testkit';

describe('Kafka broker (real, KRaft)', function () {
  this.timeout(60_000);
  let kafka: Kafka;

  before(async () => {
    const { kafkaBrokers } = await testInfrastructure();
    kafka = new Kafka({ brokers: kafkaBrokers, clientId: 'smoke', logLevel: logLevel.NOTHING });
  });

  it('delivers produced messages to a consumer group that commits its offsets', async () => {
    const topic = uniqueName('smoke.kafka');
    const groupId = uniqueName('smoke-group');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 10 }, (_, index) => ({ key: `key-${index % 3}`, value: `message-${index}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            received.push(message.value!.toString());
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    expect(received.sort()).to.deep.equal(sent.map((message) => message.value).sort());
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committedTotal = committed!.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0);
    expect(committedTotal).to.equal(sent.length);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
