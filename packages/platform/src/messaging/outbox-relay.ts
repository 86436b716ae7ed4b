import type { Kafka, Producer } from 'kafkajs';
import pg from 'pg';
import type { Logger } from 'pino';
import { orderedProducer } from '../kafka/ordered-producer';
import type { MessagingMetrics } from '../observability/messaging-metrics';
import type { AvroCodec } from './avro-codec';
import type { MessageContext } from './message-headers';
import { outboxChannel, outboxLanes } from './messaging.migration';

export interface OutboxRelayOptions {
  /** The service's own database (the one holding its outbox). */
  databaseUrl: string;
  kafka: Kafka;
  codec: AvroCodec;
  logger: Logger;
  metrics?: MessagingMetrics;
  batchSize?: number;
  /** Safety net when a NOTIFY is missed (e.g. while reconnecting). */
  pollIntervalMs?: number;
  /** The most lanes this relay may own; within it, a relay takes its fair share of the lanes among the relays alive. */
  maxLanes?: number;
  /** Batches in flight at once, each over its own share of the owned lanes (so order per aggregate still holds). */
  workers?: number;
  /** Runs after a batch is produced and before it is marked published: for crash tests and tracing. */
  afterProduce?: (eventIds: string[]) => Promise<void>;
}

interface OutboxRow {
  id: string;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  headers: MessageContext;
  occurred_at: Date;
}

/** Advisory-lock namespace for outbox lanes (the second key is the lane). */
export const laneLockNamespace = 0x0b0c;
/** Advisory-lock namespace for relay membership: each relay alive holds one slot, so the relays can count each other. */
const memberLockNamespace = 0x0b0d;

/**
 * Server-side TCP keepalives for the relay's connections: PostgreSQL ends the session of a relay whose host vanished
 * (power loss, partition) after ~5 + 3 × 2 s instead of the operating system's two hours, freeing its lanes and the rows
 * of its batch in hand for the other relays. A killed process on a live host closes its sockets at once anyway.
 */
const keepalives = '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3';

/**
 * Publishes the outbox to Kafka, at least once and in order per aggregate. Rows are split into lanes by a hash of the
 * aggregate id; a relay owns a lane through a session advisory lock, so two relays never publish the same aggregate's
 * events concurrently, and a crashed relay's lanes are taken over as soon as its session ends. The relays alive share
 * the lanes evenly: each holds a membership lock too, counts the members at every poll, takes free lanes up to its share
 * and gives back those above it (between batches, so the next owner starts after the last row published). Within its lanes a relay
 * claims batches in sequence order with FOR UPDATE SKIP LOCKED, produces them (idempotent producer, acks=all, key =
 * aggregate id) and commits them as published only after Kafka acknowledged them.
 */
