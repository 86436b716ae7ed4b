import type { SqlExecutor } from '@billing/platform';
import { CaptureReservationHandler } from '../application/commands/capture-reservation/capture-reservation.handler';
import { ClawBackRefundHandler } from '../application/commands/claw-back-refund/claw-back-refund.handler';
import { ExpireDueHandler } from '../application/commands/expire-due/expire-due.handler';
import { GrantCreditsHandler } from '../application/commands/grant-credits/grant-credits.handler';
import { GrantPaidCreditsHandler } from '../application/commands/grant-paid-credits/grant-paid-credits.handler';
import { OpenAccountHandler } from '../application/commands/open-account/open-account.handler';
import { RecordDisputeClosedHandler } from '../application/commands/record-dispute-closed/record-dispute-closed.handler';
import { RecordDisputeOpenedHandler } from '../application/commands/record-dispute-opened/record-dispute-opened.handler';
import { RefundCaptureHandler } from '../application/commands/refund-capture/refund-capture.handler';
import { ReleaseReservationHandler } from '../application/commands/release-reservation/release-reservation.handler';
import { ReserveCreditsHandler } from '../application/commands/reserve-credits/reserve-credits.handler';
import { RevokeGrantHandler } from '../application/commands/revoke-grant/revoke-grant.handler';
import { SetLowBalanceThresholdHandler } from '../application/commands/set-low-balance-threshold/set-low-balance-threshold.handler';
import type { AccountCommandBus } from '../application/ports/account-command-bus.port';
import type { Clock } from '../application/ports/clock.port';
import type { CreditReadModel } from '../application/ports/credit-read-model.port';
import type { DisputeStates } from '../application/ports/dispute-states.port';
import type { DueAccounts } from '../application/ports/due-accounts.port';
import type { PendingAdjustments } from '../application/ports/pending-adjustments.port';
import type { DeterministicIds, ReservationDirectory } from '../application/ports/reservation-directory.port';
import { GetBalanceHistoryHandler } from '../application/queries/get-balance-history/get-balance-history.handler';
import { GetBalanceHandler } from '../application/queries/get-balance/get-balance.handler';
import { GetReservationHandler } from '../application/queries/get-reservation/get-reservation.handler';
import { ListGrantsHandler } from '../application/queries/list-grants/list-grants.handler';
import { ListLedgerHandler } from '../application/queries/list-ledger/list-ledger.handler';
import { ListReservationsHandler } from '../application/queries/list-reservations/list-reservations.handler';

/** The ports the use cases run on; the composition root (credit-service.ts) plugs the adapters in. */
export interface CreditUseCaseDeps {
  /** Group-committed: commands of many requests share a transaction (the reserve/capture/release hot path). */
  readonly bus: AccountCommandBus;
  /** The same commands inside a caller's transaction: a stored idempotent response, an inbox row, a sweep's claim. */
  readonly busIn: (tx: SqlExecutor) => AccountCommandBus;
  /** The consumer's and the sweep's tables inside a caller's transaction. */
  readonly tablesIn: (tx: SqlExecutor) => { pending: PendingAdjustments; disputes: DisputeStates; dueAccounts: DueAccounts };
  readonly readModel: CreditReadModel & ReservationDirectory;
  /** Whose reservation an id is, remembered for the hot path. */
  readonly reservations: ReservationDirectory;
  readonly ids: DeterministicIds;
  readonly clock: Clock;
}

/**
 * The credit service's one entry point: every route, gRPC method, consumer handler and job gets its use case here and
 * calls exactly one. `in(tx)` builds the use cases that must commit with the caller's transaction.
 */
export function creditUseCases(deps: CreditUseCaseDeps) {
  const { bus, readModel, reservations, ids, clock } = deps;
  return {
    reserve: new ReserveCreditsHandler({ bus, reservationIds: ids }),
    capture: new CaptureReservationHandler({ bus, reservations }),
    release: new ReleaseReservationHandler({ bus, reservations }),
    balance: new GetBalanceHandler({ readModel }),
    ledger: new ListLedgerHandler({ readModel }),
    reservation: new GetReservationHandler({ readModel }),
    grants: new ListGrantsHandler({ readModel }),
    reservations: new ListReservationsHandler({ readModel }),
    balanceHistory: new GetBalanceHistoryHandler({ readModel, clock }),
    in(tx: SqlExecutor) {
      const bus = deps.busIn(tx);
      const { pending, disputes, dueAccounts } = deps.tablesIn(tx);
      return {
        grant: new GrantCreditsHandler({ bus, grantIds: ids, clock }),
        revokeGrant: new RevokeGrantHandler({ bus, readModel }),
        refund: new RefundCaptureHandler({ bus, reservations: readModel }),
        setLowBalanceThreshold: new SetLowBalanceThresholdHandler({ bus }),
        openAccount: new OpenAccountHandler({ bus }),
        grantPaidCredits: new GrantPaidCreditsHandler({ bus, pending, grantIds: ids }),
        clawBackRefund: new ClawBackRefundHandler({ bus, pending }),
        recordDisputeOpened: new RecordDisputeOpenedHandler({ bus, pending, disputes }),
        recordDisputeClosed: new RecordDisputeClosedHandler({ bus, pending, disputes, grantIds: ids }),
        expireDue: new ExpireDueHandler({ bus, dueAccounts, clock }),
      };
    },
  };
}

export type CreditUseCases = ReturnType<typeof creditUseCases>;
