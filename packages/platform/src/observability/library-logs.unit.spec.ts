import { Writable } from 'node:stream';
import { expect } from 'chai';
import { logLevel } from 'kafkajs';
import { kafkaLogCreator, knexLog } from './library-logs';
import { createLogger } from './logger';

/** A service logger at `level` whose lines the test reads back as objects. */
function capturedLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('credit', level, destination), lines };
}

describe('Library logs through the service logger', () => {
  it("writes a kafkajs entry as the service's JSON line, with its namespace and details and at its level", () => {
    const { logger, lines } = capturedLogger('info');
    const log = kafkaLogCreator(logger)(logLevel.WARN);
    log({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: '2026-11-27T00:00:00.000Z', message: 'Connection error: ECONNREFUSED', broker: '127.0.0.1:9092' } });
    log({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { timestamp: '2026-11-27T00:00:00.000Z', message: 'retrying' } });
    log({ namespace: 'Consumer', level: logLevel.INFO, label: 'INFO', log: { timestamp: '2026-11-27T00:00:00.000Z', message: 'joined', groupId: 'credit.x' } });
    log({ namespace: 'Consumer', level: logLevel.DEBUG, label: 'DEBUG', log: { timestamp: '2026-11-27T00:00:00.000Z', message: 'fetching' } });
    expect(lines.map(({ level, msg, component, namespace, service }) => ({ level, msg, component, namespace, service }))).to.deep.equal([
      { level: 50, msg: 'Connection error: ECONNREFUSED', component: 'kafkajs', namespace: 'Connection', service: 'credit' },
      { level: 40, msg: 'retrying', component: 'kafkajs', namespace: 'Producer', service: 'credit' },
      { level: 30, msg: 'joined', component: 'kafkajs', namespace: 'Consumer', service: 'credit' },
    ]);
    expect(lines[0]!.broker).to.equal('127.0.0.1:9092');
    expect(lines[2]!.groupId).to.equal('credit.x');
  });

  it("keeps a broker's error answer, which kafkajs hands to its caller, out of the error lines", () => {
    const { logger, lines } = capturedLogger('info');
    kafkaLogCreator(logger)(logLevel.INFO)({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 't', message: 'Response CreateTopics(key: 19, version: 3)', error: 'Topic creation errors', broker: '127.0.0.1:9092' },
    });
    expect(lines).to.deep.equal([]);
    const debug = capturedLogger('debug');
    kafkaLogCreator(debug.logger)(logLevel.DEBUG)({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 't', message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition' } });
    expect(debug.lines.map(({ level, error }) => ({ level, error }))).to.deep.equal([{ level: 20, error: 'This server does not host this topic-partition' }]);
  });

  it('keeps the redaction of the service logger for what kafkajs passes', () => {
    const { logger, lines } = capturedLogger('info');
    kafkaLogCreator(logger)(logLevel.INFO)({ namespace: 'SASL', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 't', message: 'auth failed', sasl: { password: 'hunter2' } } });
    expect(lines[0]!.sasl).to.deep.equal({ password: '[redacted]' });
  });

  it('writes knex warnings and errors as JSON lines, an Error with its stack', () => {
    const { logger, lines } = capturedLogger('info');
    const log = knexLog(logger);
    log.warn('Connection Error: timeout');
    log.error(new Error('pool destroyed'));
    log.deprecate({ method: 'x' });
    log.debug('not at info');
    expect(lines.map(({ level, msg, component }) => ({ level, msg, component }))).to.deep.equal([
      { level: 40, msg: 'Connection Error: timeout', component: 'knex' },
      { level: 50, msg: 'pool destroyed', component: 'knex' },
      { level: 40, msg: "{ method: 'x' }", component: 'knex' },
    ]);
    expect((lines[1]!.err as { stack: string }).stack).to.contain('pool destroyed');
  });

  it('logs an error of an idle pooled connection without the pg client pg-pool hangs on it, keeping its message and code', () => {
    const { logger, lines } = capturedLogger('info');
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', client: { connectionParameters: { password: 'x' }, parsedStatements: { big: 'select …' } } });
    logger.warn({ err: lost }, 'idle database connection lost');
    const err = lines[0]!.err as Record<string, unknown>;
    expect(err.message).to.equal('terminating connection due to administrator command');
    expect(err.code).to.equal('57P01');
    expect(err).not.to.have.property('client');
  });
});
