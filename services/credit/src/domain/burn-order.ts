/** The fields that decide which grant pays first. All are fixed when the grant is issued, so the order never changes. */
export interface BurnOrderKey {
  readonly grantId: string;
  readonly expiresAt: Date | null;
  readonly priority: number;
  readonly grantedAt: Date;
}

/**
 * Burn order: credits that will be lost soonest are spent first.
 * 1. soonest expiresAt first; a grant that never expires burns last;
 * 2. then priority ascending: a LOWER number burns FIRST (e.g. promotion 0 before top-up 10);
 * 3. then the oldest grantedAt;
 * 4. then grantId (code-unit order, not locale) so the order is total and the same on every machine.
 */
export function compareBurnOrder(a: BurnOrderKey, b: BurnOrderKey): number {
  if (a.expiresAt !== b.expiresAt) {
    if (a.expiresAt === null) return 1;
    if (b.expiresAt === null) return -1;
    const byExpiry = a.expiresAt.getTime() - b.expiresAt.getTime();
    if (byExpiry !== 0) return byExpiry;
  }
  if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
  const byAge = a.grantedAt.getTime() - b.grantedAt.getTime();
  if (byAge !== 0) return byAge;
  if (a.grantId === b.grantId) return 0;
  return a.grantId < b.grantId ? -1 : 1;
}

export function sortInBurnOrder<T extends BurnOrderKey>(items: readonly T[]): T[] {
  return [...items].sort(compareBurnOrder);
}
