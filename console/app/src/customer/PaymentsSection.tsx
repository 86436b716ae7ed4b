import { createColumnHelper } from '@tanstack/react-table';
import { createContext, useContext, useId, useMemo, useState } from 'react';
import { get, post, servicePath } from '../api/client';
import type { Page, Payment, WebhookDelivery } from '../api/types';
import { Action, Field } from '../components/ActionDialog';
import { DataTable } from '../components/DataTable';
import { LoadError } from '../components/LoadError';
import { Pager, useCursorPages } from '../components/Pager';
import { day, instant, money, shortId } from '../format';
import { useConsole } from '../session';
import { useResource } from '../useResource';

const column = createColumnHelper<Payment>();

const REFUND_REASONS = [
  { value: '', label: 'No reason given' },
  { value: 'requested_by_customer', label: 'Requested by the customer' },
  { value: 'duplicate', label: 'Duplicate' },
  { value: 'fraudulent', label: 'Fraudulent' },
];

function purpose(payment: Payment): string {
  const reference = payment.reference;
  switch (reference.purpose) {
    case 'SUBSCRIPTION_PERIOD':
      return `Subscription ${shortId(reference.subscriptionId)}, period ${reference.periodIndex}`;
    case 'SUBSCRIPTION_UPGRADE':
      return `Upgrade of ${shortId(reference.subscriptionId)}, period ${reference.periodIndex}`;
    case 'CREDIT_TOP_UP':
      return `Top-up of ${reference.credits} credits`;
  }
}

/**
 * Which payments show their webhook deliveries. A context, not a dependency of the columns: new columns would mount
 * new cells and the toggle button would lose the keyboard focus.
 */
const ExpandedContext = createContext<{ expanded: ReadonlySet<string>; toggle: (paymentId: string) => void }>({
  expanded: new Set(),
  toggle: () => {},
});

function DeliveriesToggle({ paymentId }: { paymentId: string }) {
  const { expanded, toggle } = useContext(ExpandedContext);
  return (
    <button type="button" className="secondary small" aria-expanded={expanded.has(paymentId)} onClick={() => toggle(paymentId)}>
      Webhook deliveries
    </button>
  );
}

const refundable = (payment: Payment) => payment.status === 'succeeded' && payment.totalRefunded < payment.amount;

