import { createColumnHelper } from '@tanstack/react-table';
import { useId, useMemo } from 'react';
import { get, post, servicePath } from '../api/client';
import type { Grant, Page } from '../api/types';
import { Action, Field } from '../components/ActionDialog';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { credits, day, instant, shortId } from '../format';
import { useConsole } from '../session';
import { useResource } from '../useResource';

const column = createColumnHelper<Grant>();

/** The anchor a ledger entry links to: the row of the grant that paid it. */
export const grantAnchor = (grantId: string) => `grant-${grantId}`;

export function sourceText(source: Grant['source']): string {
  return source.period != null ? `${source.type} ${shortId(source.id)} · period ${source.period}` : `${source.type} ${shortId(source.id)}`;
}

export function GrantsSection({ customerId, version, onChanged }: { customerId: string; version: number; onChanged: () => void }) {
  const { canWrite, announce } = useConsole();
  const headingId = useId();
  const pages = useCursorPages(customerId);
  const grants = useResource(
    () => get<Page<Grant>>(servicePath('credit', `/accounts/${encodeURIComponent(customerId)}/grants`, { limit: 100, cursor: pages.cursor })),
    [customerId, pages.cursor, version],
  );

  const columns = useMemo(
    () => [
      column.accessor('grantId', { header: 'Grant', cell: (info) => <span className="mono" title={info.getValue()}>{shortId(info.getValue())}</span> }),
      column.accessor('source', { header: 'Source', cell: (info) => <span title={info.getValue().id}>{sourceText(info.getValue())}</span> }),
      column.accessor('priority', { header: 'Priority', meta: { className: 'num' } }),
      column.accessor('amount', { header: 'Granted', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('remaining', { header: 'Remaining', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('held', { header: 'Held', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('expiresAt', { header: 'Expires', cell: (info) => (info.getValue() ? day(info.getValue()) : 'never') }),
      column.accessor('status', { header: 'Status', cell: (info) => <span className={`badge badge-${info.getValue().toLowerCase()}`}>{info.getValue()}</span> }),
      column.accessor('reason', { header: 'Reason', cell: (info) => info.getValue() ?? '—' }),
      column.accessor('grantedBy', {
        header: 'Granted',
        cell: (info) => (
          <>
            {instant(info.row.original.grantedAt)}
            {info.getValue() && <span className="muted"> by {info.getValue()}</span>}
          </>
        ),
      }),
      ...(canWrite
        ? [
            column.display({
              id: 'actions',
              header: 'Actions',
              cell: (info) => {
                const grant = info.row.original;
                if (grant.status !== 'ACTIVE' || grant.remaining === 0) return null;
                return (
                  <Action
                    label="Revoke"
                    title={`Revoke grant ${shortId(grant.grantId)}`}
                    buttonClass="danger small"
                    announce={announce}
                    onDone={onChanged}
                    submit={async (form, opening) => {
                      const answer = await post<{ revoked: number }>(
                        servicePath('credit', `/grants/${encodeURIComponent(grant.grantId)}/revoke`),
                        { reason: String(form.get('reason') ?? '').trim() },
                        opening.idempotencyKey,
                      );
                      return `Revoked ${credits(answer.revoked)} credits of grant ${shortId(grant.grantId)}.`;
                    }}
                  >
                    <p>
                      Takes back what is left of this grant: {credits(grant.remaining)} credits
                      {grant.held > 0 ? `, of which ${credits(grant.held)} are held by reservations` : ''}.
                    </p>
                    <Field name="reason" label="Reason" kind="textarea" required minLength={1} maxLength={500} rows={3} />
                  </Action>
                );
              },
            }),
          ]
        : []),
    ],
    [canWrite, announce, onChanged],
  );

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Grants</h2>
      <PagedTable
        what="the grants"
        resource={grants}
        pages={pages}
        label="Grants"
        caption="Every grant, newest first"
        columns={columns}
        rowId={(grant) => grant.grantId}
        rowProps={(grant) => ({ id: grantAnchor(grant.grantId), tabIndex: -1 })}
        empty="No grants."
      />
    </section>
  );
}
