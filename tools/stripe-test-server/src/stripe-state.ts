/** Everything the server knows: the objects, the idempotency keys, the request log and the scripted outcomes. */
import Stripe from 'stripe';
import type { ConfirmOutcome, RecordedStripeRequest } from './api-types';
import { clone, invalid, newId, now, type Obj } from './stripe-objects';

interface StoredResponse {
  readonly status: number;
  readonly body: string;
}

export interface IdempotencyEntry {
  readonly endpoint: string;
  readonly params: string;
  response?: StoredResponse;
}

export class StripeState {
  customers = new Map<string, Obj>();
  paymentIntents = new Map<string, Obj>();
  charges = new Map<string, Obj>();
  refunds = new Map<string, Obj>();
  disputes = new Map<string, Obj>();
  events = new Map<string, Obj>();
  idempotency = new Map<string, IdempotencyEntry>();
  requests: RecordedStripeRequest[] = [];
  confirmQueue: ConfirmOutcome[] = [];
  stickyOutcome: ConfirmOutcome | undefined;
  refundStatus: 'succeeded' | 'pending' = 'succeeded';
  /** Milliseconds each searchable object was created at, for the search lag. */
  createdAtMs = new Map<string, number>();
  searchLagMs = 0;
  /** Events recorded during the current request, delivered to webhooks after it answers. */
  fresh: Obj[] = [];
  currentRequest: { id: string; idempotencyKey: string | null } | null = null;

  emit(type: string, object: Obj, previousAttributes?: Obj): void {
    const event: Obj = {
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: clone(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: this.currentRequest?.id ?? null, idempotency_key: this.currentRequest?.idempotencyKey ?? null },
      type,
    };
    this.events.set(event.id, event);
    this.fresh.push(event);
  }

  lookup(id: string): Obj | undefined {
    if (id.startsWith('cus_')) return this.customers.get(id);
    if (id.startsWith('pi_')) return this.paymentIntents.get(id);
    if (id.startsWith('ch_')) return this.charges.get(id);
    if (id.startsWith('re_')) return this.refunds.get(id);
    if (id.startsWith('dp_')) return this.disputes.get(id);
    if (id.startsWith('evt_')) return this.events.get(id);
    return undefined;
  }

  refundList(chargeId: string): Obj {
    const data = [...this.refunds.values()].filter((refund) => refund.charge === chargeId).reverse().map(clone);
    return { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/charges/${chargeId}/refunds` };
  }

  /** A copy of `object` with `paths` (dotted) expanded. */
  expand(object: Obj, paths: readonly string[]): Obj {
    const result = clone(object);
    for (const path of paths) this.expandPath(result, path.split('.'));
    return result;
  }

  private expandPath(target: Obj, path: string[]): void {
    const [head, ...rest] = path;
    if (!head) return;
    if ((target.object === 'list' || target.object === 'search_result') && head === 'data') {
      for (const item of target.data as Obj[]) this.expandPath(item, rest);
      return;
    }
    if (head === 'refunds' && target.object === 'charge') {
      target.refunds = this.refundList(target.id);
    } else {
      const value = target[head];
      if (typeof value === 'string') {
        const found = this.lookup(value);
        if (!found) throw invalid(`This property cannot be expanded (${head}).`, 'expand');
        target[head] = clone(found);
      } else if (value === undefined) {
        throw invalid(`This property cannot be expanded (${head}).`, 'expand');
      }
    }
    if (rest.length && target[head] && typeof target[head] === 'object') this.expandPath(target[head], rest);
  }
}
