import { CreditAmount } from '../../../domain/credit-amount.value-object';
import { ReservationTtl } from '../../../domain/reservation-ttl.value-object';
import type { AccountCommandResult } from '../../../domain/credit-account.decide';
import { requireCustomerId, requireIdempotencyKey, unwrap } from '../../credit.errors';
import type { AccountCommandBus, RequestContext } from '../../ports/account-command-bus.port';
import type { DeterministicIds } from '../../ports/reservation-directory.port';

export interface ReserveCredits {
  customerId: string;
  amount: number;
  ttlSeconds: number;
  idempotencyKey: string;
}

/** Holds credits for work about to happen. The idempotency key names the reservation, so a retry never holds twice. */
export class ReserveCreditsHandler {
  constructor(private readonly deps: { bus: AccountCommandBus; reservationIds: DeterministicIds }) {}

  async execute(command: ReserveCredits, context: RequestContext) {
    const customerId = requireCustomerId(command.customerId);
    const key = requireIdempotencyKey(command.idempotencyKey);
    const amount = CreditAmount.of(command.amount, 'amount');
    const ttlMs = ReservationTtl.of(typeof command.ttlSeconds === 'number' ? command.ttlSeconds * 1000 : Number.NaN);
    const reservationId = this.deps.reservationIds.forKey(customerId, key);
    const outcome = await this.deps.bus.submit(customerId, { type: 'Reserve', reservationId, amount, ttlMs }, context);
    return unwrap<Extract<AccountCommandResult, { type: 'Reserve' }>>(outcome);
  }
}
