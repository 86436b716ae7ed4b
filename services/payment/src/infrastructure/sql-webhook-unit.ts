import { createHash } from 'node:crypto';
import { childTraceparent, type MessageContext, type OutboxMessage, outboxInsertSql, type SqlExecutor } from '@billing/platform';
import { Payment } from '../domain/payment.aggregate';
import { PaymentConcurrentUpdateError } from '../domain/payment.errors';
import type { PaymentFlows } from '../application/ports/payment-flows.port';
import type { WebhookDelivery } from '../application/ports/webhook-deliveries.port';
import type { WebhookStores, WebhookTransaction } from '../application/ports/webhook-transaction.port';
import { toOutboxMessages } from './integration-events';
import { PAYMENT_COLUMNS, type PaymentRow, paymentUpdateSql, stateOf } from './payment-row';
import { deliveriesInsertSql } from './sql-webhook-deliveries';

const PROCESSED_EVENT_KEY = 'processed_webhook_events_pkey';

/**
 * The webhook's unit of work (WebhookTransaction) and its flow read (PaymentFlows) in two round trips: one statement
 * reads the payment's flow, the payment itself and whether the event id is marked (flowContextOf); the unit's writes
 * are held until its work returns and then sent as ONE statement — the payment's update, the event-id mark, the
 * outbox rows and the delivery record as data-modifying CTEs — which commits on its own, all or nothing, with no
 * BEGIN and COMMIT and no transaction open while the work runs (nor while it calls the gateway).
 *
 * The reads are not locked, so the statement checks them as it writes: the update is the payment at the version read
 * (optimistic, as SqlPaymentRepository.save), everything else is written only if it updated a row, and the mark is a
 * plain INSERT (the event id is the key). Another writer in between — a save of the payment, the same event delivered
 * concurrently — makes it write nothing and throw PaymentConcurrentUpdateError, on which the handler runs the work
 * again in a new unit, which reads what the other one committed (a duplicate, or the newer payment).
 */
export class SqlWebhookUnits implements PaymentFlows {
  /**
   * What flowContextOf read, for the first unit run with the context it answered (the handler runs the webhook's units
   * with it): that unit takes the mark check and the payment from it instead of reading them again. Keyed by the
   * context object, so nothing outlives the webhook; a unit without one (a retry, a payment not found by its intent)
   * reads for itself.
   */
  private readonly prefetched = new WeakMap<MessageContext, Prefetched>();

  /** `db` runs each statement outside any transaction (a pool). */
  constructor(private readonly db: SqlExecutor) {}

  async flowContextOf(gatewayPaymentIntentId: string, gatewayEventId: string): Promise<MessageContext | undefined> {
    const [row] = await this.db.query<FlowRow>(
      `select exists (select 1 from processed_webhook_events where event_id = $2) as seen, correlation_id, traceparent, ${PAYMENT_COLUMNS}
       from (select) as one left join payments on gateway_payment_intent_id = $1`,
      [gatewayPaymentIntentId, gatewayEventId],
      { name: 'payment-webhook-flow' },
    );
    if (!row?.correlation_id) return undefined;
    const context = { correlationId: row.correlation_id, causationId: gatewayEventId, traceparent: childTraceparent(row.traceparent ?? undefined) };
    this.prefetched.set(context, { eventId: gatewayEventId, seen: row.seen, payment: row });
    return context;
  }

  readonly transaction: WebhookTransaction = async (context, work) => {
    const prefetched = this.prefetched.get(context);
    this.prefetched.delete(context);
    const unit = new SqlWebhookUnit(this.db, context, prefetched);
    const result = await work(unit.stores);
    await unit.commit();
    return result;
  };
}

type FlowRow = PaymentRow & { seen: boolean; correlation_id: string | null; traceparent: string | null };

interface Prefetched {
  readonly eventId: string;
  readonly seen: boolean;
  readonly payment: PaymentRow;
}

interface PendingSave {
  readonly payment: Payment;
  readonly version: number;
  readonly events: OutboxMessage[];
}

class SqlWebhookUnit {
  /** Read by the saves, so attributeTo reaches the ones after it. */
  private readonly outboxContext: MessageContext;
  private readonly versions = new WeakMap<Payment, number>();
  private mark: string | null = null;
  private save: PendingSave | null = null;
  private readonly deliveries: WebhookDelivery[] = [];
  readonly stores: WebhookStores;

