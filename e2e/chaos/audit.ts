/**
 * The checks, computed from what the run left behind: the four service databases (payments, subscription periods and
 * their outbox events, credit grants, ledger, reservations and their outbox events), Stripe's own record of the
 * PaymentIntents, the dead-letter topics, and what the clients were acknowledged.
 *
 * lost   — a succeeded Stripe charge the payment service does not hold as succeeded (or without its PaymentSucceeded
 *          event); a succeeded period payment with no activation/renewal of that period (unless the subscription
 *          refused it, recorded in held_payment_results as money for an ended subscription); an activation/renewal or
 *          a succeeded top-up without its grant; an acknowledged capture missing from the ledger; a dead-lettered event.
 * double — a second succeeded Stripe charge for one subscription period or top-up; a second activation/renewal event
 *          for one period; a second grant (row, ledger entry or CreditsGranted event) for one source; captured credits
 *          beyond what the client was acknowledged or beyond the hold.
 * invariant_violations — an account whose balance ≠ Σ ledger or held ≠ Σ holds or available < 0; a grant whose
 *          amount ≠ remaining + consumed + expired + revoked, or remaining ≠ Σ its ledger; a reservation resolved
 *          twice (two ReservationCaptured/Released/Expired events), or whose holds are not all released/captured once
 *          resolved; an activation or grant without a succeeded payment; a grant of another amount than paid for.
 */
import type Stripe from 'stripe';
import type { ServiceDatabases } from './databases';
import type { CustomerRecord } from './journeys';

export interface AuditFigures {
  customers: number;
  subscriptions: number;
  firstPeriodsPaid: number;
  paymentsSucceeded: number;
  periodPayments: number;
  topUpPayments: number;
  refusedAfterEnd: number;
  activations: number;
  renewals: number;
  grants: number;
  ledgerEntries: number;
  reservations: number;
  captures: number;
  releases: number;
  expiredHolds: number;
  deadLettered: number;
  clientErrors: number;
}

export interface AuditResult {
  lost: number;
  double: number;
  invariantViolations: number;
  figures: AuditFigures;
  /** One line per finding (the first ones are printed). */
  findings: string[];
}

const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

