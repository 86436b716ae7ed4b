import { createColumnHelper } from '@tanstack/react-table';
import { useCallback, useId, useMemo, type MouseEvent } from 'react';
import { get, servicePath } from '../api/client';
import type { LedgerEntry, Page } from '../api/types';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { credits, instant, shortId, signed } from '../format';
import { useConsole } from '../session';
import { useResource } from '../useResource';
import { grantAnchor } from './GrantsSection';

/** The server pages the ledger (newest first): an account with 10,000 entries still renders 50 rows. */
const PAGE_SIZE = 50;
const column = createColumnHelper<LedgerEntry>();

export function LedgerSection({ customerId, version }: { customerId: string; version: number }) {
  const { announce } = useConsole();
  const headingId = useId();
  // The grants table shows 100 grants a page: an older grant may be on another one.
  const showGrant = useCallback(
    (event: MouseEvent, grantId: string) => {
      if (document.getElementById(grantAnchor(grantId))) return;
      event.preventDefault();
      announce(`Grant ${shortId(grantId)} is on another page of the grants table.`);
    },
    [announce],
  );
  const pages = useCursorPages(customerId);
  const ledger = useResource(
    () =>
      get<Page<LedgerEntry>>(
        servicePath('credit', `/accounts/${encodeURIComponent(customerId)}/ledger`, { order: 'desc', limit: PAGE_SIZE, cursor: pages.cursor }),
      ),
    [customerId, pages.cursor, version],
  );

  const columns = useMemo(
    () => [
      column.accessor('sequence', { header: '#', meta: { className: 'num' } }),
      column.accessor('occurredAt', { header: 'Time', cell: (info) => instant(info.getValue()) }),
      column.accessor('type', { header: 'Type' }),
      column.accessor('amount', { header: 'Amount', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('balanceDelta', { header: 'Balance change', cell: (info) => signed(info.getValue()), meta: { className: 'num' } }),
      column.accessor('heldDelta', { header: 'Held change', cell: (info) => signed(info.getValue()), meta: { className: 'num' } }),
      column.accessor('grantId', {
        header: 'Grant',
        cell: (info) => (
          <a href={`#${grantAnchor(info.getValue())}`} className="mono" title={`grant ${info.getValue()}`} onClick={(event) => showGrant(event, info.getValue())}>
            {info.row.original.balanceDelta < 0 ? 'paid by ' : ''}
            {shortId(info.getValue())}
          </a>
        ),
      }),
      column.accessor('reservationId', {
        header: 'Reservation',
        cell: (info) => {
          const id = info.getValue();
          return id ? <span className="mono" title={id}>{shortId(id)}</span> : '—';
        },
      }),
      column.accessor('reason', { header: 'Reason', cell: (info) => info.getValue() ?? '—' }),
      column.accessor('actor', { header: 'By', cell: (info) => info.getValue() ?? '—' }),
    ],
    [showGrant],
  );

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Ledger</h2>
      <PagedTable
        what="the ledger"
        resource={ledger}
        pages={pages}
        label="Ledger"
        caption={`Ledger entries, newest first, ${PAGE_SIZE} a page`}
        testId="ledger-table"
        columns={columns}
        rowId={(entry) => entry.entryId}
        empty="No ledger entries."
      />
    </section>
  );
}
