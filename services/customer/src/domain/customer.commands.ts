// Plain inputs of the aggregate. Time comes in with every call (`now`), and the id from the caller, so tests pin both.
// Fields are typed as the caller should send them but are validated as unknown: they usually come from JSON.

export interface RegisterCustomerProps {
  /** A UUID chosen by the caller (the application's IdGenerator). */
  id: string;
  externalAccountId: string;
  email: string;
  name?: string | null;
  defaultCurrency: string;
  now: Date;
}

/** Omitted fields stay as they are; `name: null` clears the name. */
export interface CustomerChanges {
  email?: string;
  name?: string | null;
  defaultCurrency?: string;
}
