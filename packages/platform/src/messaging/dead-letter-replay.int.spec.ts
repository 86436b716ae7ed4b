import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { readTopic, testInfrastructure, uniqueName } from '@billing/testkit';
import { ensureTopics } from '../kafka/ensure-topics';
import { deadLetterTopics, replayDeadLetters } from './dead-letter-replay';
import { deadLetterTopic } from './inbox-consumer';

describe('dead-letter replay (real Kafka)', function () {
  this.timeout(60_000);
  let kafka: Kafka;

  before(async () => {
    kafka = new Kafka({ brokers: (await testInfrastructure()).kafkaBrokers, clientId: 'dlq-replay-test', logLevel: logLevel.NOTHING });
  });

  it('sends each dead letter back to its original topic once, with its key, value and event headers, and reports what is left', async () => {
    const original = uniqueName('replay.v1');
    const dlq = deadLetterTopic(original, 'some-consumer');
    await ensureTopics(kafka, [original, dlq]);
    // Idempotent: a send retried under load (CI) must not write a message twice, since the test counts them.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const letters = [1, 2, 3].map((index) => ({
      key: `aggregate-${index}`,
      value: Buffer.from([0, 0, 0, 0, index]),
      headers: { 'event-id': `event-${index}`, 'correlation-id': `flow-${index}`, 'dlq-error': 'boom', 'dlq-original-topic': original, 'dlq-attempts': '5' },
    }));
    await producer.send({ topic: dlq, acks: -1, messages: letters });
    await producer.disconnect();

    expect((await deadLetterTopics(kafka)).find((state) => state.topic === dlq)).to.deep.equal({ topic: dlq, messages: 3, pending: 3 });
    expect(await replayDeadLetters(kafka, dlq)).to.equal(3);
    expect(await replayDeadLetters(kafka, dlq), 'a second replay sends nothing').to.equal(0);
    expect((await deadLetterTopics(kafka)).find((state) => state.topic === dlq)).to.deep.equal({ topic: dlq, messages: 3, pending: 0 });

    const replayed = await readTopic(kafka, original, (messages) => messages.length >= 3, 10_000);
    expect(replayed).to.have.length(3);
    const seen = replayed
      .map((message) => ({
        key: message.key!.toString(),
        value: [...message.value!],
        eventId: message.headers!['event-id']!.toString(),
        correlationId: message.headers!['correlation-id']!.toString(),
        deadLetterHeaders: Object.keys(message.headers!).filter((name) => name.startsWith('dlq-') && name !== 'dlq-replayed-from'),
        from: message.headers!['dlq-replayed-from']!.toString(),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(seen.map(({ from, ...rest }) => rest)).to.deep.equal(
      letters.map((letter) => ({ key: letter.key, value: [...letter.value], eventId: letter.headers['event-id'], correlationId: letter.headers['correlation-id'], deadLetterHeaders: [] })),
    );
    for (const message of seen) expect(message.from).to.match(new RegExp(`^${dlq.replaceAll('.', '\\.')}\\[\\d\\]@\\d+$`));

    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [original, dlq] });
    await admin.disconnect();
  });
});
