import { CUSTOMER_STATUSES } from './customer-status';
import { CustomerId } from './customer-id.value-object';
import { CustomerName } from './customer-name.value-object';
import { Currency } from './currency.value-object';
import { DomainError } from './customer.errors';
import type { CustomerState } from './customer.state';
import { Email } from './email.value-object';
import { ExternalAccountId } from './external-account-id.value-object';
import { PaymentGatewayLink } from './payment-gateway-link.value-object';

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());

/** Every rule a stored customer must satisfy; an empty list means the state is sound. */
export function findInvariantViolations(state: CustomerState): string[] {
  const violations: string[] = [];
  /** Parses a stored value; when `stored` is given, the parsed form must equal it (stored values are kept normalised). */
  const check = (field: string, parse: () => unknown, normalised?: { stored: unknown }): void => {
    try {
      const parsed = parse();
      // A value stored un-normalised (untrimmed, upper-case…) would make lookups miss it.
      if (normalised !== undefined && parsed !== normalised.stored) violations.push(`${field} is not normalised`);
    } catch (error) {
      violations.push(error instanceof DomainError ? `${field}: ${error.message}` : `${field}: ${String(error)}`);
    }
  };
  check('id', () => CustomerId.of(state.id), { stored: state.id });
  check('externalAccountId', () => ExternalAccountId.of(state.externalAccountId), { stored: state.externalAccountId });
  check('email', () => Email.of(state.email), { stored: state.email });
  check('name', () => CustomerName.ofOptional(state.name), { stored: state.name });
  check('defaultCurrency', () => Currency.of(state.defaultCurrency), { stored: state.defaultCurrency });
  if (!CUSTOMER_STATUSES.includes(state.status)) violations.push(`status ${String(state.status)} is unknown`);
  if (!isValidDate(state.createdAt)) violations.push('createdAt is not a valid Date');
  if (!isValidDate(state.updatedAt)) violations.push('updatedAt is not a valid Date');
  if ((state.status === 'deactivated') !== (state.deactivatedAt !== null)) {
    violations.push('deactivatedAt must be set exactly when status is deactivated');
  }
  if (state.deactivatedAt !== null && !isValidDate(state.deactivatedAt)) violations.push('deactivatedAt is not a valid Date');
  if (!Number.isSafeInteger(state.version) || state.version < 0) violations.push(`version ${String(state.version)} is not a non-negative integer`);
  const gateways = new Set<string>();
  for (const link of state.gatewayLinks) {
    check('gatewayLinks[].gateway', () => PaymentGatewayLink.gateway(link.gateway));
    if (gateways.has(link.gateway)) violations.push(`more than one link to ${link.gateway}`);
    gateways.add(link.gateway);
    check(`gatewayLinks[${link.gateway}].gatewayCustomerId`, () =>
      PaymentGatewayLink.gatewayCustomerId(PaymentGatewayLink.gateway(link.gateway), link.gatewayCustomerId),
    );
    if (!isValidDate(link.linkedAt)) violations.push(`gatewayLinks[${link.gateway}].linkedAt is not a valid Date`);
  }
  return violations;
}
