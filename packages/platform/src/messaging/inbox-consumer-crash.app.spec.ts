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
  async connect() {
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

function fakeKafka() {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => ['t', 't.dlq.c'],
      createTopics: async () => true,
      fetchTopicMetadata: async () => ({ topics: ['t', 't.dlq.c'].map((name) => ({ name, partitions: [{ leader: 1 }] })) }),
    }),
    producer: () => ({ connect: async () => undefined, disconnect: async () => undefined }),
    consumer: () => {
      const consumer = new FakeConsumer();
      consumers.push(consumer);
      return consumer;
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers };
}

function capturedLogger() {
  const messages: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString().split('\n')) if (line) messages.push(JSON.parse(line).msg as string);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), messages };
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
  });
});
