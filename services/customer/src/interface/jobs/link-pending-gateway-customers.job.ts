import { randomUUID } from 'node:crypto';
import { newTraceparent } from '@billing/platform';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LinkPendingGatewayCustomersResult } from '../../application/commands/link-pending-gateway-customers/link-pending-gateway-customers.handler';
import type { Clock } from '../../application/ports/clock.port';
import type { CustomerUseCases } from '../customer-use-cases';

export interface LinkJobOptions {
  /** Pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  readonly batchSize?: number;
  /**
   * Customers younger than this are left to their registration, which may still be calling the gateway; it should
   * exceed the longest a registration waits for Stripe (timeout × (retries + 1)).
   */
  readonly graceMs: number;
  readonly clock: Clock;
  readonly metrics?: Registry;
}

/**
 * Drives LinkPendingGatewayCustomers on an interval: customers registered while Stripe was unreachable get linked as
 * soon as it answers. Runs never overlap; several service instances may run it at once (the same idempotency key and
 * the metadata search keep them on one Stripe customer, and a repeated link is a no-op). stop() waits for the run in
 * flight, so a shutdown never abandons a Stripe call whose link would then wait for the next start.
 */
export class LinkPendingGatewayCustomersJob {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;
  private stopped = true;
  private gatewayWasDown = false;
  private readonly runs?: Counter<'outcome'>;
  private readonly pending?: Gauge;

  constructor(
    private readonly useCases: Pick<CustomerUseCases, 'withGateway'>,
    private readonly logger: Logger,
    private readonly options: LinkJobOptions,
  ) {
    if (options.metrics) {
      this.runs = new Counter({ name: 'customer_gateway_link_job_runs_total', help: 'Runs of the gateway link job by outcome', labelNames: ['outcome'], registers: [options.metrics] });
      this.pending = new Gauge({ name: 'customer_gateway_links_pending', help: 'Active customers the last run left unlinked', registers: [options.metrics] });
    }
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  /** One run now (tests call it directly); errors are logged and counted, never thrown. */
  async runOnce(): Promise<LinkPendingGatewayCustomersResult | undefined> {
    try {
      const registeredBefore = new Date(this.options.clock.now().getTime() - this.options.graceMs);
      // No request caused a run: each gets a correlation id of its own, which the links' events carry.
      const context = { correlationId: randomUUID(), traceparent: newTraceparent() };
      const result = await this.useCases
        .withGateway(context)
        .linkPending.execute({ registeredBefore, ...(this.options.batchSize === undefined ? {} : { batchSize: this.options.batchSize }) });
      this.report(result);
      return result;
    } catch (error) {
      this.runs?.inc({ outcome: 'error' });
      this.logger.error({ err: error }, 'gateway link job run failed');
      return undefined;
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const run = this.runOnce().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
      this.inFlight = run;
    }, this.options.intervalMs);
  }

  private report(result: LinkPendingGatewayCustomersResult): void {
    const left = result.pending + result.failures.length;
    this.pending?.set(left);
    this.runs?.inc({ outcome: result.pending > 0 ? 'gateway_unavailable' : result.failures.length > 0 ? 'failures' : 'ok' });
    if (result.linked > 0) this.logger.info({ linked: result.linked, left }, 'linked pending customers to the payment gateway');
    for (const failure of result.failures) this.logger.error({ customerId: failure.customerId, err: failure.error }, 'gateway link refused; retried next run');
    // One line when the gateway goes away and one when it is back, not one every interval.
    if (result.pending > 0 && !this.gatewayWasDown) this.logger.warn({ pending: result.pending }, 'payment gateway unavailable; links wait');
    if (result.pending === 0 && this.gatewayWasDown) this.logger.info('payment gateway reachable again');
    this.gatewayWasDown = result.pending > 0;
  }
}
