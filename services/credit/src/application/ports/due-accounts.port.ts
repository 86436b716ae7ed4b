/** Finds accounts with a hold past its TTL or a grant past its expiry. */
export interface DueAccounts {
  /**
   * Claims up to `limit` of them for the caller's transaction, skipping accounts another transaction holds (that
   * transaction's command expires what is due itself), so several instances sweep without waiting on each other.
   */
  claim(now: Date, limit: number): Promise<string[]>;
}
