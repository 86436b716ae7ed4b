import { createColumnHelper } from '@tanstack/react-table';
import { useId, useMemo, useState } from 'react';
import { get, servicePath } from '../api/client';
import { RESERVATION_STATUSES, type Page, type Reservation, type ReservationStatus } from '../api/types';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { credits, instant, shortId } from '../format';
import { useResource } from '../useResource';

const PAGE_SIZE = 25;
const column = createColumnHelper<Reservation>();

export function ReservationsSection({ customerId, version }: { customerId: string; version: number }) {
  const headingId = useId();
  const filterId = useId();
  const [status, setStatus] = useState<ReservationStatus | ''>('');
  const pages = useCursorPages(`${customerId} ${status}`);
  const reservations = useResource(
    () =>
      get<Page<Reservation>>(
        servicePath('credit', `/accounts/${encodeURIComponent(customerId)}/reservations`, { status: status || undefined, limit: PAGE_SIZE, cursor: pages.cursor }),
      ),
    [customerId, status, pages.cursor, version],
  );

  const columns = useMemo(
    () => [
      column.accessor('reservationId', { header: 'Reservation', cell: (info) => <span className="mono" title={info.getValue()}>{shortId(info.getValue())}</span> }),
      column.accessor('amount', { header: 'Amount', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('status', { header: 'Status', cell: (info) => <span className={`badge badge-${info.getValue().toLowerCase()}`}>{info.getValue()}</span> }),
      column.accessor('reservedAt', { header: 'Reserved', cell: (info) => instant(info.getValue()) }),
      column.accessor('expiresAt', { header: 'Hold expires', cell: (info) => instant(info.getValue()) }),
      column.accessor('resolvedAt', { header: 'Resolved', cell: (info) => instant(info.getValue()) }),
      column.accessor('allocations', {
        header: 'Captured',
        cell: (info) => credits(info.getValue().reduce((sum, allocation) => sum + allocation.captured, 0)),
        meta: { className: 'num' },
      }),
    ],
    [],
  );

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Reservations</h2>
      <div className="filters">
        <label htmlFor={filterId}>Reservation status</label>
        <select id={filterId} value={status} onChange={(event) => setStatus(event.target.value as ReservationStatus | '')}>
          <option value="">All</option>
          {RESERVATION_STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <PagedTable
        what="the reservations"
        resource={reservations}
        pages={pages}
        label="Reservations"
        caption={status ? `${status} reservations, newest first` : 'Reservations, newest first'}
        columns={columns}
        rowId={(reservation) => reservation.reservationId}
        empty="No reservations."
      />
    </section>
  );
}
