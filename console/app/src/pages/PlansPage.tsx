import { createColumnHelper } from '@tanstack/react-table';
import { useMemo } from 'react';
import { get, post, servicePath } from '../api/client';
import type { Page, Plan } from '../api/types';
import { Action, Field } from '../components/ActionDialog';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { credits, money } from '../format';
import { useConsole } from '../session';
import { usePageTitle } from '../usePageTitle';
import { useResource } from '../useResource';

const column = createColumnHelper<Plan>();

const INTERVALS = [
  { value: 'month', label: 'Month' },
  { value: 'year', label: 'Year' },
  { value: 'day', label: 'Day' },
];

/**
 * The plan's terms from a form, as POST /v1/plans and POST /v1/plans/:code/versions take them; the input names are
 * the API's field paths, so a service error lands next to its input. `partial`: a new version sends only what was
 * filled in (the rest stays as in the latest version).
 */
function planTerms(form: FormData, partial: boolean): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const terms: Record<string, unknown> = {};
  if (text('name')) terms.name = text('name');
  if (text('price.amount') || text('price.currency')) terms.price = { amount: Number(text('price.amount')), currency: text('price.currency').toUpperCase() };
  if (text('interval')) terms.interval = text('interval');
  if (text('creditsPerPeriod')) terms.creditsPerPeriod = Number(text('creditsPerPeriod'));
  if (text('creditRollover')) terms.creditRollover = text('creditRollover') === 'true';
  else if (!partial) terms.creditRollover = false;
  if (text('trialDays')) terms.trialDays = Number(text('trialDays'));
  if (text('lowBalanceThreshold')) terms.lowBalanceThreshold = Number(text('lowBalanceThreshold'));
  return terms;
}

function PlanTermsFields({ partial, current }: { partial: boolean; current?: Plan }) {
  const keep = partial ? ' Leave empty to keep it.' : '';
  return (
    <>
      <Field name="name" label="Name" required={!partial} maxLength={200} placeholder={current?.name} hint={partial ? 'Leave empty to keep it.' : undefined} />
      <div className="field-row">
        <Field
          name="price.amount"
          label="Price (minor units)"
          type="number"
          min={1}
          step={1}
          required={!partial}
          inputMode="numeric"
          placeholder={current ? String(current.price.amount) : undefined}
          hint={`e.g. 2900 for 29.00.${partial ? ' Give amount and currency together, or neither.' : ''}`}
        />
        <Field name="price.currency" label="Currency" required={!partial} pattern="[A-Za-z]{3}" maxLength={3} placeholder={current?.price.currency ?? 'EUR'} />
      </div>
      <Field
        name="interval"
        label="Billing interval"
        kind="select"
        options={partial ? [{ value: '', label: `Keep (${current?.interval ?? ''})` }, ...INTERVALS] : INTERVALS}
      />
      <Field
        name="creditsPerPeriod"
        label="Credits per period"
        type="number"
        min={0}
        step={1}
        required={!partial}
        inputMode="numeric"
        placeholder={current ? String(current.creditsPerPeriod) : undefined}
      />
      <Field
        name="creditRollover"
        label="Unused credits"
        kind="select"
        options={[
          ...(partial ? [{ value: '', label: `Keep (${current?.creditRollover ? 'roll over' : 'expire'})` }] : []),
          { value: 'false', label: 'Expire at the end of the period' },
          { value: 'true', label: 'Roll over to the next period' },
        ]}
      />
      <Field name="trialDays" label="Trial days" type="number" min={0} max={365} step={1} inputMode="numeric" hint={`0 to 365.${keep}`} />
      <Field
        name="lowBalanceThreshold"
        label="Low-balance threshold (credits)"
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        hint={`Given to subscriber accounts that have none.${keep}`}
      />
    </>
  );
}

export function PlansPage() {
  usePageTitle('Plans');
  const { canWrite, announce } = useConsole();
  const pages = useCursorPages();
  const plans = useResource(() => get<Page<Plan>>(servicePath('subscription', '/plans', { limit: 50, cursor: pages.cursor })), [pages.cursor]);
  const reload = plans.reload;

  const columns = useMemo(
    () => [
      column.accessor('code', { header: 'Code', cell: (info) => <span className="mono">{info.getValue()}</span> }),
      column.accessor('name', { header: 'Name' }),
      column.accessor('version', { header: 'Version', meta: { className: 'num' } }),
      column.accessor('price', { header: 'Price', cell: (info) => money(info.getValue().amount, info.getValue().currency), meta: { className: 'num' } }),
      column.accessor('interval', { header: 'Interval' }),
      column.accessor('creditsPerPeriod', { header: 'Credits per period', cell: (info) => credits(info.getValue()), meta: { className: 'num' } }),
      column.accessor('creditRollover', { header: 'Unused credits', cell: (info) => (info.getValue() ? 'roll over' : 'expire') }),
      column.accessor('trialDays', { header: 'Trial days', meta: { className: 'num' } }),
      column.accessor('lowBalanceThreshold', { header: 'Low-balance threshold', cell: (info) => info.getValue() ?? '—', meta: { className: 'num' } }),
      column.accessor('active', { header: 'On sale', cell: (info) => (info.getValue() ? 'yes' : 'no') }),
      ...(canWrite
        ? [
            column.display({
              id: 'actions',
              header: 'Actions',
              cell: (info) => {
                const plan = info.row.original;
                return (
                  <Action
                    label="New version"
                    title={`New version of ${plan.code}`}
                    buttonClass="secondary small"
                    announce={announce}
                    onDone={reload}
                    submit={async (form, opening) => {
                      const created = await post<Plan>(
                        servicePath('subscription', `/plans/${encodeURIComponent(plan.code)}/versions`),
                        planTerms(form, true),
                        opening.idempotencyKey,
                      );
                      return `Plan ${created.code} version ${created.version} created; subscribers stay on theirs.`;
                    }}
                  >
                    <p>
                      Version {plan.version + 1} of {plan.code}. New subscriptions get it; existing ones keep their version.
                    </p>
                    <PlanTermsFields partial current={plan} />
                  </Action>
                );
              },
            }),
          ]
        : []),
    ],
    [canWrite, announce, reload],
  );

  return (
    <>
      <div className="section-head">
        <h1>Plans</h1>
        {canWrite && (
          <Action
            label="Create plan"
            announce={announce}
            onDone={reload}
            submit={async (form, opening) => {
              const code = String(form.get('code') ?? '').trim();
              const created = await post<Plan>(servicePath('subscription', '/plans'), { code, ...planTerms(form, false) }, opening.idempotencyKey);
              return `Plan ${created.code} created.`;
            }}
          >
            <Field name="code" label="Code" required pattern="[a-z0-9][a-z0-9_\-]{0,63}" maxLength={64} hint="Lower case letters, digits, - and _." />
            <PlanTermsFields partial={false} />
          </Action>
        )}
      </div>
      <PagedTable
        what="the plans"
        resource={plans}
        pages={pages}
        label="Plans"
        caption="The catalogue: the latest version of each plan"
        columns={columns}
        rowId={(plan) => plan.code}
        empty="No plans yet."
      />
    </>
  );
}
