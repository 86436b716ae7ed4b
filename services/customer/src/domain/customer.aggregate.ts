import type { CustomerChanges, RegisterCustomerProps } from './customer.commands';
import {
  CustomerAlreadyDeactivatedError,
  CustomerDeactivatedError,
  GatewayAlreadyLinkedError,
  InvariantViolationError,
} from './customer.errors';
import { findInvariantViolations } from './customer.invariants';
import type { CustomerState } from './customer.state';
import type { CustomerStatus } from './customer-status';
import { CustomerId } from './customer-id.value-object';
import { CustomerName } from './customer-name.value-object';
import { Currency } from './currency.value-object';
import { copyDate, requireDate } from '@billing/platform/domain';
import { Email } from './email.value-object';
import type { CustomerEvent, CustomerEventBase, UpdatableCustomerField } from './events/customer.domain-event';
import { ExternalAccountId } from './external-account-id.value-object';
import { PaymentGatewayLink, type PaymentGatewayName } from './payment-gateway-link.value-object';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<CustomerEvent, keyof CustomerEventBase>;

/**
 * A paying customer of the platform: who they are to the platform (externalAccountId, unique), how to reach them,
 * what they are billed in, and which customer represents them at each payment gateway (the mapping is owned here).
 *
 * Every method validates all of its input before it changes anything, so a refused call leaves the aggregate as it
 * was. Events are recorded, never published: the repository pulls them into the outbox in the transaction that
 * saves the state.
 */
export class Customer {
  private readonly identity: { readonly id: string; readonly externalAccountId: string; readonly createdAt: Date; readonly version: number };
  private email_: string;
  private name_: string | null;
  private defaultCurrency_: Currency;
  private status_: CustomerStatus;
  private readonly links = new Map<PaymentGatewayName, PaymentGatewayLink>();
  private updatedAt_: Date;
  private deactivatedAt_: Date | null;
  private events: CustomerEvent[] = [];

  private constructor(state: CustomerState) {
    this.identity = { id: state.id, externalAccountId: state.externalAccountId, createdAt: copyDate(state.createdAt), version: state.version };
    this.email_ = state.email;
    this.name_ = state.name;
    this.defaultCurrency_ = state.defaultCurrency;
    this.status_ = state.status;
    for (const link of state.gatewayLinks) this.links.set(link.gateway, PaymentGatewayLink.copy(link));
    this.updatedAt_ = copyDate(state.updatedAt);
    this.deactivatedAt_ = state.deactivatedAt === null ? null : copyDate(state.deactivatedAt);
  }

  /** Registers an active, unlinked customer; records CustomerRegistered. */
  static create(props: RegisterCustomerProps): Customer {
    const id = CustomerId.of(props.id);
    const externalAccountId = ExternalAccountId.of(props.externalAccountId);
    const email = Email.of(props.email);
    const name = CustomerName.ofOptional(props.name);
    const defaultCurrency = Currency.of(props.defaultCurrency);
    const now = requireDate(props.now, 'now');
    const customer = new Customer({
      id,
      externalAccountId,
      email,
      name,
      defaultCurrency,
      status: 'active',
      gatewayLinks: [],
      createdAt: now,
      updatedAt: now,
      deactivatedAt: null,
      version: 0,
    });
    customer.record({ type: 'CustomerRegistered', email, name, defaultCurrency }, now);
    return customer;
  }

  /** Rebuilds from stored state without recording anything; refuses state that breaks a rule. */
  static reconstitute(state: CustomerState): Customer {
    const violations = findInvariantViolations(state);
    if (violations.length > 0) throw new InvariantViolationError(violations);
    return new Customer(state);
  }

  get id(): string {
    return this.identity.id;
  }
  get externalAccountId(): string {
    return this.identity.externalAccountId;
  }
  get email(): string {
    return this.email_;
  }
  get name(): string | null {
    return this.name_;
  }
  get defaultCurrency(): Currency {
    return this.defaultCurrency_;
  }
  get status(): CustomerStatus {
    return this.status_;
  }
  get isActive(): boolean {
    return this.status_ === 'active';
  }
  get createdAt(): Date {
    return copyDate(this.identity.createdAt);
  }
  get updatedAt(): Date {
    return copyDate(this.updatedAt_);
  }
  get deactivatedAt(): Date | null {
    return this.deactivatedAt_ === null ? null : copyDate(this.deactivatedAt_);
  }
  /** The stored version this instance was loaded at; see CustomerState.version. */
  get version(): number {
    return this.identity.version;
  }
  /** Sorted by gateway name, so the order is the same on every load. */
  get gatewayLinks(): PaymentGatewayLink[] {
    return [...this.links.values()].sort((a, b) => (a.gateway < b.gateway ? -1 : 1)).map(PaymentGatewayLink.copy);
  }

