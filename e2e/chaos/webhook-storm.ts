/**
 * Stripe's delivery, made worse: every event the Stripe test server records is POSTed to the payment service's webhook
 * endpoint 3 times, the copies of all pending events shuffled together (so a payment_intent.created can arrive after
 * its payment_intent.succeeded, and a copy of an old event after newer ones). A copy that is not answered 2xx (the
 * payment service is down, or answers 5xx) is tried again after a pause, as Stripe retries a failed delivery. Each
 * attempt goes to the next payment instance, and no answer or a 5xx is retried on the next one at once for up to the
 * operations' retry budget, as a load balancer in front of the instances would.
 */
import type { Platform } from '../support/platform';
import type { OperationLog } from './persist';
import type { Random } from './random';

interface Copy {
  eventId: string;
  type: string;
  copy: number;
  attempts: number;
}

export interface WebhookStats {
  events: number;
  /** Copies answered 2xx (3 per event once drained). */
  delivered: number;
  /** Attempts that were not answered 2xx and were tried again. */
  retried: number;
  /** Outcome counts from the payment service's answers (applied, duplicate, unchanged, ignored). */
  outcomes: Record<string, number>;
}

export class WebhookStorm {
  static readonly COPIES = 3;
  private readonly seen = new Set<string>();
  private pool: Copy[] = [];
  private inFlight = 0;
  private stopped = false;
  private loop?: Promise<void>;
  private lastNewEventAt = Date.now();
  readonly stats: WebhookStats = { events: 0, delivered: 0, retried: 0, outcomes: {} };

  constructor(
    private readonly platform: Platform,
    private readonly random: Random,
    private readonly options: { concurrency: number; scanEveryMs: number },
    private readonly operations: OperationLog,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Nothing waiting, nothing in flight, no new Stripe event for `quietMs`. */
  drained(quietMs = 1_000): boolean {
    this.scan();
    return this.pool.length === 0 && this.inFlight === 0 && Date.now() - this.lastNewEventAt >= quietMs;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private scan(): void {
    const fresh: Copy[] = [];
    for (const event of this.platform.stripe.events()) {
      if (this.seen.has(event.id)) continue;
      this.seen.add(event.id);
      this.stats.events += 1;
      for (let copy = 1; copy <= WebhookStorm.COPIES; copy += 1) fresh.push({ eventId: event.id, type: event.type, copy, attempts: 0 });
    }
    if (fresh.length) {
      this.lastNewEventAt = Date.now();
      this.pool = this.random.shuffle([...this.pool, ...fresh]);
    }
  }

  private async run(): Promise<void> {
    let lastScan = 0;
    const running = new Set<Promise<void>>();
    while (!this.stopped || this.pool.length || running.size) {
      if (Date.now() - lastScan >= this.options.scanEveryMs) {
        this.scan();
        lastScan = Date.now();
      }
      while (this.pool.length && running.size < this.options.concurrency && !this.stopped) {
        const copy = this.pool.shift()!;
        const delivery = this.deliver(copy).finally(() => running.delete(delivery));
        running.add(delivery);
      }
      if (this.stopped && !running.size) break;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), ...running]);
    }
  }

  private async deliver(copy: Copy): Promise<void> {
    this.inFlight += 1;
    try {
      copy.attempts += 1;
      const payload = this.platform.stripe.webhookPayload(copy.eventId);
      const signature = this.platform.stripe.signWebhook(payload, this.platform.webhookSecret);
      const streak = this.operations.streak(`webhook ${copy.type}`);
      let answer: { status: number; body: { outcome?: string } };
      // The load balancer in front of the payment instances: no answer or a 5xx is tried again on the next instance
      // for up to the retry budget, before the delivery counts as failed.
      for (;;) {
        answer = await fetch(`${this.platform.nextHttpUrl('payment')}/v1/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': signature },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        }).then(
          async (response) => ({ status: response.status, body: (await response.json().catch(() => ({}))) as { outcome?: string } }),
          () => ({ status: 0, body: {} as { outcome?: string } }),
        );
        if (answer.status !== 0 && answer.status < 500) break;
        if (streak.fail()) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      if (answer.status >= 200 && answer.status < 300) {
        this.stats.delivered += 1;
        const outcome = answer.body.outcome ?? 'ok';
        this.stats.outcomes[outcome] = (this.stats.outcomes[outcome] ?? 0) + 1;
        return;
      }
      streak.giveUp();
      // Not acknowledged: Stripe tries again later (with backoff; here a short one, at a random place in the queue).
      this.stats.retried += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 200 * copy.attempts)));
      const at = Math.floor(this.random.next() * (this.pool.length + 1));
      this.pool.splice(at, 0, copy);
    } finally {
      this.inFlight -= 1;
    }
  }
}