export class OutboxRelay {
  private readonly pool: pg.Pool;
  private session?: pg.Client;
  /** One idempotent producer per worker: concurrent sends through one kafkajs idempotent producer queue behind each other. */
  private producers: Producer[] = [];
  private readonly connectedProducers = new Set<Producer>();
  private readonly ownedLanes = new Set<number>();
  /** The lanes each worker is publishing right now: a lane given back is unlocked only once no worker is on it. */
  private readonly working: Set<number>[] = [];
  private readonly givingBack = new Set<number>();
  private memberSlot?: number;
  /** When the lanes were last brought to this relay's share: once per poll interval, not once per batch. */
  private lastClaimAt = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sleepers = new Set<() => void>();
  /** Counts NOTIFYs, so a worker that was busy when one arrived does not go to sleep on it. */
  private notifications = 0;
  private probe?: { notifications: number; lanes: Promise<number[]> };
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxLanes: number;
  private readonly workers: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.workers = options.workers ?? 4;
    // A connect that hangs (PostgreSQL unreachable rather than stopped) fails after 5 s and is retried like any other.
    // Losing a relay commit in a crash only means its batch is produced again, which consumers absorb: no fsync wait,
    // set once per connection rather than once per batch.
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: this.workers, connectionTimeoutMillis: 5_000, options: `-c synchronous_commit=off ${keepalives}` });
    // An idle pooled connection that dies (server restart) must not take the process down; the next batch reconnects.
    this.pool.on('error', (error) => options.logger.warn({ err: error }, 'outbox relay: idle database connection lost'));
    // pg-pool listens for errors only while a connection is idle: one the server ends while it is being released or
    // closed would raise an unhandled 'error' and end the process. Its failure reaches the statement that used it anyway.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.maxLanes = options.maxLanes ?? outboxLanes;
  }

  /** Takes lanes and starts publishing. Kafka need not answer yet: each worker connects its producer before its first batch. */
  async start(): Promise<void> {
    this.producers = Array.from({ length: this.workers }, () => orderedProducer(this.options.kafka));
    await this.openSession();
    this.running = true;
    this.loops = Array.from({ length: this.workers }, (_, worker) => this.run(worker));
  }

  /** The connection that holds the lane locks and listens for inserts. Losing it loses the locks, so the lanes too. */
  private async openSession(): Promise<void> {
    const session = new pg.Client({ connectionString: this.options.databaseUrl, connectionTimeoutMillis: 5_000, options: keepalives });
    session.on('notification', () => this.wakeAll());
    session.on('error', (error) => {
      this.options.logger.error({ err: error }, 'outbox relay lost its session: giving up its lanes');
      this.ownedLanes.clear();
      this.givingBack.clear();
      this.memberSlot = undefined;
      if (this.session === session) this.session = undefined;
    });
    await session.connect();
    await session.query(`listen ${outboxChannel}`);
    this.session = session;
    this.lastClaimAt = 0;
    await this.joinMembers();
  }

  /** Holds the first free membership slot; a relay ends its session, so frees its slot, when it stops or dies. */
  private async joinMembers(): Promise<void> {
    for (let slot = 0; this.memberSlot === undefined; slot += 1) {
      const { rows } = await this.session!.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [memberLockNamespace, slot]);
      if (rows[0]?.locked) this.memberSlot = slot;
    }
  }

  /** The relays alive on this database (their membership locks), this one included. */
  private async members(): Promise<number> {
    const { rows } = await this.session!.query<{ members: number }>(
      `select count(*)::int as members from pg_locks
       where locktype = 'advisory' and classid = $1 and objsubid = 2 and granted and database = (select oid from pg_database where datname = current_database())`,
      [memberLockNamespace],
    );
    return Math.max(1, rows[0]?.members ?? 1);
  }

  /**
   * Waits until no row of the lanes this relay owns is left unpublished, or `timeoutMs`: a stopping instance publishes
   * what its last requests and events wrote rather than leave it to another relay's next poll.
   */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running && Date.now() < deadline) {
      const pending = await this.pool
        .query<{ pending: boolean }>('select exists (select 1 from outbox where published_at is null and lane = any($1::smallint[])) as pending', [this.lanes])
        .then(({ rows }) => rows[0]?.pending ?? false, () => false);
      if (!pending) return;
      this.wakeAll();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Finishes the batch in hand (produced and marked), then releases its lanes and connections. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeAll();
    await Promise.all(this.loops);
    await this.session?.end().catch(() => undefined);
    await this.pool.end();
    await Promise.all(this.producers.map((producer) => producer.disconnect()));
  }

  get lanes(): number[] {
    return [...this.ownedLanes].sort((a, b) => a - b);
  }

  /**
   * Worker `worker` publishes the owned lanes whose number is `worker` modulo the number of workers: fixed by the lane,
   * not by its rank among the lanes owned, so two workers never hold the same lane while lanes come and go.
   */
  private async run(worker: number): Promise<void> {
    while (this.running) {
      let backlog = false;
      const notificationsBefore = this.notifications;
      try {
        if (worker === 0) {
          if (!this.session) await this.openSession();
          await this.claimLanes();
        }
        const mine = new Set(this.lanes.filter((lane) => lane % this.workers === worker));
        this.working[worker] = mine;
        const lanes = (await this.lanesWithWork(notificationsBefore)).filter((lane) => mine.has(lane) && this.ownedLanes.has(lane));
        if (lanes.length > 0) backlog = await this.publishBatch(lanes, await this.connectedProducer(worker));
      } catch (error) {
        this.options.logger.error({ err: error }, 'outbox relay batch failed; retrying after the poll interval');
      } finally {
        this.working[worker] = new Set();
      }
      if (!backlog && this.notifications === notificationsBefore) await this.idle();
    }
  }

  /** A broker that does not answer fails this after kafkajs's connect retries; the batch waits for the next try. */
  private async connectedProducer(worker: number): Promise<Producer> {
    const producer = this.producers[worker]!;
    if (!this.connectedProducers.has(producer)) {
      await producer.connect();
      this.connectedProducers.add(producer);
    }
    return producer;
  }

  private wakeAll(): void {
    this.notifications += 1;
    for (const wake of this.sleepers) wake();
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      // Polling is the safety net for a missed NOTIFY: it must look again, not reuse the last probe.
      const timer = setTimeout(() => {
        this.probe = undefined;
        done();
      }, this.pollIntervalMs);
      this.sleepers.add(done);
    });
  }

  /**
   * Brings the lanes owned to this relay's share: ceil(lanes / relays alive), at most maxLanes. A relay that joins
   * gets lanes as the others give theirs back; a relay that dies leaves its lanes free for the others' next poll.
   * A busy relay loops batch after batch: counting the relays and trying lanes once per poll interval keeps that off
   * its hot path.
   */
  private async claimLanes(): Promise<void> {
    await this.unlockGivenBack();
    if (Date.now() - this.lastClaimAt < this.pollIntervalMs) return;
    this.lastClaimAt = Date.now();
    const owned = this.ownedLanes.size;
    const share = Math.min(this.maxLanes, Math.ceil(outboxLanes / (await this.members())));
    for (const lane of [...this.ownedLanes].sort((a, b) => b - a).slice(0, Math.max(0, this.ownedLanes.size - share))) {
      this.ownedLanes.delete(lane);
      this.givingBack.add(lane);
    }
    await this.unlockGivenBack();
    for (let lane = 0; lane < outboxLanes && this.ownedLanes.size < share; lane += 1) {
      if (this.givingBack.has(lane)) continue;
      if (this.ownedLanes.has(lane)) continue;
      const { rows } = await this.session!.query<{ locked: boolean }>('select pg_try_advisory_lock($1, $2) as locked', [laneLockNamespace, lane]);
      if (rows[0]?.locked) this.ownedLanes.add(lane);
    }
    // A new lane may hold rows whose NOTIFY went to nobody (committed before any relay listened, or while another
    // relay owned it), and the probe shared for the last notification did not look at it: as good as a notification.
    if (this.ownedLanes.size > owned) this.wakeAll();
  }

  /** Unlocks the lanes given back that no worker is publishing any more: their last batch is committed. */
  private async unlockGivenBack(): Promise<void> {
    for (const lane of this.givingBack) {
      if (this.working.some((lanes) => lanes.has(lane))) continue;
      await this.session!.query('select pg_advisory_unlock($1, $2)', [laneLockNamespace, lane]);
      this.givingBack.delete(lane);
    }
  }

  /**
   * The owned lanes with unpublished rows: one statement, an index probe per lane, shared by the workers that woke for
   * the same notification, so a NOTIFY costs one query and a transaction only where there is work.
   */
  private lanesWithWork(notifications: number): Promise<number[]> {
    if (this.probe?.notifications !== notifications) {
      const probe = this.pool
        .query<{ lane: number }>(
          'select l.lane from unnest($1::smallint[]) as l(lane) where exists (select 1 from outbox o where o.lane = l.lane and o.published_at is null)',
          [this.lanes],
        )
        .then(({ rows }) => rows.map((row) => row.lane));
      // A failed probe is not shared: the next worker asks again.
      probe.catch(() => {
        if (this.probe?.lanes === probe) this.probe = undefined;
      });
      this.probe = { notifications, lanes: probe };
    }
    return this.probe.lanes;
  }

  /**
   * Claims up to `batchSize` rows of each lane in one transaction, produces them in one request and commits them as
   * published; answers whether a lane may have more. Each lane is claimed on its own (`lane = l.lane order by seq`
   * walks the partial index in order, where `lane = any(…)` would collect and sort every unpublished row of those lanes).
   */
  private async publishBatch(lanes: number[], producer: Producer): Promise<boolean> {
    const client = await this.pool.connect();
    // pg-pool takes its error listener off a checked-out client: a connection lost while the batch is being produced
    // (PostgreSQL restarting) would be an unhandled 'error' event and end the process. The next statement fails instead.
    const onLost = (error: Error) => this.options.logger.warn({ err: error }, 'outbox relay: database connection lost during a batch');
    client.on('error', onLost);
    try {
      await client.query('begin');
      // Claim and mark in one statement; the mark only becomes visible if the commit after producing happens.
      const { rows } = await client.query<OutboxRow & { seq: string; lane: number }>(
        `update outbox set published_at = now() where id = any(array(
           select claimed.id from unnest($1::smallint[]) as l(lane) cross join lateral (
             select id from outbox where published_at is null and lane = l.lane order by seq limit $2 for update skip locked) claimed))
         returning id, seq, lane, aggregate_id, event_type, payload, headers, occurred_at`,
        [lanes, this.batchSize],
      );
      if (rows.length === 0) {
        await client.query('commit');
        return false;
      }
      rows.sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const row of rows) {
        const { topic, value } = await this.options.codec.encode(row.event_type, row.payload);
        const messages = byTopic.get(topic) ?? [];
        messages.push({ key: row.aggregate_id, value, headers: kafkaHeaders(row) });
        byTopic.set(topic, messages);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await this.options.afterProduce?.(rows.map((row) => row.id));
      await client.query('commit');
      for (const [topic, messages] of byTopic) this.options.metrics?.published.inc({ topic }, messages.length);
      const perLane = new Map<number, number>();
      for (const row of rows) perLane.set(row.lane, (perLane.get(row.lane) ?? 0) + 1);
      return [...perLane.values()].some((count) => count === this.batchSize);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onLost);
      client.release();
    }
  }
}

function kafkaHeaders(row: OutboxRow): Record<string, string> {
  const headers: Record<string, string> = {
    'event-id': row.id,
    'event-type': row.event_type,
    'occurred-at': row.occurred_at.toISOString(),
    'correlation-id': row.headers.correlationId,
  };
  if (row.headers.causationId) headers['causation-id'] = row.headers.causationId;
  if (row.headers.traceparent) headers.traceparent = row.headers.traceparent;
  if (row.headers.actor) headers.actor = row.headers.actor;
  return headers;
}