  gatewayCustomerId(gateway: PaymentGatewayName): string | null {
    return this.links.get(gateway)?.gatewayCustomerId ?? null;
  }

  isLinkedTo(gateway: PaymentGatewayName): boolean {
    return this.links.has(gateway);
  }

  /**
   * Applies the given fields (omitted = unchanged, name null = cleared). Returns whether anything changed; records
   * CustomerUpdated only then. A deactivated customer refuses every update, even one that would change nothing.
   */
  update(changes: CustomerChanges, now: Date): boolean {
    const email = changes.email === undefined ? this.email_ : Email.of(changes.email);
    const name = changes.name === undefined ? this.name_ : CustomerName.ofOptional(changes.name);
    const defaultCurrency = changes.defaultCurrency === undefined ? this.defaultCurrency_ : Currency.of(changes.defaultCurrency);
    requireDate(now, 'now');
    this.requireActive('be updated');
    const changedFields: UpdatableCustomerField[] = [];
    if (email !== this.email_) changedFields.push('email');
    if (name !== this.name_) changedFields.push('name');
    if (defaultCurrency !== this.defaultCurrency_) changedFields.push('defaultCurrency');
    if (changedFields.length === 0) return false;
    this.email_ = email;
    this.name_ = name;
    this.defaultCurrency_ = defaultCurrency;
    this.touch(now);
    this.record({ type: 'CustomerUpdated', email, name, defaultCurrency, changedFields }, now);
    return true;
  }

  /**
   * Maps this customer to its customer at `gateway`; records PaymentGatewayLinked. Linking the id already linked is
   * an idempotent no-op that returns false (so a retried link is harmless, even after deactivation); a different id
   * when one is linked is refused: the mapping is never silently rewritten.
   */
  linkPaymentGateway(gateway: PaymentGatewayName, gatewayCustomerId: string, now: Date): boolean {
    const validGateway = PaymentGatewayLink.gateway(gateway);
    const validId = PaymentGatewayLink.gatewayCustomerId(validGateway, gatewayCustomerId);
    requireDate(now, 'now');
    const existing = this.links.get(validGateway);
    if (existing?.gatewayCustomerId === validId) return false;
    this.requireActive(`be linked to ${validGateway}`);
    if (existing !== undefined) throw new GatewayAlreadyLinkedError(this.id, validGateway, existing.gatewayCustomerId, validId);
    this.links.set(validGateway, { gateway: validGateway, gatewayCustomerId: validId, linkedAt: copyDate(now) });
    this.touch(now);
    this.record({ type: 'PaymentGatewayLinked', gateway: validGateway, gatewayCustomerId: validId }, now);
    return true;
  }

  /** active → deactivated; records CustomerDeactivated. A second call is refused, so a caller learns it did nothing. */
  deactivate(now: Date): void {
    requireDate(now, 'now');
    if (this.status_ === 'deactivated') throw new CustomerAlreadyDeactivatedError(this.id);
    this.status_ = 'deactivated';
    this.deactivatedAt_ = copyDate(now);
    this.touch(now);
    this.record({ type: 'CustomerDeactivated' }, now);
  }

  /** Returns the events recorded since the last pull and forgets them. */
  pullEvents(): CustomerEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  toState(): CustomerState {
    return {
      id: this.id,
      externalAccountId: this.externalAccountId,
      email: this.email_,
      name: this.name_,
      defaultCurrency: this.defaultCurrency_,
      status: this.status_,
      gatewayLinks: this.gatewayLinks,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      deactivatedAt: this.deactivatedAt,
      version: this.version,
    };
  }

  private requireActive(action: string): void {
    if (this.status_ === 'deactivated') throw new CustomerDeactivatedError(this.id, action);
  }

  private touch(now: Date): void {
    this.updatedAt_ = copyDate(now);
  }

  private record(body: EventBody, now: Date): void {
    this.events.push({ ...body, customerId: this.id, externalAccountId: this.externalAccountId, occurredAt: copyDate(now) } as CustomerEvent);
  }
}
