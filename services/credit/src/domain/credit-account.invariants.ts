import { compareBurnOrder } from './burn-order';
import type { CreditAccountState } from './credit-account.state';
import { CreditAmount } from './credit-amount.value-object';
import type { GrantState } from './grant.entity';
import { GrantSource } from './grant-source.value-object';
import { EMPTY_LEDGER_TOTALS, LEDGER_ENTRY_TYPES, ledgerDeltas, sumLedger } from './ledger-entry';

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const RESERVATION_ENTRY_TYPES: readonly string[] = ['hold', 'capture', 'release', 'refund'];

const add = (totals: Map<string, number>, key: string, amount: number) => totals.set(key, (totals.get(key) ?? 0) + amount);

/**
 * Every rule the ledger must keep, as a list of human-readable violations (empty = sound). Run on reconstitute(),
 * by validate(), and after every step of the property tests.
 */
export function findInvariantViolations(state: CreditAccountState): string[] {
  const violations: string[] = [];
  const grants = checkGrants(state.grants, violations);
  const holds = checkReservations(state, grants, violations);
  checkLedger(state, grants, holds.activeHolds, violations);
  checkLowBalance(state, violations);
  return violations;
}

function checkGrants(grantStates: readonly GrantState[], violations: string[]): Map<string, GrantState> {
  const grants = new Map<string, GrantState>();
  const sources = new Set<string>();
  for (const grant of grantStates) {
    const at = `grant ${grant.grantId}`;
    if (grants.has(grant.grantId)) violations.push(`${at}: duplicate grantId`);
    grants.set(grant.grantId, grant);
    const key = GrantSource.key(grant.source);
    if (sources.has(key)) violations.push(`${at}: a second grant for source ${key}`);
    sources.add(key);
    if (!CreditAmount.is(grant.amount)) violations.push(`${at}: amount ${grant.amount} is not a credit amount`);
    if (!Number.isSafeInteger(grant.priority)) violations.push(`${at}: priority ${grant.priority} is not an integer`);
    for (const field of ['remaining', 'held', 'consumed', 'expiredAmount', 'revokedAmount', 'clawbackClaimed', 'clawbackRevoked'] as const) {
      if (!isCount(grant[field])) violations.push(`${at}: ${field} ${grant[field]} is not a non-negative integer`);
    }
    if (!(grant.held <= grant.remaining && grant.remaining <= grant.amount)) {
      violations.push(`${at}: expected 0 ≤ held (${grant.held}) ≤ remaining (${grant.remaining}) ≤ amount (${grant.amount})`);
    }
    const accounted = grant.remaining + grant.consumed + grant.expiredAmount + grant.revokedAmount;
    if (accounted !== grant.amount) violations.push(`${at}: remaining + consumed + expired + revoked = ${accounted} ≠ ${grant.amount}`);
    const closed = grant.expiredAt !== null || grant.revokedAt !== null;
    if (closed && grant.remaining !== grant.held) violations.push(`${at}: closed but ${grant.remaining - grant.held} credits unheld`);
    if (grant.expiredAmount > 0 && grant.expiredAt === null) violations.push(`${at}: expired credits without expiredAt`);
    if (grant.revokedAmount > grant.clawbackRevoked && grant.revokedAt === null) violations.push(`${at}: revoked credits beyond clawback without revokedAt`);
    if (!(grant.clawbackRevoked <= grant.clawbackClaimed && grant.clawbackClaimed <= grant.amount && grant.clawbackRevoked <= grant.revokedAmount)) {
      violations.push(`${at}: expected clawbackRevoked (${grant.clawbackRevoked}) ≤ clawbackClaimed (${grant.clawbackClaimed}) ≤ amount, and ≤ revokedAmount`);
    }
  }
  return grants;
}