  constructor(
    private readonly db: SqlExecutor,
    context: MessageContext,
    private prefetched: Prefetched | undefined,
  ) {
    this.outboxContext = { ...context };
    this.stores = {
      payments: {
        findById: (paymentId) => this.findOne('payment_id = $1', paymentId),
        findByGatewayIntentId: (intentId) => this.findByGatewayIntentId(intentId),
        save: async (payment) => this.hold(payment),
      },
      processed: { markProcessed: (eventId) => this.markProcessed(eventId) },
      deliveries: {
        record: async (delivery) => {
          this.deliveries.push(delivery);
        },
      },
      attributeTo: (actor) => {
        this.outboxContext.actor = actor;
      },
    };
  }

  private async findByGatewayIntentId(intentId: string): Promise<Payment | null> {
    const prefetched = this.prefetched?.payment;
    if (prefetched?.gateway_payment_intent_id !== intentId) return this.findOne('gateway_payment_intent_id = $1', intentId);
    this.prefetched = undefined;
    return this.loaded(prefetched);
  }

  private async findOne(where: string, param: string): Promise<Payment | null> {
    const [row] = await this.db.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from payments where ${where}`, [param]);
    return row === undefined ? null : this.loaded(row);
  }

  private loaded(row: PaymentRow): Payment {
    const payment = Payment.reconstitute(stateOf(row));
    this.versions.set(payment, row.version);
    return payment;
  }

  /** A seen id answers false now; a new one is marked by the unit's statement (whose INSERT fails if it is seen by then). */
  private async markProcessed(eventId: string): Promise<boolean> {
    const seen =
      this.prefetched?.eventId === eventId
        ? this.prefetched.seen
        : (await this.db.query<{ seen: boolean }>('select exists (select 1 from processed_webhook_events where event_id = $1) as seen', [eventId]))[0]?.seen;
    if (seen === true) return false;
    this.mark = eventId;
    return true;
  }

  /** The events are pulled now, as SqlPaymentRepository.save does after its UPDATE; a second save adds to the first. */
  private hold(payment: Payment): void {
    const version = this.versions.get(payment);
    if (version === undefined) throw new Error(`payment ${payment.paymentId} was not loaded through this unit of work`);
    if (this.save !== null && this.save.payment !== payment) throw new Error('a webhook saves one payment');
    const events = toOutboxMessages(payment.pullEvents(), this.outboxContext);
    this.save = { payment, version, events: [...(this.save?.events ?? []), ...events] };
  }

  async commit(): Promise<void> {
    if (this.save === null && this.mark === null && this.deliveries.length === 0) return;
    const params: unknown[] = [];
    const ctes: string[] = [];
    if (this.save !== null) {
      const update = paymentUpdateSql(this.save.payment.toState(), this.save.version);
      params.push(...update.params);
      ctes.push(`saved as (${update.sql} returning 1)`);
    }
    // Nothing is written unless the payment, when there is one to save, was still at the version read.
    const gate = this.save === null ? 'true' : 'exists (select 1 from saved)';
    const param = (value: unknown, type: string): string => {
      params.push(value);
      return `$${params.length}::${type}`;
    };
    if (this.mark !== null) ctes.push(`mark as (insert into processed_webhook_events (event_id) select ${param(this.mark, 'text')} where ${gate})`);
    if (this.save !== null && this.save.events.length > 0) {
      const outbox = outboxInsertSql(this.save.events, params.length + 1, gate);
      params.push(...outbox.params);
      ctes.push(`outbox_rows as (${outbox.sql})`);
    }
    if (this.deliveries.length > 0) {
      const deliveries = deliveriesInsertSql(this.deliveries, params.length + 1, gate);
      params.push(...deliveries.params);
      ctes.push(`deliveries as (${deliveries.sql})`);
    }
    const conflict = () => new PaymentConcurrentUpdateError(this.save?.payment.paymentId ?? this.mark ?? '(none)');
    let written: { written: boolean }[];
    try {
      const sql = `with ${ctes.join(',\n')} select ${gate} as written`;
      // Prepared per text: the few shapes a webhook writes (which parts it has) each get parsed and planned once.
      written = await this.db.query<{ written: boolean }>(sql, params, { name: `payment-webhook-write-${createHash('sha1').update(sql).digest('hex').slice(0, 16)}` });
    } catch (error) {
      const failed = error as { code?: unknown; constraint?: unknown };
      if (failed.code === '23505' && failed.constraint === PROCESSED_EVENT_KEY) throw conflict();
      throw error;
    }
    if (written[0]?.written !== true) throw conflict();
  }
}
