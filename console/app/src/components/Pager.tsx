import { useState } from 'react';

/**
 * Cursor paging: the API only goes forward, so the cursors of the pages already seen are kept to go back. A new
 * `resetKey` (another search or filter) starts again at the first page.
 */
export function useCursorPages(resetKey = '') {
  const [state, setState] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: resetKey, cursors: [undefined] });
  const cursors = state.key === resetKey ? state.cursors : [undefined];
  return {
    cursor: cursors[cursors.length - 1],
    pageNumber: cursors.length,
    next: (nextCursor: string) => setState({ key: resetKey, cursors: [...cursors, nextCursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.length > 1 ? cursors.slice(0, -1) : cursors }),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

export function Pager({ pages, nextCursor, label }: { pages: CursorPages; nextCursor: string | null | undefined; label: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" className="secondary" onClick={pages.previous} disabled={pages.pageNumber === 1}>
        Previous
      </button>
      <span>Page {pages.pageNumber}</span>
      <button type="button" className="secondary" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor}>
        Next
      </button>
    </nav>
  );
}
