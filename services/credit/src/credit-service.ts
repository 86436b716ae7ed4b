import { randomUUID } from 'node:crypto';
import { IdempotencyKeysMigration, MessagingTablesMigration, PgExecutor, PgUnitOfWork, type Logger, ServiceRuntime, type ServiceSettings, type SqlExecutor, startGrpcServer } from '@billing/platform';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { CreditTablesMigration } from '../migrations/credit-tables.migration';
import { GrantsPerAccountMigration } from '../migrations/grants-per-account.migration';
import { ProportionalClawbackMigration } from '../migrations/proportional-clawback.migration';
import { DisputeOutcomesMigration } from '../migrations/dispute-outcomes.migration';
import { LowBalanceRecoveryMigration } from '../migrations/low-balance-recovery.migration';
import { CaptureReservationHandler } from './application/commands/capture-reservation/capture-reservation.handler';
import { ReleaseReservationHandler } from './application/commands/release-reservation/release-reservation.handler';
import { ReserveCreditsHandler } from './application/commands/reserve-credits/reserve-credits.handler';
import type { AccountCommandBus } from './application/ports/account-command-bus.port';
import type { Clock } from './application/ports/clock.port';
import { GetBalanceHandler } from './application/queries/get-balance/get-balance.handler';
import { GetReservationHandler } from './application/queries/get-reservation/get-reservation.handler';
import { ListLedgerHandler } from './application/queries/list-ledger/list-ledger.handler';
import { AccountCommandBatcher } from './infrastructure/account-command-batcher';
import { CreditAccountStore } from './infrastructure/credit-account.store';
import { creditEventHandlers } from './infrastructure/credit-event-handlers';
import { SqlCreditReadModel, UuidV5Ids } from './infrastructure/credit-read-model';
import { CreditSweeper } from './infrastructure/credit-sweeper';
import { CachedReservationDirectory } from './infrastructure/cached-reservation-directory';
import { httpErrorStatus } from './interface/credit-error-status';
import type { CreditUseCases } from './interface/credit-use-cases';
import { registerCreditGrpc } from './interface/grpc/credit-grpc';
import { registerCreditRoutes } from './interface/http/credit-routes';

export const creditMigrations = [MessagingTablesMigration, IdempotencyKeysMigration, CreditTablesMigration, GrantsPerAccountMigration, ProportionalClawbackMigration, DisputeOutcomesMigration, LowBalanceRecoveryMigration];

export interface CreditServiceOverrides {
  clock?: Clock;
  sweepIntervalMs?: number;
  /** Connections for the reserve/capture hot path (group-committed per account). */
  poolSize?: number;
  /** A new consumer group reads topics from the start (no event missed on first deploy); tests start at the end. */
  consumeFromBeginning?: boolean;
  /** Where it logs (tests read it); JSON on stdout by default. */
  logger?: Logger;
}

export interface RunningCreditService {
  runtime: ServiceRuntime;
  httpUrl: string;
  grpcPort: number;
  sweeper: CreditSweeper;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Wires the credit service: the composition root (main.ts) and the integration tests both start it through here. */
export async function startCreditService(settings: ServiceSettings, overrides: CreditServiceOverrides = {}): Promise<RunningCreditService> {
  const clock = overrides.clock ?? systemClock;
  const runtime = await ServiceRuntime.create({ settings, migrations: creditMigrations, errorStatus: httpErrorStatus, logger: overrides.logger });
  const poolSize = overrides.poolSize ?? Number(process.env.CREDIT_DB_POOL ?? 16);
  // As the runtime's own pool: while PostgreSQL is unreachable a command fails in 2 s (503 / UNAVAILABLE), not after a hang.
  const pool = new pg.Pool({ connectionString: runtime.databaseUrl, max: poolSize, connectionTimeoutMillis: 2_000 });
  pool.on('error', (error) => runtime.logger.warn({ err: error }, 'idle database connection lost'));
  // pg-pool listens for errors only while a connection is idle: one the server ends while it is being released or closed
  // would raise an unhandled 'error' and end the process. Its failure reaches the statement that used it anyway.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const hotPath = new PgUnitOfWork(pool);
  const ids = new UuidV5Ids();
  const store = new CreditAccountStore({ next: randomUUID }, () => clock.now());
  const readModel = new SqlCreditReadModel(() => new PgExecutor(pool));
  const reservations = new CachedReservationDirectory(readModel);
  // Group commit works when few transactions each carry many commands: with 14 concurrent batches of 1–2 commands the
  // database was busy with commits, with 2 the spread benchmark gained 20–40 % (docs/performance.md). The other
  // connections serve reads (balance, reservation lookups).
  const concurrentBatches = Math.min(Number(process.env.CREDIT_CONCURRENT_BATCHES ?? 2), Math.max(1, poolSize - 2));
  const bus = new AccountCommandBatcher(hotPath, store, runtime.logger.child({ component: 'batcher' }), concurrentBatches, (customerId, outcome) => {
    if (outcome.ok && outcome.result.type === 'Reserve') reservations.remember(outcome.result.reservation.reservationId, customerId);
  });
  const busIn = (tx: SqlExecutor): AccountCommandBus => ({
    submit: async (customerId, command, context, options) => (await store.apply(tx, customerId, [{ command, context, options }]))[0]!,
  });
  const useCases: CreditUseCases = {
    reserve: new ReserveCreditsHandler({ bus, reservationIds: ids }),
    capture: new CaptureReservationHandler({ bus, reservations }),
    release: new ReleaseReservationHandler({ bus, reservations }),
    balance: new GetBalanceHandler({ readModel }),
    ledger: new ListLedgerHandler({ readModel }),
    reservation: new GetReservationHandler({ readModel }),
  };

  registerCreditRoutes(runtime.http, { useCases, unitOfWork: runtime.unitOfWork, busIn, reservations: readModel, ids, clock });
  runtime.addConsumer({
    consumer: 'grants',
    topics: ['billing.customer.v1', 'billing.subscription.v1', 'billing.payment.v1'],
    fromBeginning: overrides.consumeFromBeginning ?? true,
    handlers: creditEventHandlers({ store, ids, logger: runtime.logger.child({ component: 'grants' }) }),
  });
  const sweeper = new CreditSweeper(hotPath, store, runtime.logger.child({ component: 'sweeper' }), () => clock.now());
  const grpc = await startGrpcServer(
    (server) => registerCreditGrpc(server, { useCases, tokens: runtime.tokens, logger: runtime.logger, unitOfWork: runtime.unitOfWork, busIn }),
    settings.grpcPort ?? 0,
    settings.grpcTls,
  );
  runtime.onShutdown(async () => {
    await new Promise<void>((resolve) => grpc.server.tryShutdown(() => resolve()));
    await sweeper.stop();
  });
  await runtime.listen();
  sweeper.start(overrides.sweepIntervalMs ?? 1000);
  const { port } = runtime.http.server.address() as AddressInfo;
  return {
    runtime,
    httpUrl: `http://127.0.0.1:${port}`,
    grpcPort: grpc.port,
    sweeper,
    close: async () => {
      await runtime.close();
      await pool.end();
    },
  };
}
