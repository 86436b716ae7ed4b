import type { Page } from '../api/types';
import type { Resource } from '../useResource';
import { DataTable, type DataTableProps } from './DataTable';
import { LoadError } from './LoadError';
import { type CursorPages, Pager } from './Pager';

type PagedTableProps<T> = Omit<DataTableProps<T>, 'data' | 'loading'> & {
  /** What the list holds, for its load error ("the grants"). */
  what: string;
  resource: Resource<Page<T>>;
  pages: CursorPages;
};

/** A server-paged list as every page shows one: its load error with a retry, else the table and its pager. */
export function PagedTable<T>({ what, resource, pages, ...table }: PagedTableProps<T>) {
  if (resource.error) return <LoadError what={what} error={resource.error} retry={resource.reload} />;
  return (
    <>
      <DataTable {...table} data={resource.data?.data ?? []} loading={resource.loading} />
      <Pager pages={pages} nextCursor={resource.data?.nextCursor} label={table.label} />
    </>
  );
}