function checkReservations(
  state: CreditAccountState,
  grants: Map<string, GrantState>,
  violations: string[],
): { activeHolds: number } {
  const heldByGrant = new Map<string, number>();
  const netCapturedByGrant = new Map<string, number>();
  const seen = new Set<string>();
  let activeHolds = 0;
  for (const reservation of state.reservations) {
    const at = `reservation ${reservation.reservationId}`;
    if (seen.has(reservation.reservationId)) violations.push(`${at}: duplicate reservationId`);
    seen.add(reservation.reservationId);
    if (!CreditAmount.is(reservation.amount)) violations.push(`${at}: amount ${reservation.amount} is not a credit amount`);
    if (reservation.allocations.length === 0) violations.push(`${at}: no allocations`);
    if (reservation.expiresAt.getTime() <= reservation.reservedAt.getTime()) violations.push(`${at}: expires before it was made`);
    let allocated = 0;
    let captured = 0;
    let refunded = 0;
    let previous: GrantState | undefined;
    const allocatedGrants = new Set<string>();
    for (const allocation of reservation.allocations) {
      const grant = grants.get(allocation.grantId);
      if (grant === undefined) {
        violations.push(`${at}: allocation on unknown grant ${allocation.grantId}`);
        continue;
      }
      if (allocatedGrants.has(allocation.grantId)) violations.push(`${at}: two allocations on grant ${allocation.grantId}`);
      allocatedGrants.add(allocation.grantId);
      const { amount } = allocation;
      if (!(isCount(amount) && amount > 0)) violations.push(`${at}: allocation amount ${amount} on ${allocation.grantId}`);
      if (!(isCount(allocation.captured) && isCount(allocation.refunded) && allocation.refunded <= allocation.captured && allocation.captured <= amount)) {
        violations.push(`${at}: expected 0 ≤ refunded ≤ captured ≤ amount on ${allocation.grantId}`);
      }
      if (previous !== undefined && compareBurnOrder(previous, grant) > 0) violations.push(`${at}: allocations out of burn order`);
      previous = grant;
      allocated += amount;
      captured += allocation.captured;
      refunded += allocation.refunded;
      if (reservation.status === 'HELD') add(heldByGrant, allocation.grantId, amount);
      if (reservation.status === 'CAPTURED') add(netCapturedByGrant, allocation.grantId, allocation.captured - allocation.refunded);
    }
    if (allocated !== reservation.amount) violations.push(`${at}: allocations sum to ${allocated}, amount is ${reservation.amount}`);
    const resolved = reservation.resolvedAt !== null;
    // Only a capture or release names its key; a hold still open, or one that expired, was resolved by nobody's request.
    if ((reservation.status === 'HELD' || reservation.status === 'EXPIRED') && reservation.resolutionKey != null) violations.push(`${at}: ${reservation.status} with a resolution key`);
    switch (reservation.status) {
      case 'HELD':
        activeHolds += reservation.amount;
        if (captured !== 0 || refunded !== 0 || resolved) violations.push(`${at}: HELD but captured, refunded or resolved`);
        break;
      case 'CAPTURED':
        if (captured < 1 || !resolved) violations.push(`${at}: CAPTURED with ${captured} captured or no resolvedAt`);
        break;
      case 'RELEASED':
      case 'EXPIRED':
        if (captured !== 0 || refunded !== 0 || !resolved) violations.push(`${at}: ${reservation.status} but captured credits or no resolvedAt`);
        break;
      default:
        violations.push(`${at}: unknown status ${String(reservation.status)}`);
    }
  }
  for (const grant of grants.values()) {
    const held = heldByGrant.get(grant.grantId) ?? 0;
    if (grant.held !== held) violations.push(`grant ${grant.grantId}: held ${grant.held} ≠ Σ active holds on it ${held}`);
    // ≤, not =: resolved reservations may be left unloaded; refunds can never exceed what was consumed.
    const netCaptured = netCapturedByGrant.get(grant.grantId) ?? 0;
    if (netCaptured > grant.consumed) violations.push(`grant ${grant.grantId}: captures net of refunds ${netCaptured} > consumed ${grant.consumed}`);
  }
  return { activeHolds };
}

