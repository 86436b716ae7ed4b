/**
 * Webhook endpoints and deliveries: every event goes to the endpoints that enabled its type, signed (Stripe-Signature)
 * at each try; with retries (option `webhookRetries`) a delivery not answered 2xx is tried again after each wait.
 */
import Stripe from 'stripe';
import type { WebhookDelivery } from './api-types';
import type { Obj } from './stripe-objects';

interface Endpoint {
  readonly url: string;
  readonly secret: string;
  readonly enabledEvents: readonly string[];
}

/** A Stripe-Signature header for `payload` signed with `secret` (a webhook endpoint's whsec_…). */
export function signWebhook(payload: string, secret: string, timestamp: number = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Waits between webhook delivery tries with `webhookRetries: true` (about a minute in all, bounded). */
const defaultRetryDelaysMs = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];

export class Webhooks {
  private readonly endpoints: Endpoint[] = [];
  private readonly deliveryLog: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Wake-ups of deliveries waiting to retry; close() calls them so it does not wait out the backoff. */
  private readonly retryWaits = new Set<() => void>();
  private readonly retryDelaysMs: readonly number[];
  private closing = false;

  constructor(retries: boolean | { readonly delaysMs: readonly number[] } | undefined) {
    this.retryDelaysMs = retries === true ? defaultRetryDelaysMs : retries ? [...retries.delaysMs] : [];
  }

  addEndpoint(url: string, secret: string, enabledEvents: readonly string[]): void {
    this.endpoints.push({ url, secret, enabledEvents });
  }

  removeEndpoints(): void {
    this.endpoints.splice(0);
  }

  deliveries(): WebhookDelivery[] {
    return this.deliveryLog.map((delivery) => ({ ...delivery }));
  }

  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** Forgets the endpoints and the delivery log (reset()). */
  clear(): void {
    this.endpoints.splice(0);
    this.deliveryLog.splice(0);
  }

  /** Deliveries waiting to retry get their last try now rather than after the backoff; then waits for all. */
  async close(): Promise<void> {
    this.closing = true;
    for (const wake of [...this.retryWaits]) wake();
    await this.flush();
  }

  deliver(event: Obj): void {
    for (const endpoint of this.endpoints) {
      if (!endpoint.enabledEvents.includes('*') && !endpoint.enabledEvents.includes(event.type)) continue;
      const delivery = this.deliverTo(endpoint, event);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** One delivery: a try, then (with webhookRetries) more tries after each wait until a 2xx, as Stripe retries. */
  private async deliverTo(endpoint: Endpoint, event: Obj): Promise<void> {
    const payload = JSON.stringify(event, null, 2);
    const retrying = this.retryDelaysMs.length > 0;
    for (let attempt = 1; ; attempt++) {
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            // Signed at each try, with its own timestamp, as Stripe does.
            'stripe-signature': signWebhook(payload, endpoint.secret),
          },
          body: payload,
          // An endpoint that hangs must not hold a retried delivery forever (Stripe gives up after tens of seconds).
          ...(retrying ? { signal: AbortSignal.timeout(30_000) } : {}),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      this.deliveryLog.push({ eventId: event.id, type: event.type, url: endpoint.url, status, error, attempt });
      if (status !== null && status >= 200 && status < 300) return;
      const wait = this.retryDelaysMs[attempt - 1];
      if (wait === undefined || this.closing) {
        if (retrying) {
          console.error(
            `stripe test server: gave up delivering ${event.type} ${event.id} to ${endpoint.url} after ${attempt} tries (${error ?? `HTTP ${status}`})`,
          );
        }
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.retryWaits.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.retryWaits.add(wake);
      });
    }
  }
}
