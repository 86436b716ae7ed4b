import { useId } from 'react';
import { get, post, servicePath } from '../api/client';
import type { Balance, BalancePoint } from '../api/types';
import { Action, Field } from '../components/ActionDialog';
import { LoadError } from '../components/LoadError';
import { credits } from '../format';
import { useConsole } from '../session';
import { useResource } from '../useResource';
import { BalanceChart } from './BalanceChart';

const account = (customerId: string, path: string) => `/accounts/${encodeURIComponent(customerId)}${path}`;

export function BalanceSection({ customerId, version, onChanged }: { customerId: string; version: number; onChanged: () => void }) {
  const { canWrite, announce } = useConsole();
  const headingId = useId();
  const balance = useResource(() => get<Balance>(servicePath('credit', account(customerId, '/balance'))), [customerId, version]);
  const history = useResource(
    () => get<{ data: BalancePoint[] }>(servicePath('credit', account(customerId, '/balance-history'), { points: 200 })),
    [customerId, version],
  );

  return (
    <section aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>Credits</h2>
        {canWrite && (
          <Action
            label="Grant credits"
            announce={announce}
            onDone={onChanged}
            submit={async (form, opening) => {
              const amount = Number(form.get('amount'));
              const expiry = String(form.get('expiresAt') ?? '');
              const reason = String(form.get('reason') ?? '').trim();
              await post(
                servicePath('credit', account(customerId, '/grants')),
                {
                  amount,
                  source: { type: 'MANUAL', id: opening.resourceId },
                  ...(expiry ? { expiresAt: endOfDayUtc(expiry) } : {}),
                  ...(reason ? { reason } : {}),
                },
                opening.idempotencyKey,
              );
              return `Granted ${credits(amount)} credits.`;
            }}
          >
            <p>A goodwill grant: the credits are added to this customer’s balance at once.</p>
            <Field name="amount" label="Amount (credits)" type="number" min={1} step={1} required inputMode="numeric" />
            <Field name="expiresAt" label="Expiry date" type="date" hint="The credits expire at the end of this day (UTC). Leave empty for none." />
            <Field name="reason" label="Reason" kind="textarea" maxLength={500} rows={3} hint="Recorded in the ledger with your name." />
          </Action>
        )}
      </div>
      {balance.error ? (
        <LoadError what="the balance" error={balance.error} retry={balance.reload} />
      ) : (
        <dl className="figures" aria-busy={balance.loading}>
          <div>
            <dt>Balance</dt>
            <dd data-testid="balance">{balance.data ? credits(balance.data.balance) : '…'}</dd>
          </div>
          <div>
            <dt>Available</dt>
            <dd data-testid="available">{balance.data ? credits(balance.data.available) : '…'}</dd>
          </div>
          <div>
            <dt>Held</dt>
            <dd data-testid="held">{balance.data ? credits(balance.data.held) : '…'}</dd>
          </div>
          <div>
            <dt>Low-balance alert below</dt>
            <dd>{balance.data?.lowBalanceThreshold != null ? credits(balance.data.lowBalanceThreshold) : 'off'}</dd>
          </div>
        </dl>
      )}
      {history.error ? (
        <LoadError what="the balance history" error={history.error} retry={history.reload} />
      ) : history.data ? (
        <BalanceChart points={history.data.data} />
      ) : (
        <p className="muted">Loading the balance history…</p>
      )}
    </section>
  );
}

/** A date input's day, as the last instant of that day in UTC. */
function endOfDayUtc(day: string): string {
  return new Date(`${day}T23:59:59.999Z`).toISOString();
}
