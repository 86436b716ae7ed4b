import { TopUpPack } from '../../domain/top-up-pack.entity';
import { ChargeRenewalHandler } from '../commands/charge-renewal/charge-renewal.handler';
import { ChargeUpgradeHandler } from '../commands/charge-upgrade/charge-upgrade.handler';
import { CreateTopUpHandler } from '../commands/create-top-up/create-top-up.handler';
import { HandleGatewayWebhookHandler } from '../commands/handle-gateway-webhook/handle-gateway-webhook.handler';
import { StartSubscriptionPaymentHandler } from '../commands/start-subscription-payment/start-subscription-payment.handler';
import { RefundPaymentHandler } from '../commands/refund-payment/refund-payment.handler';
import { GetPaymentHandler } from '../queries/get-payment/get-payment.handler';
import { ListWebhookDeliveriesHandler } from '../queries/list-webhook-deliveries/list-webhook-deliveries.handler';
import type { MessageContext } from '@billing/platform';
import type { GatewayEvent } from '../ports/gateway-event';
import type { WebhookStores } from '../ports/webhook-transaction.port';
import { FakeCustomerDirectory } from './fake-customer-directory';
import { FakeGatewayWebhooks, VALID_SIGNATURE } from './fake-gateway-webhooks';
import { FakePaymentGateway } from './fake-payment-gateway';
import { FakeProcessedWebhookEvents } from './fake-processed-webhook-events';
import { FakeRefundGateway } from './fake-refund-gateway';
import { InMemoryWebhookDeliveries } from './in-memory-webhook-deliveries';
import { FixedClock } from './fixed-clock';
import { InMemoryPaymentRepository } from './in-memory-payment.repository';
import { InMemoryTopUpPackRepository } from './in-memory-top-up-pack.repository';
import { SequentialIds } from './sequential-ids';

/** 2030-01-01T00:00:00Z, as Unix seconds for webhook `created`. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');
export const T0_SECONDS = T0.getTime() / 1_000;

/** Every fake and every handler, wired as main.ts would wire the real ones. Customer cus-1 is linked to cus_stripe_1;
 * pack credits-500 sells 500 credits for 1000 EUR or USD. */
export function paymentTestKit() {
  const payments = new InMemoryPaymentRepository();
  const gateway = new FakePaymentGateway();
  const customers = new FakeCustomerDirectory().link('cus-1', 'cus_stripe_1');
  const processed = new FakeProcessedWebhookEvents();
  const deliveries = new InMemoryWebhookDeliveries();
  const refunds = new FakeRefundGateway();
  const clock = new FixedClock(T0);
  const ids = new SequentialIds();
  // credits-500: 500 credits for 1000 EUR or USD, what the top-up tests buy.
  const packs = new InMemoryTopUpPackRepository().with(
    TopUpPack.create({ code: 'credits-500', credits: 500, prices: [{ amount: 1_000, currency: 'EUR' }, { amount: 1_000, currency: 'USD' }], now: T0 }),
  );
  const deps = { payments, gateway, customers, clock, ids };
  /** The webhook's transactions: the event-id marks of a failed one are rolled back, as the database would. */
  const transactions: MessageContext[] = [];
  const transaction = async <T>(context: MessageContext, work: (stores: WebhookStores) => Promise<T>): Promise<T> => {
    // A copy, as the service makes: attributeTo changes the context of this transaction's outbox rows only.
    const outboxContext = { ...context };
    transactions.push(outboxContext);
    const marks = processed.snapshot();
    const recorded = deliveries.snapshot();
    try {
      return await work({ payments, processed, deliveries, attributeTo: (actor) => (outboxContext.actor = actor) });
    } catch (error) {
      processed.restore(marks);
      deliveries.restore(recorded);
      throw error;
    }
  };
  const flows = new Map<string, MessageContext>();
  const handleWebhook = new HandleGatewayWebhookHandler({
    webhooks: new FakeGatewayWebhooks(),
    flows: { flowContextOf: async (intentId, eventId) => (flows.has(intentId) ? { ...flows.get(intentId)!, causationId: eventId } : undefined) },
    transaction,
    gateway,
    clock,
  });
  return {
    payments,
    gateway,
    customers,
    processed,
    deliveries,
    refunds,
    clock,
    ids,
    packs,
    /** Puts a pack in the catalogue, as POST /v1/top-up-packs would. */
    async givenPack(code: string, credits: number, prices: { amount: number; currency: string }[]): Promise<void> {
      await packs.add(TopUpPack.create({ code, credits, prices, now: clock.now() }));
    },
    startSubscriptionPayment: new StartSubscriptionPaymentHandler(deps),
    chargeRenewal: new ChargeRenewalHandler(deps),
    chargeUpgrade: new ChargeUpgradeHandler(deps),
    createTopUp: new CreateTopUpHandler({ ...deps, packs }),
    handleWebhook,
    /** The context of each webhook transaction begun, in order, as its outbox rows carry it (attributeTo applied). */
    transactions,
    /** The flow a payment's intent was opened in (what the database keeps with the payment row). */
    givenFlow(intentId: string, context: MessageContext): void {
      flows.set(intentId, context);
    },
    /** Delivers the event as a signed webhook; the outcome of applying it. */
    async deliver(event: GatewayEvent) {
      const handled = await handleWebhook.execute({ rawBody: FakeGatewayWebhooks.delivery(event), signatureHeader: VALID_SIGNATURE, context: WEBHOOK_REQUEST });
      return handled.result;
    },
    getPayment: new GetPaymentHandler({ payments }),
    refundPayment: new RefundPaymentHandler({ payments, refunds }),
    listWebhookDeliveries: new ListWebhookDeliveriesHandler({ payments, deliveries }),
  };
}

/** The context of the webhook request itself (a new correlation id per request, in the service). */
export const WEBHOOK_REQUEST: MessageContext = { correlationId: 'webhook-request' };

export type PaymentTestKit = ReturnType<typeof paymentTestKit>;

export const typesIn = (events: readonly { type: string }[]): string[] => events.map((event) => event.type);

/** Runs fn and returns what it threw (undefined if it did not). */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
