import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { SqlExecutor, UnitOfWork } from '../sql/sql-executor';
import type { AvroCodec } from './avro-codec';
import { InboxConsumer } from './inbox-consumer';

/** A kafkajs consumer as far as InboxConsumer uses it; `crash()` emits what kafkajs emits when its runner dies. */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'group_join', FETCH: 'fetch', CRASH: 'crash' };
  connected = 0;
  disconnected = 0;
  constructor(private readonly broker: { up: boolean }) {
    super();
  }
  async connect() {
    if (!this.broker.up) throw new Error('KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED');
    this.connected += 1;
  }
  async subscribe() {}
  async run() {}
  async disconnect() {
    this.disconnected += 1;
  }
  crash(error: Error, restart: boolean) {
    this.emit('crash', { type: 'crash', payload: { error, groupId: 'g', restart } });
  }
}

function fakeKafka(broker = { up: true }) {
  const consumers: FakeConsumer[] = [];
  const producers = { connected: 0, disconnected: 0 };
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => ['t', 't.dlq.c'],
      createTopics: async () => true,
      fetchTopicMetadata: async () => ({ topics: ['t', 't.dlq.c'].map((name) => ({ name, partitions: [{ leader: 1 }] })) }),
    }),
    producer: () => ({
      connect: async () => {
        producers.connected += 1;
      },
      disconnect: async () => {
        producers.disconnected += 1;
      },
    }),
    consumer: () => {
      const consumer = new FakeConsumer(broker);
      consumers.push(consumer);
      return consumer;
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers, producers };
}

function capturedLogger(level = 'warn') {
  const messages: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n')) if (line) messages.push(JSON.parse(line).msg as string);
      done();
    },
  });
  return { logger: pino({ level }, sink), messages };
}

const noUnitOfWork = {} as UnitOfWork<SqlExecutor>;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('InboxConsumer', () => {
  describe('when kafkajs gives up on a crashed consumer', () => {
    it('logs the crash and replaces the consumer; a crash kafkajs restarts itself is only logged', async () => {
      const { kafka, consumers } = fakeKafka();
      const { logger, messages } = capturedLogger();
      const inbox = new InboxConsumer({ consumer: 'c', kafka, topics: ['t'], codec: {} as AvroCodec, unitOfWork: noUnitOfWork, handlers: {}, logger, crashRestartDelayMs: 0 });
      await inbox.start();
      consumers[0]!.crash(new Error('broker gone'), true);
      expect(consumers).to.have.length(1);

      consumers[0]!.crash(new Error('not retriable'), false);
      await pause(20);
      expect(consumers).to.have.length(2);
      expect(consumers[0]!.disconnected).to.equal(1);
      expect(consumers[1]!.connected).to.equal(1);
      expect(messages).to.deep.equal(['consumer crashed; kafkajs restarts it', 'consumer crashed and kafkajs gave up on it; replacing it']);

      await inbox.stop();
      consumers[1]!.crash(new Error('after stop'), false);
      await pause(20);
      expect(consumers).to.have.length(2);
    });

    it('disconnects once more a consumer whose crash kafkajs reports after stop(), which clears the restart kafkajs armed', async () => {
      const { kafka, consumers } = fakeKafka();
      const inbox = new InboxConsumer({ consumer: 'c', kafka, topics: ['t'], codec: {} as AvroCodec, unitOfWork: noUnitOfWork, handlers: {}, logger: capturedLogger().logger, crashRestartDelayMs: 0 });
      await inbox.start();
      await inbox.stop();
      expect(consumers[0]!.disconnected).to.equal(1);
      consumers[0]!.crash(new Error('broker gone'), true);
      await pause(20);
      expect(consumers[0]!.disconnected).to.equal(2);
      expect(consumers).to.have.length(1);
    });
  });

  describe('when the broker does not answer at start (startOrRetry)', () => {
    it('tries again until it does, leaving nothing connected from the failed tries', async () => {
      const broker = { up: false };
      const { kafka, consumers, producers } = fakeKafka(broker);
      const { logger, messages } = capturedLogger('info');
      const inbox = new InboxConsumer({ consumer: 'c', kafka, topics: ['t'], codec: {} as AvroCodec, unitOfWork: noUnitOfWork, handlers: {}, logger, crashRestartDelayMs: 5 });
      await inbox.startOrRetry();
      expect(consumers, 'resolved after the first try').to.have.length(1);
      await pause(40);
      const failedTries = consumers.length;
      expect(failedTries).to.be.at.least(2);
      expect(consumers.every((consumer) => consumer.connected === 0 && consumer.disconnected === 1)).to.equal(true);
      expect(producers.disconnected).to.equal(producers.connected);
      expect(new Set(messages)).to.deep.equal(new Set(['consumer cannot start: Kafka does not answer; trying again']));
      messages.length = 0;

      broker.up = true;
      await pause(40);
      expect(consumers.filter((consumer) => consumer.connected === 1 && consumer.disconnected === 0)).to.have.length(1);
      const tries = consumers.length;
      await pause(40);
      expect(consumers, 'no try after one succeeded').to.have.length(tries);
      expect(messages).to.deep.equal(['consumer started: Kafka answers again']);

      await inbox.stop();
      expect(consumers.at(-1)!.disconnected).to.equal(1);
      expect(producers.disconnected).to.equal(producers.connected);
    });

    it('does not start a consumer stopped before its turn (SIGTERM while the service starts its consumers)', async () => {
      const { kafka, consumers } = fakeKafka();
      const inbox = new InboxConsumer({ consumer: 'c', kafka, topics: ['t'], codec: {} as AvroCodec, unitOfWork: noUnitOfWork, handlers: {}, logger: capturedLogger().logger });
      await inbox.stop();
      await inbox.startOrRetry();
      expect(consumers).to.have.length(0);
    });

    it('stops trying once stopped', async () => {
      const { kafka, consumers } = fakeKafka({ up: false });
      const inbox = new InboxConsumer({ consumer: 'c', kafka, topics: ['t'], codec: {} as AvroCodec, unitOfWork: noUnitOfWork, handlers: {}, logger: capturedLogger().logger, crashRestartDelayMs: 5 });
      await inbox.startOrRetry();
      await pause(20);
      await inbox.stop();
      const tries = consumers.length;
      await pause(40);
      expect(consumers).to.have.length(tries);
    });
  });
});
