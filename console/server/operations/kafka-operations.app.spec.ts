import { AvroCodec, SchemaCatalog } from '@billing/platform';
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaOperations } from './kafka-operations';

describe('console operations when nothing answers', () => {
  it('reports the services as not ready without an outbox, and says the broker did not answer instead of listing nothing', async () => {
    const unreachable = 'http://127.0.0.1:9';
    const kafka = new Kafka({ brokers: ['127.0.0.1:9'], clientId: 'console-ops-down', logLevel: logLevel.NOTHING, connectionTimeout: 200, retry: { retries: 0 } });
    const operations = new KafkaOperations({
      kafka,
      codec: new AvroCodec(unreachable, SchemaCatalog.of([])),
      serviceUrls: { customer: unreachable, credit: unreachable, subscription: unreachable, payment: unreachable },
      consumerGroups: [{ groupId: 'credit.grants', topics: ['billing.customer.v1'] }],
      timeoutMs: 1_000,
    });
    const started = Date.now();
    const status = await operations.status();
    expect(Date.now() - started, 'within the timeout').to.be.below(3_000);
    expect(status.services).to.have.length(4);
    for (const service of status.services) expect(service).to.deep.include({ ready: false, outbox: null });
    expect(status.consumers).to.deep.equal([]);
    expect(status.deadLetters).to.deep.equal([]);
    expect(status.kafkaError).to.be.a('string').and.not.equal('');
  });
});
