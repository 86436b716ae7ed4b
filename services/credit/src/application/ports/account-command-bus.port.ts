import type { AccountCommand, AccountCommandOutcome } from '../../domain/credit-account.decide';

/** Tracing context carried into the events a command causes. */
export interface RequestContext {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  /** Who asked (the Billing-Actor header): recorded on the ledger entries and carried with the events. */
  actor?: string;
}

export interface SubmitOptions {
  /** Open the customer's account first if it has none (event-driven grants may arrive before CustomerRegistered). */
  openIfMissing?: boolean;
}

/**
 * Runs commands against one customer's account under its row lock. Implementations may apply commands that arrive
 * together in one transaction (group commit); each still gets its own outcome.
 */
export interface AccountCommandBus {
  submit(customerId: string, command: AccountCommand, context: RequestContext, options?: SubmitOptions): Promise<AccountCommandOutcome>;
}
