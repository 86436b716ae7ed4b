import { appendToOutbox, type MessageContext, type SqlExecutor } from '@billing/platform';
import { Payment } from '../domain/payment.aggregate';
import { PaymentAlreadyExistsError, PaymentConcurrentUpdateError } from '../domain/payment.errors';
import type { PaymentListFilter, PaymentListPosition, PaymentRepository } from '../domain/payment.repository.port';
import type { PaymentPurpose } from '../domain/payment-reference.value-object';
import { toOutboxMessages } from './integration-events';
import { PAYMENT_COLUMNS, type PaymentRow, paymentUpdateSql, stateOf, valuesOf } from './payment-row';
import type { Transactor } from './sql-transactor';

/**
 * PaymentRepository over SQL. add() and save() write the payment's pulled events, mapped to integration events, to the
 * outbox in the same transaction as the row. The version each payment was loaded with is remembered per instance, so
 * use one repository per unit of work.
 */
export class SqlPaymentRepository implements PaymentRepository {
  private readonly versions = new WeakMap<Payment, number>();

  constructor(
    private readonly run: Transactor,
    private readonly context: MessageContext,
  ) {}

  findById(paymentId: string): Promise<Payment | null> {
    return this.findOne('payment_id = $1', [paymentId]);
  }

  findByGatewayIntentId(gatewayPaymentIntentId: string): Promise<Payment | null> {
    return this.findOne('gateway_payment_intent_id = $1', [gatewayPaymentIntentId]);
  }

  findByReference(purpose: PaymentPurpose, referenceKey: string): Promise<Payment | null> {
    return this.findOne('reference_key = $1 and purpose = $2', [referenceKey, purpose]);
  }

  async list(filter: PaymentListFilter, page: { limit: number; after?: PaymentListPosition }): Promise<Payment[]> {
    const reference = filter.subscriptionId ?? filter.topUpId ?? null;
    const purposes = filter.topUpId !== undefined ? ['CREDIT_TOP_UP'] : filter.subscriptionId !== undefined ? ['SUBSCRIPTION_PERIOD', 'SUBSCRIPTION_UPGRADE'] : null;
    // Both a subscription and a top-up named: no payment is both.
    if (filter.subscriptionId !== undefined && filter.topUpId !== undefined) return [];
    const rows = await this.run((tx) =>
      tx.query<PaymentRow>(
        `select ${PAYMENT_COLUMNS} from payments
         where ($1::text is null or customer_id = $1)
           and ($2::text is null or reference_id = $2)
           and ($3::text[] is null or purpose = any($3))
           and ($4::int is null or period_index = $4)
           and ($5::int is null or attempt = $5)
           and ($6::timestamptz is null or (created_at, payment_id) > ($6, $7::uuid))
         order by created_at, payment_id
         limit $8`,
        [filter.customerId ?? null, reference, purposes, filter.periodIndex ?? null, filter.attempt ?? null, page.after?.createdAt ?? null, page.after?.paymentId ?? null, page.limit],
      ),
    );
    return rows.map((row) => {
      const payment = Payment.reconstitute(stateOf(row));
      this.versions.set(payment, row.version);
      return payment;
    });
  }

  async add(payment: Payment): Promise<void> {
    const state = payment.toState();
    const values = valuesOf(state);
    const placeholders = values.map((_, index) => `$${index + 1}`).join(', ');
    const flow = [this.context.correlationId, this.context.traceparent ?? null];
    await this.run(async (tx) => {
      // `on conflict do nothing` instead of catching 23505: a failed statement would abort the caller's transaction.
      const inserted = await tx.query(
        `insert into payments (${PAYMENT_COLUMNS}, correlation_id, traceparent)
         values (${placeholders}, 1, $${values.length + 1}, $${values.length + 2}) on conflict do nothing returning payment_id`,
        [...values, ...flow],
      );
      if (inserted.length === 0) throw new PaymentAlreadyExistsError(state.paymentId, state.referenceKey);
      await this.appendEvents(tx, payment);
    });
    this.versions.set(payment, 1);
  }

  async save(payment: Payment): Promise<void> {
    const version = this.versions.get(payment);
    if (version === undefined) throw new Error(`payment ${payment.paymentId} was not loaded or added through this repository`);
    const update = paymentUpdateSql(payment.toState(), version);
    await this.run(async (tx) => {
      const updated = await tx.query(`${update.sql} returning version`, update.params);
      if (updated.length === 0) throw new PaymentConcurrentUpdateError(payment.paymentId);
      await this.appendEvents(tx, payment);
    });
    this.versions.set(payment, version + 1);
  }

  private async findOne(where: string, params: unknown[]): Promise<Payment | null> {
    const [row] = await this.run((tx) => tx.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from payments where ${where}`, params));
    if (row === undefined) return null;
    const payment = Payment.reconstitute(stateOf(row));
    this.versions.set(payment, row.version);
    return payment;
  }

  /** Pulled only once the row statement succeeded; if the transaction later rolls back, the caller retries from a reload. */
  private async appendEvents(tx: SqlExecutor, payment: Payment): Promise<void> {
    await appendToOutbox(tx, toOutboxMessages(payment.pullEvents(), this.context));
  }
}
