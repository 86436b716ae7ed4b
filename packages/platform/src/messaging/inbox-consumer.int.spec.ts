import { expect } from 'chai';
import type { Producer } from 'kafkajs';
import { connectedProducer, eventually, type MessagingTestBed, messagingTestBed, publishEvent } from '@billing/testkit';
import { silentLogger } from '../observability/logger';
import { PgExecutor, PgUnitOfWork } from '../sql/pg-unit-of-work';
import { AvroCodec } from './avro-codec';
import { InboxConsumer } from './inbox-consumer';

describe('InboxConsumer of a new group that starts at the latest offset (real Kafka)', function () {
  this.timeout(120_000);
  let bed: MessagingTestBed;
  let codec: AvroCodec;
  let producer: Producer;

  before(async () => {
    bed = await messagingTestBed();
    codec = new AvroCodec(bed.schemaRegistryUrl, bed.catalog);
    producer = await connectedProducer(bed.kafka);
  });
  after(async () => {
    await producer?.disconnect();
    await bed?.dispose();
  });

  const consumerOfGroup = (group: string) =>
    new InboxConsumer({
      consumer: group,
      kafka: bed.kafka,
      topics: [bed.topic],
      codec,
      unitOfWork: new PgUnitOfWork(bed.pool),
      logger: silentLogger(),
      fromBeginning: false,
      handlers: {
        AmountAdded: async (event, tx) => {
          const { accountId, amount } = event.payload as { accountId: string; amount: number };
          await tx.query('insert into test_effects (event_id, account_id, amount) values ($1, $2, $3)', [event.eventId, accountId, amount]);
        },
      },
    });

  it('consumes what was published after its first fetch even when its next member rejoins before any commit', async () => {
    const group = `pin-${bed.namespace.replaceAll('.', '-')}`;
    await publishEvent(producer, codec, 'AmountAdded', { accountId: 'before', sequence: 1, amount: 1, poison: false }, { key: 'before' });
    const first = consumerOfGroup(group);
    await first.start();
    await first.fetching;
    // Gone before it consumed or committed anything: the group's next member must start where the first one did.
    await first.stop();
    await publishEvent(producer, codec, 'AmountAdded', { accountId: 'between', sequence: 2, amount: 2, poison: false }, { key: 'between' });
    const second = consumerOfGroup(group);
    await second.start();
    try {
      const applied = await eventually(
        () => new PgExecutor(bed.pool).query<{ account_id: string }>('select account_id from test_effects order by account_id'),
        (rows) => rows.length > 0,
        20_000,
      );
      expect(applied.map((row) => row.account_id), 'the event published between the two members, not the one before').to.deep.equal(['between']);
    } finally {
      await second.stop();
    }
  });
});
