/**
 * Who may call, decided from billing events without asking the platform: a customer out of credits or whose
 * subscription ended is answered 402 at once; new credits lift the block.
 */
export type BlockReason = 'no_credits' | 'subscription_canceled';

export class CustomerAccess {
  private readonly blocked = new Map<string, BlockReason>();
  private readonly openHolds = new Map<string, number>();
  private readonly lastHoldSettledAt = new Map<string, number>();

  blockedFor(customerId: string): BlockReason | undefined {
    return this.blocked.get(customerId);
  }

  block(customerId: string, reason: BlockReason): void {
    // A canceled subscription is the stronger reason: running out of credits afterwards does not hide it.
    if (this.blocked.get(customerId) !== 'subscription_canceled') this.blocked.set(customerId, reason);
  }

  unblock(customerId: string): void {
    this.blocked.delete(customerId);
  }

  /**
   * CreditBalanceLow tells what was available when it happened; while one of our own holds was open that figure
   * counts the hold, most of which may come back at capture. It blocks only when no hold of ours was open then.
   */
  balanceLow(customerId: string, available: number, occurredAt: string | undefined, minimumCharge: number): void {
    if (available >= minimumCharge) return;
    const at = occurredAt ? Date.parse(occurredAt) : Date.now();
    if ((this.openHolds.get(customerId) ?? 0) > 0 || (this.lastHoldSettledAt.get(customerId) ?? 0) >= at) return;
    this.block(customerId, 'no_credits');
  }

  /** Runs a charged call, counting it as an open hold of this customer for balanceLow. */
  async holding<T>(customerId: string, call: () => Promise<T>): Promise<T> {
    this.openHolds.set(customerId, (this.openHolds.get(customerId) ?? 0) + 1);
    try {
      return await call();
    } finally {
      this.openHolds.set(customerId, this.openHolds.get(customerId)! - 1);
      this.lastHoldSettledAt.set(customerId, Date.now());
    }
  }
}
