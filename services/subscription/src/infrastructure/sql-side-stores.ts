import type { MessageContext, SqlExecutor } from '@billing/platform';
import type { CustomerDirectory, KnownCustomer } from '../application/ports/customer-directory.port';
import type { HeldPaymentResults, PaymentOutcome, PaymentResult } from '../application/ports/held-payment-results.port';
import type { RenewalCharge, RenewalRequests } from '../application/ports/renewal-requests.port';
import { retryToIntegrationEvent } from './integration-events';
import { toDate, toNumber, toNumberOrNull } from './sql-values';
import { appendSubscriptionEvents } from './subscription-outbox';

type Row = Record<string, unknown>;

/** customer_projection: the newest version per customer wins, whatever order the events arrive in. */
export class SqlCustomerDirectory implements CustomerDirectory {
  constructor(private readonly tx: SqlExecutor) {}

  async find(customerId: string): Promise<KnownCustomer | null> {
    const [row] = await this.tx.query<Row>('select * from customer_projection where customer_id = $1', [customerId]);
    return row
      ? { customerId: String(row.customer_id), defaultCurrency: String(row.default_currency), occurredAt: toDate(row.occurred_at) }
      : null;
  }

  async record(customer: KnownCustomer): Promise<boolean> {
    const changed = await this.tx.query(
      `insert into customer_projection (customer_id, default_currency, occurred_at, updated_at) values ($1, $2, $3, now())
       on conflict (customer_id) do update
         set default_currency = excluded.default_currency, occurred_at = excluded.occurred_at, updated_at = now()
         where customer_projection.occurred_at <= excluded.occurred_at
       returning customer_id`,
      [customer.customerId, customer.defaultCurrency, customer.occurredAt],
    );
    return changed.length > 0;
  }
}

function resultOf(row: Row): PaymentResult {
  return {
    eventId: String(row.event_id),
    paymentId: String(row.payment_id),
    subscriptionId: String(row.subscription_id),
    periodIndex: toNumber(row.period_index),
    outcome: String(row.outcome) as PaymentOutcome,
    attempt: toNumberOrNull(row.attempt),
    receivedAt: toDate(row.received_at),
    paid: row.paid_amount === null ? null : { amount: toNumber(row.paid_amount), currency: String(row.paid_currency) },
  };
}

export class SqlHeldPaymentResults implements HeldPaymentResults {
  constructor(private readonly tx: SqlExecutor) {}

  hold(result: PaymentResult): Promise<void> {
    return this.insert(result, 'held', null, null);
  }

  refuse(result: PaymentResult, code: string, at: Date): Promise<void> {
    return this.insert(result, 'refused', code, at);
  }

  async heldFor(subscriptionId: string, upToPeriodIndex: number): Promise<PaymentResult[]> {
    const rows = await this.tx.query<Row>(
      `select * from held_payment_results
       where subscription_id = $1 and period_index <= $2 and status = 'held'
       order by period_index, received_at, event_id`,
      [subscriptionId, upToPeriodIndex],
    );
    return rows.map(resultOf);
  }

  async markApplied(eventId: string, at: Date): Promise<void> {
    await this.tx.query("update held_payment_results set status = 'applied', settled_at = $2 where event_id = $1", [eventId, at]);
  }

  async markRefused(eventId: string, code: string, at: Date): Promise<void> {
    await this.tx.query(
      "update held_payment_results set status = 'refused', refusal_code = $2, settled_at = $3 where event_id = $1",
      [eventId, code, at],
    );
  }

  private async insert(result: PaymentResult, status: string, code: string | null, settledAt: Date | null): Promise<void> {
    await this.tx.query(
      `insert into held_payment_results
         (event_id, subscription_id, period_index, outcome, attempt, payment_id, received_at, status, refusal_code, settled_at, paid_amount, paid_currency)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (event_id) do nothing`,
      [
        result.eventId,
        result.subscriptionId,
        result.periodIndex,
        result.outcome,
        result.attempt,
        result.paymentId,
        result.receivedAt,
        status,
        code,
        settledAt,
        result.paid?.amount ?? null,
        result.paid?.currency ?? null,
      ],
    );
  }
}

/** Dunning retries: the request row and its SubscriptionRenewalDue{attempt} commit together, once per attempt. */
export class SqlRenewalRequests implements RenewalRequests {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly context: MessageContext,
  ) {}

  async requestRetry(charge: RenewalCharge): Promise<boolean> {
    const inserted = await this.tx.query(
      `insert into renewal_requests (subscription_id, period_index, attempt, requested_at) values ($1, $2, $3, $4)
       on conflict do nothing returning attempt`,
      [charge.subscriptionId, charge.periodIndex, charge.attempt, charge.occurredAt],
    );
    if (inserted.length === 0) return false;
    await appendSubscriptionEvents(this.tx, this.context, charge.subscriptionId, [retryToIntegrationEvent(charge)]);
    return true;
  }
}
