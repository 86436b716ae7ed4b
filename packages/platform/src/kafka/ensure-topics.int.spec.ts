import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { testInfrastructure, uniqueName } from '@billing/testkit';
import { ensureTopics } from './ensure-topics';

describe('ensureTopics (real Kafka)', function () {
  this.timeout(60_000);
  let brokers: string[];

  before(async () => {
    ({ kafkaBrokers: brokers } = await testInfrastructure());
  });

  const client = (index: number) => new Kafka({ brokers, clientId: `ensure-topics-${index}`, logLevel: logLevel.NOTHING });

  it('lets several processes create the same new topics at once, each returning only when every partition has a leader', async () => {
    const topics = [uniqueName('ensure.a'), uniqueName('ensure.b')];
    // Four clients race like four services starting together (CI once saw one of them crash on UNKNOWN_TOPIC_OR_PARTITION).
    await Promise.all([0, 1, 2, 3].map((index) => ensureTopics(client(index), topics, { numPartitions: 3 })));

    const admin = client(9).admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      expect(metadata.map((topic) => topic.name).sort()).to.deep.equal([...topics].sort());
      for (const topic of metadata) {
        expect(topic.partitions).to.have.length(3);
        expect(topic.partitions.every((partition) => partition.leader >= 0)).to.equal(true);
      }
      await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });

  it('leaves an existing topic as it is', async () => {
    const topic = uniqueName('ensure.existing');
    await ensureTopics(client(0), [topic], { numPartitions: 2 });
    await ensureTopics(client(1), [topic], { numPartitions: 5 });
    const admin = client(9).admin();
    await admin.connect();
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata[0]!.partitions).to.have.length(2);
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  });
});
