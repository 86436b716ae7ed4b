import { createColumnHelper } from '@tanstack/react-table';
import { useMemo, type FormEvent } from 'react';
import { get, servicePath } from '../api/client';
import type { Customer, Page } from '../api/types';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { day } from '../format';
import { Link, navigate } from '../router';
import { usePageTitle } from '../usePageTitle';
import { useResource } from '../useResource';

const PAGE_SIZE = 25;
const column = createColumnHelper<Customer>();

export function CustomersPage({ query }: { query: string }) {
  usePageTitle('Customers');
  const pages = useCursorPages(query);

  const customers = useResource(
    () => get<Page<Customer>>(servicePath('customer', '/customers', { query: query || undefined, limit: PAGE_SIZE, cursor: pages.cursor })),
    [query, pages.cursor],
  );

  const columns = useMemo(
    () => [
      column.accessor('email', {
        header: 'Email',
        cell: (info) => <Link href={`/customers/${encodeURIComponent(info.row.original.id)}`}>{info.getValue()}</Link>,
      }),
      column.accessor('name', { header: 'Name', cell: (info) => info.getValue() ?? '—' }),
      column.accessor('externalAccountId', { header: 'External id' }),
      column.accessor('status', { header: 'Status' }),
      column.accessor('defaultCurrency', { header: 'Currency' }),
      column.accessor('createdAt', { header: 'Registered', cell: (info) => day(info.getValue()) }),
    ],
    [],
  );

  const search = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('query') ?? '').trim();
    navigate(text ? `/customers?query=${encodeURIComponent(text)}` : '/customers');
  };

  return (
    <>
      <h1>Customers</h1>
      <form role="search" className="search" onSubmit={search}>
        <div className="field">
          <label htmlFor="customer-query">Search by email, name or external id</label>
          <input id="customer-query" name="query" type="search" defaultValue={query} key={query} />
        </div>
        <button type="submit">Search</button>
      </form>
      <div aria-busy={customers.loading}>
        <PagedTable
          what="the customers"
          resource={customers}
          pages={pages}
          label="Customers"
          caption={query ? `Customers matching “${query}”` : 'All customers'}
          columns={columns}
          rowId={(customer) => customer.id}
          empty={query ? 'No customer matches.' : 'No customers yet.'}
        />
      </div>
    </>
  );
}
