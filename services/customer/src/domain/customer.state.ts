import type { Currency } from './currency.value-object';
import type { CustomerStatus } from './customer-status';
import type { PaymentGatewayLink } from './payment-gateway-link.value-object';

/**
 * Everything the repository stores about a customer, as plain data. `Customer.reconstitute()` takes it and
 * `customer.toState()` gives it back; both copy, so a caller never holds a reference into the aggregate.
 */
export interface CustomerState {
  readonly id: string;
  readonly externalAccountId: string;
  readonly email: string;
  readonly name: string | null;
  readonly defaultCurrency: Currency;
  readonly status: CustomerStatus;
  /** At most one per gateway. */
  readonly gatewayLinks: readonly PaymentGatewayLink[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Set exactly when status is 'deactivated'. */
  readonly deactivatedAt: Date | null;
  /**
   * The stored version this state was loaded at (0 for a customer not yet added). The repository saves only over the
   * same version and stores version + 1; see CustomerRepository.save().
   */
  readonly version: number;
}