export async function audit(input: {
  databases: ServiceDatabases;
  intents: Stripe.PaymentIntent[];
  customers: CustomerRecord[];
  deadLettered: number;
}): Promise<AuditResult> {
  const { databases: db, intents, customers } = input;
  const findings: string[] = [];
  let lost = 0;
  let double = 0;
  let invariantViolations = 0;
  const loss = (what: string) => (lost += 1, findings.push(`LOST ${what}`));
  const twice = (what: string, extra = 1) => (double += extra, findings.push(`DOUBLE ${what}`));
  const violation = (what: string) => (invariantViolations += 1, findings.push(`INVARIANT ${what}`));

  // --- Stripe → payment --------------------------------------------------------------------------------------------
  const payments = await db.query<{ payment_id: string; purpose: string; reference_id: string; period_index: number | null; credits: string | null; status: string; gateway_payment_intent_id: string | null }>(
    'payment',
    'select payment_id, purpose, reference_id, period_index, credits, status, gateway_payment_intent_id from payments',
  );
  const paymentById = new Map(payments.map((payment) => [payment.payment_id, payment]));
  const referenceOf = (purpose: string, referenceId: string, period: number | string | null | undefined) =>
    purpose === 'SUBSCRIPTION_PERIOD' ? `SUBSCRIPTION_PERIOD:${referenceId}:${Number(period)}` : `TOP_UP:${referenceId}`;
  const chargesPerReference = new Map<string, number>();
  for (const intent of intents.filter((candidate) => candidate.status === 'succeeded')) {
    const metadata = intent.metadata;
    count(chargesPerReference, referenceOf(metadata.purpose!, metadata.purpose === 'SUBSCRIPTION_PERIOD' ? metadata.subscriptionId! : metadata.topUpId!, metadata.periodIndex));
    const payment = paymentById.get(metadata.paymentId!) ?? payments.find((candidate) => candidate.gateway_payment_intent_id === intent.id);
    if (payment?.status !== 'succeeded') loss(`Stripe charged ${intent.id} (payment ${metadata.paymentId}) but the payment service holds it as ${payment?.status ?? 'unknown'}`);
  }
  for (const [reference, charges] of chargesPerReference) if (charges > 1) twice(`${charges} succeeded Stripe charges for ${reference}`, charges - 1);

  const succeeded = payments.filter((payment) => payment.status === 'succeeded');
  const paymentEvents = new Map<string, number>();
  for (const row of await db.query<{ payment_id: string }>('payment', "select payload->>'paymentId' as payment_id from outbox where event_type = 'PaymentSucceeded'")) count(paymentEvents, row.payment_id);
  for (const payment of succeeded) if (!paymentEvents.get(payment.payment_id)) loss(`payment ${payment.payment_id} succeeded without a PaymentSucceeded event`);

  // --- payment → subscription ----------------------------------------------------------------------------------------
  const periodEvents = await db.query<{ event_type: string; subscription_id: string; period_index: string; credits: string }>(
    'subscription',
    `select event_type, payload->>'subscriptionId' as subscription_id, payload->>'periodIndex' as period_index,
            coalesce(payload->>'creditsPerPeriod', payload->>'credits') as credits
       from outbox where event_type in ('SubscriptionActivated', 'SubscriptionRenewed')`,
  );
  const periods = new Map<string, number>();
  const periodCredits = new Map<string, number>();
  for (const event of periodEvents) {
    const key = referenceOf('SUBSCRIPTION_PERIOD', event.subscription_id, event.period_index);
    count(periods, key);
    periodCredits.set(key, Number(event.credits));
  }
  const refused = new Set(
    (await db.query<{ payment_id: string }>('subscription', "select payment_id from held_payment_results where status = 'refused'")).map((row) => row.payment_id),
  );
  const paidPeriods = new Set<string>();
  let refusedAfterEnd = 0;
  for (const payment of succeeded.filter((candidate) => candidate.purpose === 'SUBSCRIPTION_PERIOD')) {
    const key = referenceOf(payment.purpose, payment.reference_id, payment.period_index);
    paidPeriods.add(key);
    const applied = periods.get(key) ?? 0;
    if (applied === 0 && refused.has(payment.payment_id)) refusedAfterEnd += 1;
    else if (applied === 0) loss(`payment ${payment.payment_id} for ${key} succeeded, no activation or renewal`);
  }
  for (const [key, events] of periods) {
    if (events > 1) twice(`${events} activation/renewal events for ${key}`, events - 1);
    if (!paidPeriods.has(key)) violation(`${key} activated/renewed without a succeeded payment`);
  }

  // --- subscription / payment → credit grants ------------------------------------------------------------------------
  const grants = await db.query<{ grant_id: string; source_type: string; source_id: string; source_period: number | null; amount: string; remaining: string; held: string; consumed: string; expired_amount: string; revoked_amount: string }>(
    'credit',
    'select grant_id, source_type, source_id, source_period, amount, remaining, held, consumed, expired_amount, revoked_amount from credit_grants',
  );
  const grantsBySource = new Map<string, typeof grants>();
  for (const grant of grants) {
    const key = referenceOf(grant.source_type === 'TOP_UP' ? 'CREDIT_TOP_UP' : grant.source_type, grant.source_id, grant.source_period);
    grantsBySource.set(key, [...(grantsBySource.get(key) ?? []), grant]);
  }
  const expectGrant = (key: string, credits: number) => {
    const found = grantsBySource.get(key) ?? [];
    if (credits > 0 && found.length === 0) loss(`no grant for ${key}`);
    if (found.length > 1) twice(`${found.length} grants for ${key}`, found.length - 1);
    for (const grant of found) if (Number(grant.amount) !== credits) violation(`grant ${grant.grant_id} for ${key} is ${grant.amount}, ${credits} were paid for`);
  };
  for (const [key, credits] of periodCredits) expectGrant(key, credits);
  const topUps = succeeded.filter((payment) => payment.purpose === 'CREDIT_TOP_UP');
  for (const payment of topUps) expectGrant(referenceOf('CREDIT_TOP_UP', payment.reference_id, null), Number(payment.credits));
  const paidSources = new Set([...periodCredits.keys(), ...topUps.map((payment) => referenceOf('CREDIT_TOP_UP', payment.reference_id, null))]);
  for (const key of grantsBySource.keys()) if (!paidSources.has(key)) violation(`grant for ${key} without a paid source`);

  const ledger = await db.query<{ account_id: string; grant_id: string; reservation_id: string | null; type: string; amount: string; balance_delta: string; held_delta: string }>(
    'credit',
    'select account_id, grant_id, reservation_id, type, amount, balance_delta, held_delta from credit_ledger',
  );
  const grantEntries = new Map<string, number>();
  for (const entry of ledger) if (entry.type === 'grant') count(grantEntries, entry.grant_id);
  const grantedEvents = new Map<string, number>();
  for (const row of await db.query<{ grant_id: string }>('credit', "select payload->>'grantId' as grant_id from outbox where event_type = 'CreditsGranted'")) count(grantedEvents, row.grant_id);
  for (const grant of grants) {
    const entries = grantEntries.get(grant.grant_id) ?? 0;
    if (entries === 0) loss(`grant ${grant.grant_id} has no ledger entry`);
    if (entries > 1) twice(`${entries} grant ledger entries for grant ${grant.grant_id}`, entries - 1);
    const events = grantedEvents.get(grant.grant_id) ?? 0;
    if (events === 0) loss(`grant ${grant.grant_id} without a CreditsGranted event`);
    if (events > 1) twice(`${events} CreditsGranted events for grant ${grant.grant_id}`, events - 1);
  }

  // --- ledger invariants ---------------------------------------------------------------------------------------------
  const sums = (rows: typeof ledger, keyOf: (entry: (typeof ledger)[number]) => string | null) => {
    const totals = new Map<string, { balance: number; held: number }>();
    for (const entry of rows) {
      const key = keyOf(entry);
      if (key === null) continue;
      const total = totals.get(key) ?? { balance: 0, held: 0 };
      total.balance += Number(entry.balance_delta);
      total.held += Number(entry.held_delta);
      totals.set(key, total);
    }
    return totals;
  };
  const byAccount = sums(ledger, (entry) => entry.account_id);
  const accounts = await db.query<{ account_id: string; balance: string; held: string }>('credit', 'select account_id, balance, held from credit_accounts');
  for (const account of accounts) {
    const total = byAccount.get(account.account_id) ?? { balance: 0, held: 0 };
    if (Number(account.balance) !== total.balance) violation(`account ${account.account_id}: balance ${account.balance} ≠ Σ ledger ${total.balance}`);
    if (Number(account.held) !== total.held) violation(`account ${account.account_id}: held ${account.held} ≠ Σ ledger holds ${total.held}`);
    if (Number(account.balance) - Number(account.held) < 0) violation(`account ${account.account_id}: available ${Number(account.balance) - Number(account.held)} < 0`);
  }
  const byGrant = sums(ledger, (entry) => entry.grant_id);
  for (const grant of grants) {
    const [amount, remaining, held] = [Number(grant.amount), Number(grant.remaining), Number(grant.held)];
    const accounted = remaining + Number(grant.consumed) + Number(grant.expired_amount) + Number(grant.revoked_amount);
    if (accounted !== amount) violation(`grant ${grant.grant_id}: remaining + consumed + expired + revoked = ${accounted} ≠ ${amount}`);
    const total = byGrant.get(grant.grant_id) ?? { balance: 0, held: 0 };
    if (total.balance !== remaining) violation(`grant ${grant.grant_id}: remaining ${remaining} ≠ Σ ledger ${total.balance}`);
    if (total.held !== held) violation(`grant ${grant.grant_id}: held ${held} ≠ Σ ledger holds ${total.held}`);
  }

  // --- reservations: resolved once, captured as acknowledged ---------------------------------------------------------
  const reservations = await db.query<{ reservation_id: string; amount: string; status: string }>('credit', 'select reservation_id, amount, status from credit_reservations');
  const resolutions = new Map<string, number>();
  for (const row of await db.query<{ reservation_id: string }>(
    'credit',
    "select payload->>'reservationId' as reservation_id from outbox where event_type in ('ReservationCaptured', 'ReservationReleased', 'ReservationExpired')",
  )) count(resolutions, row.reservation_id);
  const entriesOf = new Map<string, typeof ledger>();
  for (const entry of ledger) if (entry.reservation_id) entriesOf.set(entry.reservation_id, [...(entriesOf.get(entry.reservation_id) ?? []), entry]);
  const capturedOf = (reservationId: string) => (entriesOf.get(reservationId) ?? []).filter((entry) => entry.type === 'capture').reduce((sum, entry) => sum + Number(entry.amount), 0);
  let expiredHolds = 0;
  for (const reservation of reservations) {
    const id = reservation.reservation_id;
    const entries = entriesOf.get(id) ?? [];
    const heldNow = entries.reduce((sum, entry) => sum + Number(entry.held_delta), 0);
    const holds = entries.filter((entry) => entry.type === 'hold').reduce((sum, entry) => sum + Number(entry.amount), 0);
    const events = resolutions.get(id) ?? 0;
    if (reservation.status === 'EXPIRED') expiredHolds += 1;
    if (holds !== Number(reservation.amount)) violation(`reservation ${id}: holds ${holds} ≠ amount ${reservation.amount}`);
    if (events > 1) violation(`reservation ${id} resolved ${events} times`);
    if (reservation.status === 'HELD') {
      if (heldNow !== Number(reservation.amount)) violation(`reservation ${id} is HELD but ${heldNow} of ${reservation.amount} are held`);
    } else {
      if (heldNow !== 0) violation(`reservation ${id} is ${reservation.status} but still holds ${heldNow}`);
      if (events === 0) loss(`reservation ${id} is ${reservation.status} without a ReservationCaptured/Released/Expired event`);
    }
    const captured = capturedOf(id);
    if (captured > Number(reservation.amount)) twice(`reservation ${id}: captured ${captured} > reserved ${reservation.amount}`);
  }
  const reservationById = new Map(reservations.map((reservation) => [reservation.reservation_id, reservation]));
  let captures = 0;
  let releases = 0;
  for (const acknowledged of customers.flatMap((customer) => customer.reservations)) {
    const stored = reservationById.get(acknowledged.reservationId);
    if (!stored) {
      loss(`acknowledged reservation ${acknowledged.reservationId} is not stored`);
      continue;
    }
    const captured = capturedOf(acknowledged.reservationId);
    if (acknowledged.captured !== undefined) {
      captures += 1;
      if (captured > acknowledged.captured) twice(`reservation ${acknowledged.reservationId}: captured ${captured}, acknowledged ${acknowledged.captured}`);
      if (captured < acknowledged.captured) loss(`reservation ${acknowledged.reservationId}: acknowledged capture of ${acknowledged.captured}, ledger has ${captured}`);
    } else if (captured > (acknowledged.captureRequested ?? 0)) {
      // Unacknowledged (refused or given up): at most what was asked may have been captured.
      twice(`reservation ${acknowledged.reservationId}: captured ${captured}, the client asked for ${acknowledged.captureRequested ?? 0} and was not acknowledged`);
    }
    if (acknowledged.released) {
      releases += 1;
      if (stored.status !== 'RELEASED') violation(`reservation ${acknowledged.reservationId}: release acknowledged, status ${stored.status}`);
    }
  }

  for (let index = 0; index < input.deadLettered; index += 1) loss('an event was dead-lettered');

  return {
    lost,
    double,
    invariantViolations,
    findings,
    figures: {
      customers: customers.filter((customer) => customer.customerId).length,
      subscriptions: customers.filter((customer) => customer.subscriptionId).length,
      firstPeriodsPaid: customers.filter((customer) => customer.paidFirstPeriod).length,
      paymentsSucceeded: succeeded.length,
      periodPayments: succeeded.length - topUps.length,
      topUpPayments: topUps.length,
      refusedAfterEnd,
      activations: periodEvents.filter((event) => event.event_type === 'SubscriptionActivated').length,
      renewals: periodEvents.filter((event) => event.event_type === 'SubscriptionRenewed').length,
      grants: grants.length,
      ledgerEntries: ledger.length,
      reservations: reservations.length,
      captures,
      releases,
      expiredHolds,
      deadLettered: input.deadLettered,
      clientErrors: customers.reduce((sum, customer) => sum + customer.errors.length, 0),
    },
  };
}
