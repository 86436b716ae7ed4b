import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type Row } from '@tanstack/react-table';

export interface DataTableProps<T> {
  /** The table's accessible name (aria-label), also what the browser tests find it by. */
  label: string;
  /** Shown above the table; screen readers hear the label. */
  caption?: string;
  data: T[];
  columns: ColumnDef<T, any>[];
  rowId: (row: T) => string;
  rowProps?: (row: T) => React.HTMLAttributes<HTMLTableRowElement>;
  /** Extra content under a row (e.g. an expanded list), in a row of its own spanning the table. */
  below?: (row: T) => React.ReactNode;
  empty?: string;
  /** No rows yet because they are on their way: the table stays empty (no placeholder row) until they arrive. */
  loading?: boolean;
  testId?: string;
}

/** A plain, accessible table: a caption, column headers with scope, TanStack Table only shapes the rows. */
export function DataTable<T>({ label, caption, data, columns, rowId, rowProps, below, empty = 'Nothing to show.', loading, testId }: DataTableProps<T>) {
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId: rowId });
  const columnCount = table.getAllLeafColumns().length;
  return (
    <div className="table-scroll">
      <table aria-label={label} data-testid={testId}>
        {caption && <caption>{caption}</caption>}
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={(header.column.columnDef.meta as ColumnMeta | undefined)?.className}>
                  {header.isPlaceholder ? null : flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.length === 0 ? (
            !loading && (
              <tr>
                <td colSpan={columnCount} className="muted">
                  {empty}
                </td>
              </tr>
            )
          ) : (
            table.getRowModel().rows.map((row) => <BodyRow key={row.id} row={row} rowProps={rowProps} below={below} columnCount={columnCount} />)
          )}
        </tbody>
      </table>
      {loading && data.length === 0 && <p className="muted">Loading…</p>}
    </div>
  );
}

export interface ColumnMeta {
  className?: string;
}

function BodyRow<T>({
  row,
  rowProps,
  below,
  columnCount,
}: {
  row: Row<T>;
  rowProps: ((row: T) => React.HTMLAttributes<HTMLTableRowElement>) | undefined;
  below: ((row: T) => React.ReactNode) | undefined;
  columnCount: number;
}) {
  const extra = below?.(row.original);
  return (
    <>
      <tr {...rowProps?.(row.original)}>
        {row.getVisibleCells().map((cell) => (
          <td key={cell.id} className={(cell.column.columnDef.meta as ColumnMeta | undefined)?.className}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        ))}
      </tr>
      {extra && (
        <tr className="row-detail">
          <td colSpan={columnCount}>{extra}</td>
        </tr>
      )}
    </>
  );
}
