/**
 * Data for the console's browser tests and screenshots, made through the services' public interfaces: customers, a
 * plan, a paid top-up (a payment whose credits a refund claws back), a paid subscription, a dead-lettered top-up grant,
 * and an account with 10,000 ledger entries.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { eventually } from '@billing/testkit';
import { deliverWebhook, restClient, stripeClient } from './clients';
import type { Platform } from './platform';

export interface SeededCustomer {
  id: string;
  name: string;
  email: string;
}

export interface PaidTopUp {
  paymentId: string;
  intentId: string;
  credits: number;
  amount: number;
}

export function consoleSeeder(platform: Platform) {
  const customerApi = restClient(platform, 'customer');
  const creditApi = restClient(platform, 'credit');
  const subscriptionApi = restClient(platform, 'subscription');
  const paymentApi = restClient(platform, 'payment');
  const stripe = stripeClient(platform);
  const suffix = platform.runId.slice(-8);

  const must = <T extends { status: number; body: any }>(answer: T, status: number, what: string): T => {
    if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };

  const balanceOf = async (customerId: string): Promise<{ balance: number; available: number; held: number }> =>
    must(await creditApi('GET', `/v1/accounts/${customerId}/balance`), 200, 'balance').body;

  async function customer(name: string, email: string): Promise<SeededCustomer> {
    const answer = await customerApi('POST', '/v1/customers', { externalAccountId: `acct-${randomUUID().slice(0, 8)}`, email, name, defaultCurrency: 'EUR' });
    must(answer, 201, `register ${email}`);
    const id: string = answer.body.customer.id;
    // The credit account opens on CustomerRegistered over Kafka.
    await eventually(() => creditApi('GET', `/v1/accounts/${id}/balance`), (balance) => balance.status === 200, 30_000, 100);
    return { id, name, email };
  }

  async function plan(code: string, name: string, amount: number, creditsPerPeriod: number, interval: 'month' | 'year' = 'month'): Promise<string> {
    const fullCode = `${code}-${suffix}`;
    must(await subscriptionApi('POST', '/v1/plans', { code: fullCode, name, price: { amount, currency: 'EUR' }, interval, creditsPerPeriod }), 201, `plan ${code}`);
    return fullCode;
  }

  async function topUpPack(credits: number, amount: number): Promise<string> {
    const code = `pack-${credits}-${suffix}`;
    must(await paymentApi('POST', '/v1/top-up-packs', { code, credits, prices: [{ amount, currency: 'EUR' }] }), 201, `pack ${code}`);
    return code;
  }

  /** The customer buys a pack and pays in the browser; Stripe's signed webhook reaches the payment service. */
  async function paidTopUp(customerId: string, packCode: string, options: { awaitCredits?: boolean } = {}): Promise<PaidTopUp> {
    const before = (await balanceOf(customerId)).balance;
    const topUp = must(
      await eventually(() => paymentApi('POST', '/v1/top-ups', { customerId, packCode, currency: 'EUR' }), (answer) => answer.status !== 409, 30_000, 100),
      201,
      'top-up',
    );
    const intentId: string = topUp.body.gatewayPaymentIntentId;
    await stripe.paymentIntents.confirm(intentId, { payment_method: 'pm_card_visa' });
    must(await deliverWebhook(platform, 'payment_intent.succeeded', intentId), 200, 'payment_intent.succeeded');
    const { credits, amount } = topUp.body.quote as { credits: number; amount: number };
    if (options.awaitCredits ?? true) await eventually(() => balanceOf(customerId), (balance) => balance.balance === before + credits, 30_000, 100);
    return { paymentId: topUp.body.paymentId ?? topUp.body.id, intentId, credits, amount };
  }

  /** Subscribes once the subscription service knows the customer, pays period 1, and waits for its credits. */
  async function paidSubscription(customerId: string, planCode: string): Promise<string> {
    const before = (await balanceOf(customerId)).balance;
    const created = must(
      await eventually(() => subscriptionApi('POST', '/v1/subscriptions', { customerId, planCode }), (answer) => answer.status !== 404, 30_000, 100),
      201,
      'subscribe',
    );
    const subscriptionId: string = created.body.id;
    const intent = await eventually(
      async () => platform.stripe.paymentIntents().find((candidate) => candidate.metadata.subscriptionId === subscriptionId),
      (found) => found !== undefined,
      30_000,
      100,
    );
    await stripe.paymentIntents.confirm(intent!.id, { payment_method: 'pm_card_visa' });
    must(await deliverWebhook(platform, 'payment_intent.succeeded', intent!.id), 200, 'subscription payment webhook');
    await eventually(() => balanceOf(customerId), (balance) => balance.balance > before, 30_000, 100);
    return subscriptionId;
  }

  async function grant(customerId: string, amount: number, reason?: string): Promise<void> {
    must(
      await creditApi('POST', `/v1/accounts/${customerId}/grants`, { amount, source: { type: 'MANUAL', id: randomUUID() }, ...(reason ? { reason } : {}) }, { 'billing-actor': 'console:seed' }),
      201,
      'grant',
    );
  }

  /** Reserve-and-capture usage, as a product service spends credits (two ledger entries each). */
  async function spend(customerId: string, amount: number): Promise<void> {
    const reserved = must(await creditApi('POST', `/v1/accounts/${customerId}/reservations`, { amount, ttlSeconds: 600 }), 201, 'reserve');
    must(await creditApi('POST', `/v1/reservations/${reserved.body.reservationId}/capture`, { amount }), 200, 'capture');
  }

  const creditDatabase = () => new pg.Client({ connectionString: `${platform.infra.databaseUrl.replace(/\/$/, '')}/${platform.services.credit.database}` });

  /**
   * An account with `entries` ledger entries: one grant over REST, then usage (hold + capture pairs, the shape a product
   * service's calls leave) written in bulk SQL into the credit database, spread over the last 30 days, with the account's
   * and grant's totals moved to match. Test data only: over REST this machine makes ~12 grants/s (1,000 took 85 s at
   * concurrency 4, 213 s at 16: each grant loads the account's live grants), so 10,000 would not fit the spec's budget.
   */
  async function longLedger(customerId: string, entries: number): Promise<void> {
    const pairs = Math.floor((entries - 1) / 2);
    const spent = pairs * 3;
    must(await creditApi('POST', `/v1/accounts/${customerId}/grants`, { amount: spent + 5_000, source: { type: 'MANUAL', id: randomUUID() }, reason: 'annual contract' }), 201, 'grant');
    if (entries % 2 === 0) await grant(customerId, 100);
    const client = creditDatabase();
    await client.connect();
    try {
      await client.query('begin');
      const account = await client.query<{ account_id: string; ledger_sequence: string }>(
        'select account_id, ledger_sequence from credit_accounts where customer_id = $1 for update',
        [customerId],
      );
      const { account_id: accountId, ledger_sequence: sequence } = account.rows[0]!;
      const grantRow = await client.query<{ grant_id: string }>(
        'select grant_id from credit_grants where account_id = $1 and remaining >= $2 order by amount desc limit 1',
        [accountId, spent],
      );
      const grantId = grantRow.rows[0]!.grant_id;
      // Pair i: a hold and its capture of 1–5 credits, (30 days × i / pairs) after a month ago, in sequence order.
      await client.query(
        `insert into credit_ledger (entry_id, account_id, sequence, type, grant_id, reservation_id, amount, balance_delta, held_delta, occurred_at, actor)
         select gen_random_uuid(), $1, $2::bigint + 2 * i - 1 + step, case step when 0 then 'hold' else 'capture' end, $3, reservation, amount,
                case step when 0 then 0 else -amount end, case step when 0 then amount else -amount end,
                now() - interval '30 days' + (interval '30 days' * i / ($4::int + 1)) + step * interval '1 second', 'service:ai-gateway'
         from (select i, gen_random_uuid() as reservation, 3 as amount from generate_series(1, $4::int) as i) as pairs
         cross join (values (0), (1)) as steps(step)`,
        [accountId, sequence, grantId, pairs],
      );
      await client.query('update credit_accounts set ledger_sequence = ledger_sequence + $2, balance = balance - $3 where account_id = $1', [accountId, pairs * 2, spent]);
      await client.query('update credit_grants set remaining = remaining - $2, consumed = consumed + $2 where grant_id = $1', [grantId, spent]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      await client.end();
    }
  }

  /**
   * Makes the credit service fail every top-up grant for this customer (a trigger on its grants table, standing in for
   * a bug), so the PaymentSucceeded event ends in the grants consumer's dead-letter topic. The returned function
   * removes it: the "fix" after which a replay applies the event.
   */
  async function breakTopUpGrants(customerId: string): Promise<() => Promise<void>> {
    const client = creditDatabase();
    await client.connect();
    try {
      const { rows } = await client.query<{ account_id: string }>('select account_id from credit_accounts where customer_id = $1', [customerId]);
      const accountId = rows[0]?.account_id;
      if (!accountId) throw new Error(`no credit account for ${customerId}`);
      await client.query(`
        create or replace function console_e2e_broken_top_up() returns trigger language plpgsql as $$
        begin
          raise exception 'top-up grants are broken (console E2E fault)';
        end $$;`);
      await client.query(
        `create trigger console_e2e_broken_top_up before insert on credit_grants for each row
         when (new.source_type = 'TOP_UP' and new.account_id = '${accountId}') execute function console_e2e_broken_top_up()`,
      );
    } finally {
      await client.end();
    }
    return async () => {
      const fix = creditDatabase();
      await fix.connect();
      try {
        await fix.query('drop trigger if exists console_e2e_broken_top_up on credit_grants');
      } finally {
        await fix.end();
      }
    };
  }

  /** The credit grants consumer's dead-letter topic for the payment topic in this run, once it holds `messages`. */
  async function deadLetterTopic(messages = 1): Promise<string> {
    const kafka = new Kafka({ brokers: platform.infra.kafkaBrokers, clientId: 'console-e2e', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await eventually(
        async () => {
          const topics = (await admin.listTopics()).filter((topic) => topic.startsWith('billing.payment.v1.dlq.') && topic.includes(platform.runId));
          for (const topic of topics) {
            const held = (await admin.fetchTopicOffsets(topic)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
            if (held >= messages) return topic;
          }
          return undefined;
        },
        (topic) => topic !== undefined,
        30_000,
        200,
      ) as string;
    } finally {
      await admin.disconnect();
    }
  }

  return { customer, plan, topUpPack, paidTopUp, paidSubscription, grant, spend, longLedger, breakTopUpGrants, deadLetterTopic, balanceOf, paymentApi, creditApi };
}
