import type { MessageContext, SqlExecutor } from '@billing/platform';
import { ChangeTopUpPackHandler } from '../application/commands/change-top-up-pack/change-top-up-pack.handler';
import { ChargeRenewalHandler } from '../application/commands/charge-renewal/charge-renewal.handler';
import { ChargeUpgradeHandler } from '../application/commands/charge-upgrade/charge-upgrade.handler';
import { CreateTopUpHandler } from '../application/commands/create-top-up/create-top-up.handler';
import { CreateTopUpPackHandler } from '../application/commands/create-top-up-pack/create-top-up-pack.handler';
import { DeactivateTopUpPackHandler } from '../application/commands/deactivate-top-up-pack/deactivate-top-up-pack.handler';
import { HandleGatewayWebhookHandler } from '../application/commands/handle-gateway-webhook/handle-gateway-webhook.handler';
import { RefundPaymentHandler } from '../application/commands/refund-payment/refund-payment.handler';
import { RecordCustomerDeactivationHandler } from '../application/commands/record-customer-deactivation/record-customer-deactivation.handler';
import { RecordGatewayLinkHandler } from '../application/commands/record-gateway-link/record-gateway-link.handler';
import { StartSubscriptionPaymentHandler } from '../application/commands/start-subscription-payment/start-subscription-payment.handler';
import type { Clock } from '../application/ports/clock.port';
import type { CustomerDirectory } from '../application/ports/customer-directory.port';
import type { CustomerProjections } from '../application/ports/customer-projections.port';
import type { GatewayWebhooks } from '../application/ports/gateway-webhooks.port';
import type { IdGenerator } from '../application/ports/id-generator.port';
import type { PaymentFlows } from '../application/ports/payment-flows.port';
import type { PaymentGateway } from '../application/ports/payment-gateway.port';
import type { RefundGateway } from '../application/ports/refund-gateway.port';
import type { WebhookDeliveries } from '../application/ports/webhook-deliveries.port';
import type { WebhookTransaction } from '../application/ports/webhook-transaction.port';
import { ListPaymentsHandler } from '../application/queries/list-payments/list-payments.handler';
import { GetPaymentHandler } from '../application/queries/get-payment/get-payment.handler';
import { ListTopUpPacksHandler } from '../application/queries/list-top-up-packs/list-top-up-packs.handler';
import { ListWebhookDeliveriesHandler } from '../application/queries/list-webhook-deliveries/list-webhook-deliveries.handler';
import type { PaymentRepository } from '../domain/payment.repository.port';
import type { TopUpPackRepository } from '../domain/top-up-pack.repository.port';

/** The adapters the use cases run on, built by the composition root (src/payment-service.ts). */
export interface PaymentPorts {
  /**
   * Payments whose every call commits in a transaction of its own, outbox rows carrying `context`: opening a payment
   * commits its row BEFORE the gateway is called, so a retry after a crash reuses its id and metadata.
   */
  readonly paymentsCommittingEachCall: (context: MessageContext) => PaymentRepository;
  /** Payments on the caller's transaction (reads). */
  readonly paymentsIn: (tx: SqlExecutor, context: MessageContext) => PaymentRepository;
  readonly packsIn: (tx: SqlExecutor) => TopUpPackRepository;
  /** The catalogue read in a transaction of its own (a top-up reads its pack before the payment row commits). */
  readonly packsCommittingEachCall: Pick<TopUpPackRepository, 'find'>;
  readonly customerProjectionsIn: (tx: SqlExecutor) => CustomerProjections;
  readonly webhookDeliveriesIn: (tx: SqlExecutor) => WebhookDeliveries;
  /** The webhook's own transactions: it retries in a new one when another writer saved the payment meanwhile. */
  readonly webhookTransaction: WebhookTransaction;
  readonly flows: PaymentFlows;
  readonly webhooks: GatewayWebhooks;
  readonly gateway: PaymentGateway;
  readonly refunds: RefundGateway;
  readonly customers: CustomerDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The service's one entry point for inbound adapters: `useCasesIn(tx, context)` is every use case bound to that
 * transaction and message context; each route, consumer handler and webhook calls exactly one of them.
 *
 * Openers (createTopUp, startSubscriptionPayment, chargeRenewal, chargeUpgrade) and handleGatewayWebhook commit in
 * transactions of their own — the payment row before the gateway call, the webhook once per attempt — so they take no
 * transaction (`tx` null). The others work on the caller's `tx` (an idempotent request's, a consumed event's inbox).
 */
export function paymentUseCases(ports: PaymentPorts) {
  const { gateway, customers, clock, ids } = ports;
  return function useCasesIn(tx: SqlExecutor | null, context: MessageContext) {
    const inTx = (useCase: string): SqlExecutor => {
      if (tx === null) throw new Error(`${useCase} runs on the caller's transaction: useCasesIn(tx, context)`);
      return tx;
    };
    const opener = () => ({ payments: ports.paymentsCommittingEachCall(context), gateway, customers, clock, ids });
    const packs = (useCase: string) => ({ packs: ports.packsIn(inTx(useCase)), clock });
    const projections = (useCase: string) => ({ projections: ports.customerProjectionsIn(inTx(useCase)), clock });
    const payments = (useCase: string) => ({ payments: ports.paymentsIn(inTx(useCase), context) });
    return {
      get createTopUp() {
        return new CreateTopUpHandler({ ...opener(), packs: ports.packsCommittingEachCall });
      },
      get startSubscriptionPayment() {
        return new StartSubscriptionPaymentHandler(opener());
      },
      get chargeRenewal() {
        return new ChargeRenewalHandler(opener());
      },
      get chargeUpgrade() {
        return new ChargeUpgradeHandler(opener());
      },
      get handleGatewayWebhook() {
        return new HandleGatewayWebhookHandler({ webhooks: ports.webhooks, flows: ports.flows, transaction: ports.webhookTransaction, gateway, clock });
      },
      get getPayment() {
        return new GetPaymentHandler(payments('getPayment'));
      },
      get listPayments() {
        return new ListPaymentsHandler(payments('listPayments'));
      },
      /** On the idempotent request's transaction (the key claim); the gateway call is made with a key of its own. */
      get refundPayment() {
        return new RefundPaymentHandler({ ...payments('refundPayment'), refunds: ports.refunds });
      },
      get listWebhookDeliveries() {
        return new ListWebhookDeliveriesHandler({ ...payments('listWebhookDeliveries'), deliveries: ports.webhookDeliveriesIn(inTx('listWebhookDeliveries')) });
      },
      get createTopUpPack() {
        return new CreateTopUpPackHandler(packs('createTopUpPack'));
      },
      get changeTopUpPack() {
        return new ChangeTopUpPackHandler(packs('changeTopUpPack'));
      },
      get deactivateTopUpPack() {
        return new DeactivateTopUpPackHandler(packs('deactivateTopUpPack'));
      },
      get listTopUpPacks() {
        return new ListTopUpPacksHandler({ packs: ports.packsIn(inTx('listTopUpPacks')) });
      },
      get recordGatewayLink() {
        return new RecordGatewayLinkHandler(projections('recordGatewayLink'));
      },
      get recordCustomerDeactivation() {
        return new RecordCustomerDeactivationHandler(projections('recordCustomerDeactivation'));
      },
    };
  };
}

export type UseCasesIn = ReturnType<typeof paymentUseCases>;
export type PaymentUseCases = ReturnType<UseCasesIn>;
