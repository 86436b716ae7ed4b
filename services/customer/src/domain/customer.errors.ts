import { DomainError, InvalidTimestampError, shown } from '@billing/platform/domain';

/**
 * Every rule the customer domain can refuse, as a typed error with a stable machine code. The interface layer maps
 * codes to HTTP / gRPC statuses once, centrally; messages are for humans and may change, codes may not.
 */
// The base class, shown() and the timestamp error are the platform's domain kernel, shared with the other services.
export { DomainError, InvalidTimestampError, shown };

export class InvalidCustomerIdError extends DomainError {
  readonly code = 'INVALID_CUSTOMER_ID';
  constructor(value: unknown) {
    super(`customerId must be a UUID, got ${shown(value)}`, { value: shown(value) });
  }
}

export class InvalidExternalAccountIdError extends DomainError {
  readonly code = 'INVALID_EXTERNAL_ACCOUNT_ID';
  constructor(value: unknown, reason: string) {
    super(`externalAccountId ${reason}, got ${shown(value)}`, { value: shown(value), reason });
  }
}

export class InvalidEmailError extends DomainError {
  readonly code = 'INVALID_EMAIL';
  constructor(value: unknown, reason: string) {
    super(`email ${reason}, got ${shown(value)}`, { value: shown(value), reason });
  }
}

export class InvalidNameError extends DomainError {
  readonly code = 'INVALID_NAME';
  constructor(value: unknown, reason: string) {
    super(`name ${reason}, got ${shown(value)}`, { value: shown(value), reason });
  }
}

export class InvalidCurrencyError extends DomainError {
  readonly code = 'INVALID_CURRENCY';
  constructor(value: unknown, supported: readonly string[]) {
    super(`defaultCurrency must be one of ${supported.join(', ')}, got ${shown(value)}`, { value: shown(value), supported: [...supported] });
  }
}

export class InvalidPaymentGatewayError extends DomainError {
  readonly code = 'INVALID_PAYMENT_GATEWAY';
  constructor(value: unknown, supported: readonly string[]) {
    super(`gateway must be one of ${supported.join(', ')}, got ${shown(value)}`, { value: shown(value), supported: [...supported] });
  }
}

export class InvalidGatewayCustomerIdError extends DomainError {
  readonly code = 'INVALID_GATEWAY_CUSTOMER_ID';
  constructor(gateway: string, value: unknown) {
    super(`${shown(value)} is not a valid ${gateway} customer id`, { gateway, value: shown(value) });
  }
}

/** The customer is already linked to another customer of that gateway; linking the same id again is a no-op. */
export class GatewayAlreadyLinkedError extends DomainError {
  readonly code = 'GATEWAY_ALREADY_LINKED';
  constructor(customerId: string, gateway: string, linkedId: string, requestedId: string) {
    super(`customer ${customerId} is already linked to ${gateway} customer ${linkedId}, not ${requestedId}`, {
      customerId,
      gateway,
      linkedId,
      requestedId,
    });
  }
}

/** The gateway customer belongs to another of our customers (one gateway customer maps to one customer). */
export class GatewayCustomerIdInUseError extends DomainError {
  readonly code = 'GATEWAY_CUSTOMER_ID_IN_USE';
  constructor(gateway: string, gatewayCustomerId: string, ownerCustomerId: string | null) {
    super(`${gateway} customer ${gatewayCustomerId} is already linked to another customer`, {
      gateway,
      gatewayCustomerId,
      ...(ownerCustomerId === null ? {} : { ownerCustomerId }),
    });
  }
}

export class CustomerDeactivatedError extends DomainError {
  readonly code = 'CUSTOMER_DEACTIVATED';
  constructor(customerId: string, action: string) {
    super(`customer ${customerId} is deactivated and cannot ${action}`, { customerId, action });
  }
}

export class CustomerAlreadyDeactivatedError extends DomainError {
  readonly code = 'CUSTOMER_ALREADY_DEACTIVATED';
  constructor(customerId: string) {
    super(`customer ${customerId} is already deactivated`, { customerId });
  }
}

export class CustomerNotFoundError extends DomainError {
  readonly code = 'CUSTOMER_NOT_FOUND';
  constructor(criteria: Record<string, string>) {
    const described = Object.entries(criteria)
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
    super(`no customer with ${described}`, { ...criteria });
  }
}

/** Thrown by CustomerRepository.add() (and by the register use case before it writes anything). */
export class DuplicateExternalAccountIdError extends DomainError {
  readonly code = 'DUPLICATE_EXTERNAL_ACCOUNT_ID';
  constructor(externalAccountId: string) {
    super(`a customer with externalAccountId ${shown(externalAccountId)} already exists`, { externalAccountId });
  }
}

/** Thrown by CustomerRepository.save() when the stored customer changed since it was loaded. Safe to retry after a reload. */
export class ConcurrentModificationError extends DomainError {
  readonly code = 'CONCURRENT_MODIFICATION';
  constructor(customerId: string, expectedVersion: number) {
    super(`customer ${customerId} was modified concurrently (expected version ${expectedVersion})`, { customerId, expectedVersion });
  }
}

/** Stored state that breaks the customer rules: corrupt persistence or a bug, never a user mistake. */
export class InvariantViolationError extends DomainError {
  readonly code = 'INVARIANT_VIOLATION';
  constructor(
    readonly violations: readonly string[],
    cause?: unknown,
  ) {
    super(`customer invariants violated: ${violations.join('; ')}`, { violations: [...violations] }, cause === undefined ? undefined : { cause });
  }
}

export type CustomerDomainErrorCode =
  | InvalidCustomerIdError['code']
  | InvalidExternalAccountIdError['code']
  | InvalidEmailError['code']
  | InvalidNameError['code']
  | InvalidCurrencyError['code']
  | InvalidPaymentGatewayError['code']
  | InvalidGatewayCustomerIdError['code']
  | InvalidTimestampError['code']
  | GatewayAlreadyLinkedError['code']
  | GatewayCustomerIdInUseError['code']
  | CustomerDeactivatedError['code']
  | CustomerAlreadyDeactivatedError['code']
  | CustomerNotFoundError['code']
  | DuplicateExternalAccountIdError['code']
  | ConcurrentModificationError['code']
  | InvariantViolationError['code'];