function checkLedger(state: CreditAccountState, grants: Map<string, GrantState>, activeHolds: number, violations: string[]): void {
  const base = state.ledgerBase;
  if (!(isCount(base.sequence) && isCount(base.balance) && isCount(base.held))) violations.push('ledgerBase: not non-negative integers');
  const balanceByGrant = new Map<string, number>();
  const heldByGrant = new Map<string, number>();
  let expectedSequence = base.sequence + 1;
  for (const entry of state.ledger) {
    const at = `ledger entry ${entry.sequence} (${entry.type})`;
    if (entry.sequence !== expectedSequence) violations.push(`${at}: expected sequence ${expectedSequence}`);
    expectedSequence = entry.sequence + 1;
    if (entry.accountId !== state.accountId) violations.push(`${at}: belongs to account ${entry.accountId}`);
    if (!grants.has(entry.grantId)) violations.push(`${at}: unknown grant ${entry.grantId}`);
    if (!(isCount(entry.amount) && entry.amount > 0)) violations.push(`${at}: amount ${entry.amount} is not positive`);
    if (!LEDGER_ENTRY_TYPES.includes(entry.type)) {
      violations.push(`${at}: unknown type`);
    } else {
      // An 'expire' that moves held credits is a hold's expiry; either way its pair must be one its type allows.
      const expected = ledgerDeltas(entry.type, entry.amount, entry.type === 'expire' && entry.heldDelta !== 0 ? 'hold' : 'grant');
      if (entry.balanceDelta !== expected.balanceDelta || entry.heldDelta !== expected.heldDelta) violations.push(`${at}: deltas do not match its type`);
    }
    if (RESERVATION_ENTRY_TYPES.includes(entry.type) && entry.reservationId === null) violations.push(`${at}: no reservationId`);
    if (entry.type === 'grant' && entry.reservationId !== null) violations.push(`${at}: a grant entry names a reservation`);
    add(balanceByGrant, entry.grantId, entry.balanceDelta);
    add(heldByGrant, entry.grantId, entry.heldDelta);
  }
  const totals = sumLedger(base, state.ledger);
  const remaining = state.grants.reduce((sum, grant) => sum + grant.remaining, 0);
  const held = state.grants.reduce((sum, grant) => sum + grant.held, 0);
  if (totals.balance !== remaining) violations.push(`balance: Σ ledger ${totals.balance} ≠ Σ grant.remaining ${remaining}`);
  if (totals.held !== held) violations.push(`held: Σ ledger ${totals.held} ≠ Σ grant.held ${held}`);
  if (activeHolds !== held) violations.push(`held: Σ active holds ${activeHolds} ≠ Σ grant.held ${held}`);
  if (totals.balance - totals.held < 0) violations.push(`available ${totals.balance - totals.held} < 0`);
  const completeLedger = base.sequence === EMPTY_LEDGER_TOTALS.sequence && base.balance === 0 && base.held === 0;
  if (!completeLedger) return;
  for (const grant of grants.values()) {
    const balance = balanceByGrant.get(grant.grantId) ?? 0;
    const grantHeld = heldByGrant.get(grant.grantId) ?? 0;
    if (balance !== grant.remaining) violations.push(`grant ${grant.grantId}: Σ ledger ${balance} ≠ remaining ${grant.remaining}`);
    if (grantHeld !== grant.held) violations.push(`grant ${grant.grantId}: Σ ledger held ${grantHeld} ≠ held ${grant.held}`);
  }
}

function checkLowBalance(state: CreditAccountState, violations: string[]): void {
  const { lowBalanceThreshold: threshold, lowBalanceArmed: armed } = state;
  if (threshold !== null && !CreditAmount.is(threshold)) violations.push(`lowBalanceThreshold ${threshold} is not a credit amount`);
  const totals = sumLedger(state.ledgerBase, state.ledger);
  const shouldBeArmed = threshold !== null && totals.balance - totals.held >= threshold;
  if (armed !== shouldBeArmed) violations.push(`lowBalanceArmed is ${armed}, expected ${shouldBeArmed}`);
  if (state.lowBalanceAlerted && (threshold === null || armed)) violations.push('lowBalanceAlerted while no alert can stand (no threshold, or armed)');
}
