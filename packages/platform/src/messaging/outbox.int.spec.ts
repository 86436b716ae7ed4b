import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type MessagingTestBed, messagingTestBed } from '@billing/testkit';
import { MessagingMetrics, outboxBacklogQuery } from '../observability/messaging-metrics';
import { PgExecutor, PgUnitOfWork } from '../sql/pg-unit-of-work';
import { appendToOutbox, type OutboxMessage } from './outbox-writer';

describe('Outbox writer (real PostgreSQL)', function () {
  this.timeout(30_000);
  let bed: MessagingTestBed;
  before(async () => (bed = await messagingTestBed()));
  after(() => bed.dispose());

  const amountAdded = (accountId: string): OutboxMessage => ({
    eventId: randomUUID(),
    eventType: 'AmountAdded',
    aggregateType: 'TestAccount',
    aggregateId: accountId,
    payload: { accountId, sequence: 1, amount: 5, poison: false },
    context: { correlationId: randomUUID() },
    occurredAt: new Date(),
  });

  const count = async (sql: string, params: unknown[]) => Number((await bed.pool.query(sql, params)).rows[0].count);

  it('commits the state change and its event together', async () => {
    const message = amountAdded('committed');
    await new PgUnitOfWork(bed.pool).transaction(async (tx) => {
      await tx.query("insert into test_accounts (id, balance) values ('committed', 5)");
      await appendToOutbox(tx, [message]);
    });
    expect(await count('select count(*) from test_accounts where id = $1', ['committed'])).to.equal(1);
    const [row] = (await bed.pool.query('select event_type, aggregate_id, payload, headers, published_at from outbox where id = $1', [message.eventId])).rows;
    expect(row).to.deep.include({ event_type: 'AmountAdded', aggregate_id: 'committed', published_at: null });
    expect(row.payload).to.deep.equal(message.payload);
    expect(row.headers.correlationId).to.equal(message.context.correlationId);
  });

  it('leaves neither the state change nor the event when the transaction rolls back', async () => {
    const message = amountAdded('rolled-back');
    const failure = await new PgUnitOfWork(bed.pool)
      .transaction(async (tx) => {
        await tx.query("insert into test_accounts (id, balance) values ('rolled-back', 5)");
        await appendToOutbox(tx, [message]);
        throw new Error('business rule failed after the writes');
      })
      .catch((error: Error) => error);
    expect(failure).to.be.instanceOf(Error);
    expect(await count('select count(*) from test_accounts where id = $1', ['rolled-back'])).to.equal(0);
    expect(await count('select count(*) from outbox where id = $1', [message.eventId])).to.equal(0);
  });

  it('reports the unpublished backlog and its age on /metrics', async () => {
    const metrics = new MessagingMetrics(undefined, async () => (await new PgExecutor(bed.pool).query<{ rows: number; oldestAgeSeconds: number }>(outboxBacklogQuery))[0]!);
    const unpublished = await count('select count(*) from outbox where published_at is null', []);
    await new PgUnitOfWork(bed.pool).transaction((tx) => appendToOutbox(tx, [amountAdded('metered'), amountAdded('metered')]));
    const text = await metrics.registry.metrics();
    expect(text).to.match(new RegExp(`^outbox_backlog_rows ${unpublished + 2}$`, 'm'));
    expect(Number(/^outbox_oldest_age_seconds (\S+)$/m.exec(text)?.[1])).to.be.at.least(0);
  });
});
