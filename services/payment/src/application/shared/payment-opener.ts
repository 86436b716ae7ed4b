import { observationOf } from '../../domain/gateway-intent-status';
import { Payment } from '../../domain/payment.aggregate';
import { PaymentAlreadyExistsError } from '../../domain/payment.errors';
import type { PaymentRepository } from '../../domain/payment.repository.port';
import { PaymentReference } from '../../domain/payment-reference.value-object';
import { referenceKeyOf } from '../../domain/payment-reference-key';
import { CustomerNotLinkedError, PaymentReferenceConflictError } from '../application.errors';
import type { Clock } from '../ports/clock.port';
import type { CustomerDirectory } from '../ports/customer-directory.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { PaymentGateway } from '../ports/payment-gateway.port';

export interface PaymentOpenerDeps {
  readonly payments: PaymentRepository;
  readonly gateway: PaymentGateway;
  readonly customers: CustomerDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export interface PaymentToOpen {
  readonly customerId: string;
  readonly reference: PaymentReference;
  readonly amount: number;
  readonly currency: string;
  readonly offSession: boolean;
  /** Off-session only: the dunning attempt. */
  readonly attempt?: number;
  /** true: the gateway charges at once (off-session); false: the browser confirms with the client secret. */
  readonly confirm: boolean;
  readonly paymentMethod?: string;
}

export interface OpenedPayment {
  readonly payment: Payment;
  /** false when the payment and its intent already existed: nothing was sent to the gateway. */
  readonly created: boolean;
}

/**
 * Opens exactly one PaymentIntent per reference key, whatever the redeliveries, crashes and races:
 * 1. a stored payment with an intent is returned as it is (a different amount/customer/currency is a conflict);
 * 2. otherwise the payment is stored FIRST (repository.add, PaymentCreated in the outbox), without an intent;
 * 3. the intent is created with idempotency key = referenceKey and metadata derived from the stored payment only,
 *    so a retry after a crash sends identical parameters and the gateway returns the same intent;
 * 4. the intent is attached, its status applied (a confirmed off-session charge may already be succeeded or
 *    failed), and the payment saved.
 * A concurrent creator of the same reference makes add() fail with PaymentAlreadyExistsError; the loser continues
 * with the stored payment, and the gateway's idempotency gives both the same intent.
 */
export class PaymentOpener {
  constructor(private readonly deps: PaymentOpenerDeps) {}

  async open(spec: PaymentToOpen): Promise<OpenedPayment> {
    const reference = PaymentReference.of(spec.reference);
    const referenceKey = referenceKeyOf(reference, spec.offSession, spec.offSession ? (spec.attempt ?? 1) : 1);
    const stored = await this.findComparable(reference, referenceKey, spec);
    if (stored?.gatewayPaymentIntentId != null) return { payment: stored, created: false };

    const gatewayCustomerId = await this.deps.customers.gatewayCustomerIdOf(spec.customerId);
    if (gatewayCustomerId === undefined) throw new CustomerNotLinkedError(spec.customerId);

    const payment = stored ?? (await this.store(reference, referenceKey, spec));
    if (payment.gatewayPaymentIntentId !== null) return { payment, created: false };

    const intent = await this.deps.gateway.createPaymentIntent({
      idempotencyKey: payment.referenceKey,
      customerGatewayId: gatewayCustomerId,
      amount: payment.amount,
      currency: payment.currency,
      metadata: payment.gatewayMetadata(),
      offSession: payment.offSession,
      confirm: spec.confirm,
      ...(spec.paymentMethod === undefined ? {} : { paymentMethod: spec.paymentMethod }),
    });
    const observedAt = this.deps.clock.now();
    payment.attachIntent({ gatewayPaymentIntentId: intent.id, clientSecret: intent.clientSecret, observedAt });
    const observation = observationOf(intent, { offSession: payment.offSession });
    payment.observeIntentStatus(observation.status, { observedAt, failure: observation.failure, cancellationReason: observation.cancellationReason });
    await this.deps.payments.save(payment);
    return { payment, created: true };
  }

  private async findComparable(reference: PaymentReference, referenceKey: string, spec: PaymentToOpen): Promise<Payment | null> {
    const stored = await this.deps.payments.findByReference(reference.purpose, referenceKey);
    if (stored !== null && !stored.hasTerms({ customerId: spec.customerId, reference, amount: spec.amount, currency: spec.currency })) {
      throw new PaymentReferenceConflictError(referenceKey, stored.paymentId);
    }
    return stored;
  }

  private async store(reference: PaymentReference, referenceKey: string, spec: PaymentToOpen): Promise<Payment> {
    const payment = Payment.create({
      paymentId: this.deps.ids.next(),
      customerId: spec.customerId,
      reference,
      amount: spec.amount,
      currency: spec.currency,
      offSession: spec.offSession,
      ...(spec.attempt === undefined ? {} : { attempt: spec.attempt }),
      now: this.deps.clock.now(),
    });
    try {
      await this.deps.payments.add(payment);
      return payment;
    } catch (error) {
      if (!(error instanceof PaymentAlreadyExistsError)) throw error;
      const winner = await this.findComparable(reference, referenceKey, spec);
      if (winner === null) throw error;
      return winner;
    }
  }
}