export function PaymentsSection({ customerId, version, onChanged }: { customerId: string; version: number; onChanged: () => void }) {
  const { canWrite, announce } = useConsole();
  const headingId = useId();
  const pages = useCursorPages(customerId);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const payments = useResource(
    () => get<Page<Payment>>(servicePath('payment', '/payments', { customerId, limit: 25, cursor: pages.cursor })),
    [customerId, pages.cursor, version],
  );

  const toggle = (paymentId: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(paymentId)) next.add(paymentId);
      return next;
    });

  const columns = useMemo(
    () => [
      column.accessor('paymentId', { header: 'Payment', cell: (info) => <span className="mono" title={info.getValue()}>{shortId(info.getValue())}</span> }),
      column.display({ id: 'purpose', header: 'For', cell: (info) => purpose(info.row.original) }),
      column.accessor('amount', { header: 'Amount', cell: (info) => money(info.getValue(), info.row.original.currency), meta: { className: 'num' } }),
      column.accessor('status', {
        header: 'Status',
        cell: (info) => (
          <>
            <span className={`badge badge-${info.getValue()}`}>{info.getValue().replaceAll('_', ' ')}</span>
            {info.row.original.failure && <span className="muted"> {info.row.original.failure.message}</span>}
          </>
        ),
      }),
      column.accessor('attempt', { header: 'Attempt', meta: { className: 'num' } }),
      column.accessor('totalRefunded', {
        header: 'Refunded',
        cell: (info) => {
          const { refunds = [], currency } = info.row.original;
          if (!info.getValue()) return '—';
          return (
            <>
              {money(info.getValue(), currency)}
              {refunds.length > 0 && (
                <ul className="plain muted">
                  {refunds.map((refund) => (
                    <li key={refund.refundId}>
                      {money(refund.amount, currency)} on {day(refund.recordedAt)}
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        },
        meta: { className: 'num' },
      }),
      column.accessor('disputes', {
        header: 'Disputes',
        cell: (info) => {
          const disputes = info.getValue();
          if (disputes.length === 0) return '—';
          return (
            <ul className="plain">
              {disputes.map((dispute) => (
                <li key={dispute.disputeId}>
                  {dispute.status.replaceAll('_', ' ')}: {money(dispute.amount, info.row.original.currency)}, opened {instant(dispute.openedAt)}
                  {dispute.closedAt ? `, closed ${instant(dispute.closedAt)}` : ''}
                </li>
              ))}
            </ul>
          );
        },
      }),
      column.display({
        id: 'actions',
        header: 'Actions',
        cell: (info) => {
          const payment = info.row.original;
          const left = payment.amount - payment.totalRefunded;
          return (
            <div className="row-actions">
              <DeliveriesToggle paymentId={payment.paymentId} />
              {canWrite && refundable(payment) && (
                <Action
                  label="Refund"
                  title={`Refund payment ${shortId(payment.paymentId)}`}
                  buttonClass="danger small"
                  announce={announce}
                  onDone={onChanged}
                  fieldOfCode={{ REFUND_EXCEEDS_PAYMENT: 'amount' }}
                  submit={async (form, opening) => {
                    const amount = String(form.get('amount') ?? '').trim();
                    const reason = String(form.get('reason') ?? '');
                    const refund = await post<{ amount: number; currency: string; status: string }>(
                      servicePath('payment', `/payments/${encodeURIComponent(payment.paymentId)}/refunds`),
                      { ...(amount ? { amount: Number(amount) } : {}), ...(reason ? { reason } : {}) },
                      opening.idempotencyKey,
                    );
                    return `Refund of ${money(refund.amount, refund.currency)} ${refund.status}. Credits bought with it are taken back once Stripe confirms.`;
                  }}
                >
                  <p>
                    Paid {money(payment.amount, payment.currency)}; still refundable {money(left, payment.currency)}.
                  </p>
                  <Field
                    name="amount"
                    label={`Amount in minor units of ${payment.currency}`}
                    type="number"
                    min={1}
                    max={left}
                    step={1}
                    inputMode="numeric"
                    hint={`Leave empty to refund all that is refundable (${left}).`}
                  />
                  <Field name="reason" label="Reason" kind="select" options={REFUND_REASONS} />
                </Action>
              )}
            </div>
          );
        },
      }),
    ],
    [canWrite, announce, onChanged],
  );

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Payments</h2>
      {payments.error ? (
        <LoadError what="the payments" error={payments.error} retry={payments.reload} />
      ) : (
        <ExpandedContext.Provider value={{ expanded, toggle }}>
          <DataTable
            label="Payments"
            caption="Payments, oldest first"
            data={payments.data?.data ?? []}
            columns={columns}
            rowId={(payment) => payment.paymentId}
            below={(payment) => (expanded.has(payment.paymentId) ? <WebhookDeliveries paymentId={payment.paymentId} version={version} /> : null)}
            loading={payments.loading}
            empty="No payments."
          />
          <Pager pages={pages} nextCursor={payments.data?.nextCursor} label="Payments" />
        </ExpandedContext.Provider>
      )}
    </section>
  );
}

function WebhookDeliveries({ paymentId, version }: { paymentId: string; version: number }) {
  const pages = useCursorPages(paymentId);
  const deliveries = useResource(
    () => get<Page<WebhookDelivery>>(servicePath('payment', `/payments/${encodeURIComponent(paymentId)}/webhook-deliveries`, { limit: 20, cursor: pages.cursor })),
    [paymentId, pages.cursor, version],
  );
  if (deliveries.error) return <LoadError what="the webhook deliveries" error={deliveries.error} retry={deliveries.reload} />;
  if (!deliveries.data) return <p className="muted">Loading the webhook deliveries…</p>;
  const label = `Webhook deliveries of payment ${shortId(paymentId)}`;
  return (
    <>
      <table aria-label={label} className="nested">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Event</th>
            <th scope="col">Type</th>
            <th scope="col">Outcome</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.data.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                No webhook deliveries for this payment.
              </td>
            </tr>
          ) : (
            // A redelivery repeats the event id: the position tells the rows apart.
            deliveries.data.data.map((delivery, index) => (
              <tr key={`${index} ${delivery.eventId}`}>
                <td>{instant(delivery.receivedAt)}</td>
                <td className="mono">{delivery.eventId}</td>
                <td>{delivery.type}</td>
                <td>
                  <span className={`badge badge-${delivery.outcome}`}>{delivery.outcome}</span>
                </td>
                <td>{delivery.detail ?? '—'}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {(pages.pageNumber > 1 || deliveries.data.nextCursor) && <Pager pages={pages} nextCursor={deliveries.data.nextCursor} label={label} />}
    </>
  );
}
