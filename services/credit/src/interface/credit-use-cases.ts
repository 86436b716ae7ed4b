import type { CaptureReservationHandler } from '../application/commands/capture-reservation/capture-reservation.handler';
import type { ReleaseReservationHandler } from '../application/commands/release-reservation/release-reservation.handler';
import type { ReserveCreditsHandler } from '../application/commands/reserve-credits/reserve-credits.handler';
import type { GetBalanceHandler } from '../application/queries/get-balance/get-balance.handler';
import type { GetReservationHandler } from '../application/queries/get-reservation/get-reservation.handler';
import type { ListLedgerHandler } from '../application/queries/list-ledger/list-ledger.handler';

/** The handlers both transports call. */
export interface CreditUseCases {
  reserve: ReserveCreditsHandler;
  capture: CaptureReservationHandler;
  release: ReleaseReservationHandler;
  balance: GetBalanceHandler;
  ledger: ListLedgerHandler;
  reservation: GetReservationHandler;
}
