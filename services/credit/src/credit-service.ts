import {
  IdempotencyKeysMigration,
  type Logger,
  MessagingTablesMigration,
  PgExecutor,
  PgUnitOfWork,
  registerRoutes,
  ServiceRuntime,
  type ServiceSettings,
  type SqlExecutor,
  startGrpcServer,
} from '@billing/platform';
import type { AddressInfo } from 'node:net';
import { CreditTablesMigration } from '../migrations/credit-tables.migration';
import { GrantsPerAccountMigration } from '../migrations/grants-per-account.migration';
import { ProportionalClawbackMigration } from '../migrations/proportional-clawback.migration';
import { DisputeOutcomesMigration } from '../migrations/dispute-outcomes.migration';
import { LowBalanceRecoveryMigration } from '../migrations/low-balance-recovery.migration';
import { ReservationResolutionKeyMigration } from '../migrations/reservation-resolution-key.migration';
import { LedgerAttributionMigration } from '../migrations/ledger-attribution.migration';
import type { AccountCommandBus } from './application/ports/account-command-bus.port';
import type { Clock } from './application/ports/clock.port';
import { AccountCommandBatcher } from './infrastructure/account-command-batcher';
import { CreditAccountStore } from './infrastructure/credit-account.store';
import { SqlCreditReadModel, UuidV5Ids } from './infrastructure/credit-read-model';
import { TimeOrderedIds } from './infrastructure/time-ordered-ids';
import { CachedReservationDirectory } from './infrastructure/cached-reservation-directory';
import { SqlDisputeStates } from './infrastructure/sql-dispute-states';
import { SqlDueAccounts } from './infrastructure/sql-due-accounts';
import { SqlPendingAdjustments } from './infrastructure/sql-pending-adjustments';
import { GRANTS_CONSUMER, GRANTS_TOPICS, grantsConsumerHandlers } from './interface/consumers/grants.consumer';
import { httpErrorStatus } from './interface/credit-error-status';
import { creditUseCases } from './interface/credit-use-cases';
import { registerCreditGrpc } from './interface/grpc/credit-grpc';
import { creditRoutes } from './interface/http/credit-routes';
import { ExpirySweepJob } from './interface/jobs/expiry-sweep.job';

export const creditMigrations = [
  MessagingTablesMigration,
  IdempotencyKeysMigration,
  CreditTablesMigration,
  GrantsPerAccountMigration,
  ProportionalClawbackMigration,
  DisputeOutcomesMigration,
  LowBalanceRecoveryMigration,
  ReservationResolutionKeyMigration,
  LedgerAttributionMigration,
];

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
  expirySweep: ExpirySweepJob;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** Wires the credit service: the composition root (main.ts) and the integration tests both start it through here. */
export async function startCreditService(settings: ServiceSettings, overrides: CreditServiceOverrides = {}): Promise<RunningCreditService> {
  const clock = overrides.clock ?? systemClock;
  const runtime = await ServiceRuntime.create({ settings, migrations: creditMigrations, errorStatus: httpErrorStatus, logger: overrides.logger });
  const poolSize = overrides.poolSize ?? Number(process.env.CREDIT_DB_POOL ?? 16);
  const pool = runtime.plainPool(poolSize);
  const hotPath = new PgUnitOfWork(pool);
  const ids = new UuidV5Ids();
  const store = new CreditAccountStore(new TimeOrderedIds(), () => clock.now());
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
  const useCases = creditUseCases({
    bus,
    busIn,
    tablesIn: (tx) => ({ pending: new SqlPendingAdjustments(tx), disputes: new SqlDisputeStates(tx), dueAccounts: new SqlDueAccounts(tx) }),
    readModel,
    reservations,
    ids,
    clock,
  });

  registerRoutes(runtime, creditRoutes(useCases), {
    title: 'Billing credit service',
    version: '1.0.0',
    description: 'Prepaid credit accounts, reservations and the ledger. gRPC: proto/billing/credit/v1/credit.proto',
  });
  runtime.addConsumer({
    consumer: GRANTS_CONSUMER,
    topics: GRANTS_TOPICS,
    fromBeginning: overrides.consumeFromBeginning ?? true,
    handlers: grantsConsumerHandlers(useCases, runtime.logger.child({ component: GRANTS_CONSUMER })),
    // On the hot path's pool too: its statements (the inbox mark, the account store's lock, load and write) through
    // MikroORM/knex cost several times their CPU on a plain pg connection (docs/performance.md, Stripe webhooks).
    unitOfWork: hotPath,
  });
  // On the hot path's pool: a sweep's claim and its commands take account locks as the batches do.
  const expirySweep = new ExpirySweepJob(hotPath, useCases, runtime.logger.child({ component: 'sweeper' }));
  const grpc = await startGrpcServer(
    (server) => registerCreditGrpc(server, { useCases, tokens: runtime.tokens, logger: runtime.logger, unitOfWork: runtime.unitOfWork }),
    settings.grpcPort ?? 0,
    settings.grpcTls,
  );
  runtime.onShutdown(async () => {
    await new Promise<void>((resolve) => grpc.server.tryShutdown(() => resolve()));
    await expirySweep.stop();
  });
  await runtime.listen();
  expirySweep.start(overrides.sweepIntervalMs ?? 1000);
  const { port } = runtime.http.server.address() as AddressInfo;
  return {
    runtime,
    httpUrl: `http://127.0.0.1:${port}`,
    grpcPort: grpc.port,
    expirySweep,
    close: () => runtime.close(),
  };
}
