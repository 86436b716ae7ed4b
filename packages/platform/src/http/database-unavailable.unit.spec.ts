import { expect } from 'chai';
import { isDatabaseUnavailable } from './database-unavailable';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('isDatabaseUnavailable', () => {
  describe('when PostgreSQL cannot be reached', () => {
    it('recognises a refused or reset connection, a lost session, a server shutting down and a pool timeout', () => {
      const unavailable = [
        withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', syscall: 'connect' }),
        withProps('read ECONNRESET', { code: 'ECONNRESET' }),
        withProps('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' }),
        withProps('the database system is starting up', { code: '57P03' }),
        withProps('connection failure', { code: '08006' }),
        withProps('sorry, too many clients already', { code: '53300' }),
        new Error('Connection terminated unexpectedly'),
        new Error('Connection terminated due to connection timeout'),
        new Error('timeout exceeded when trying to connect'),
        new Error('timeout expired'),
        new Error('Client has encountered a connection error and is not queryable'),
        withProps('Knex: Timeout acquiring a connection. The pool is probably full.', { name: 'KnexTimeoutError' }),
        new Error('commit failed', { cause: withProps('terminating connection', { code: '57P01' }) }),
        new AggregateError([withProps('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }), withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })]),
      ];
      for (const error of unavailable) expect(isDatabaseUnavailable(error), error.message).to.equal(true);
    });
  });

  describe('when something else failed', () => {
    it('leaves domain errors, SQL errors, other services and non-errors alone', () => {
      const other: unknown[] = [
        withProps('not enough credits', { code: 'INSUFFICIENT_CREDITS' }),
        withProps('duplicate key value violates unique constraint', { code: '23505' }),
        withProps('canceling statement due to statement timeout', { code: '57014' }),
        new TypeError('fetch failed', { cause: withProps('connect ECONNREFUSED 127.0.0.1:8081', { code: 'ECONNREFUSED' }) }),
        withProps('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED' }),
        new Error('boom'),
        'Connection terminated',
        undefined,
      ];
      for (const error of other) expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
    });
  });
});
