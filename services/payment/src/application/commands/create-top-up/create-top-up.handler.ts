import { PaymentConcurrentUpdateError } from '../../../domain/payment.errors';
import type { PaymentRepository } from '../../../domain/payment.repository.port';
import type { TopUpQuote } from '../../../domain/top-up-pack.entity';
import type { TopUpPackRepository } from '../../../domain/top-up-pack.repository.port';
import { CustomerDeactivatedError, TopUpPackNotFoundError } from '../../application.errors';
import { toPaymentView, type PaymentView } from '../../payment-view';
import type { Clock } from '../../ports/clock.port';
import type { CustomerDirectory } from '../../ports/customer-directory.port';
import type { IdGenerator } from '../../ports/id-generator.port';
import type { PaymentGateway } from '../../ports/payment-gateway.port';
import { PaymentOpener } from '../../shared/payment-opener';
import type { CreateTopUp } from './create-top-up.command';

export interface CreateTopUpResult {
  readonly outcome: 'created' | 'existing';
  /** clientSecret is what the browser confirms the payment with. */
  readonly payment: PaymentView;
  /** What the platform priced: the pack, its credits and the amount charged. */
  readonly quote: TopUpQuote;
}

export interface CreateTopUpDeps {
  payments: PaymentRepository;
  packs: Pick<TopUpPackRepository, 'find'>;
  gateway: PaymentGateway;
  customers: CustomerDirectory;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * One on-session PaymentIntent per top-up, idempotency key `top-up:<topUpId>`, for the credits and price of a pack in
 * the catalogue. Refused before anything is stored or sent: an unknown pack (TOP_UP_PACK_NOT_FOUND), one no longer
 * sold or not priced in the currency, a deactivated customer. The same topUpId with other terms (another pack, a price
 * changed between a first try and its retry) is PAYMENT_REFERENCE_CONFLICT (HTTP 422).
 * The gateway's payment_intent.created webhook may attach the intent between the gateway call and our save
 * (PaymentConcurrentUpdateError): opening again is idempotent and returns the stored payment with its intent.
 */
export class CreateTopUpHandler {
  private readonly opener: PaymentOpener;

  constructor(private readonly deps: CreateTopUpDeps) {
    this.opener = new PaymentOpener(deps);
  }

  async execute(command: CreateTopUp): Promise<CreateTopUpResult> {
    const pack = await this.deps.packs.find(command.packCode);
    if (pack === null) throw new TopUpPackNotFoundError(command.packCode);
    const quote = pack.quote(command.currency);
    if (await this.deps.customers.isDeactivated(command.customerId)) throw new CustomerDeactivatedError(command.customerId);
    const open = () =>
      this.opener.open({
        customerId: command.customerId,
        reference: { purpose: 'CREDIT_TOP_UP', topUpId: command.topUpId, credits: quote.credits },
        amount: quote.amount,
        currency: quote.currency,
        offSession: false,
        confirm: false,
      });
    const { payment, created } = await open().catch((error: unknown) => {
      if (error instanceof PaymentConcurrentUpdateError) return open();
      throw error;
    });
    return { outcome: created ? 'created' : 'existing', payment: toPaymentView(payment), quote };
  }
}
