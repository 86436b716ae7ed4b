import { createColumnHelper } from '@tanstack/react-table';
import { useId, useMemo } from 'react';
import { get, post, servicePath } from '../api/client';
import type { Page, Plan, PlanTerms, Subscription } from '../api/types';
import { Action, Field } from '../components/ActionDialog';
import { PagedTable } from '../components/PagedTable';
import { useCursorPages } from '../components/Pager';
import { day, instant, shortId } from '../format';
import { useConsole } from '../session';
import { useResource } from '../useResource';

const column = createColumnHelper<Subscription>();
const ENDED = new Set<Subscription['status']>(['canceled', 'incomplete_expired']);

const CHANGE_OUTCOMES: Record<string, string> = {
  applied_now: 'The plan was changed now.',
  payment_pending: 'The upgrade waits for the payment of the prorated difference.',
  scheduled_at_period_end: 'The plan changes at the end of the current period.',
  scheduled_change_withdrawn: 'The scheduled plan change was withdrawn.',
  unchanged: 'The subscription is already on that plan.',
};

export function SubscriptionsSection({ customerId, version, onChanged }: { customerId: string; version: number; onChanged: () => void }) {
  const { canWrite, announce } = useConsole();
  const headingId = useId();
  const pages = useCursorPages(customerId);
  const subscriptions = useResource(
    () => get<Page<Subscription>>(servicePath('subscription', `/customers/${encodeURIComponent(customerId)}/subscriptions`, { limit: 20, cursor: pages.cursor })),
    [customerId, pages.cursor, version],
  );
  const plans = useResource(() => get<Page<Plan>>(servicePath('subscription', '/plans', { limit: 100 })), []);

  const columns = useMemo(() => {
    const planById = new Map((plans.data?.data ?? []).map((plan) => [plan.planId, plan]));
    const planName = (terms: PlanTerms) => {
      const plan = planById.get(terms.planId);
      return plan ? `${plan.name} (${plan.code} v${terms.version})` : `${shortId(terms.planId)} v${terms.version}`;
    };
    const planOptions = (plans.data?.data ?? []).filter((plan) => plan.active).map((plan) => ({ value: plan.code, label: `${plan.name} (${plan.code})` }));
    const subscriptionPath = (subscription: Subscription, action: string) =>
      servicePath('subscription', `/subscriptions/${encodeURIComponent(subscription.id)}/${action}`);

    return [
      column.accessor('id', { header: 'Subscription', cell: (info) => <span className="mono" title={info.getValue()}>{shortId(info.getValue())}</span> }),
      column.accessor('plan', { header: 'Plan', cell: (info) => planName(info.getValue()) }),
      column.accessor('status', { header: 'Status', cell: (info) => <span className={`badge badge-${info.getValue()}`}>{info.getValue()}</span> }),
      column.accessor('currentPeriod', {
        header: 'Current period',
        cell: (info) => {
          const period = info.getValue();
          return period ? `#${period.index}: ${day(period.start)} – ${day(period.end)}` : '—';
        },
      }),
      column.accessor('renewalDueAt', {
        header: 'Next renewal',
        cell: (info) => {
          const { cancelAtPeriodEnd, status } = info.row.original;
          if (status === 'past_due') return 'retrying the charge (see dunning)';
          if (!info.getValue()) return '—';
          return cancelAtPeriodEnd ? `none: ends ${instant(info.getValue())}` : instant(info.getValue());
        },
      }),
      column.accessor('dunning', {
        header: 'Dunning',
        cell: (info) => {
          const dunning = info.getValue();
          return dunning ? `attempt ${dunning.attempt} failed; next ${instant(dunning.nextAttemptAt)}` : 'none';
        },
      }),
      column.display({
        id: 'notes',
        header: 'Changes',
        cell: (info) => {
          const { pendingPlan, upgrade, cancellation } = info.row.original;
          const notes = [
            pendingPlan ? `to ${planName(pendingPlan)} at period end` : null,
            upgrade ? `upgrade to ${planName(upgrade.toPlan)}: ${upgrade.status.replace('_', ' ')}${upgrade.failureReason ? ` (${upgrade.failureReason})` : ''}` : null,
            cancellation ? `canceled (${cancellation.reason}) ${instant(cancellation.effectiveAt)}` : null,
          ].filter(Boolean);
          return notes.length ? notes.join('; ') : '—';
        },
      }),
      ...(canWrite
        ? [
            column.display({
              id: 'actions',
              header: 'Actions',
              cell: (info) => {
                const subscription = info.row.original;
                if (ENDED.has(subscription.status)) return null;
                return (
                  <div className="row-actions">
                    {subscription.cancelAtPeriodEnd ? (
                      <Action
                        label="Resume"
                        title={`Resume subscription ${shortId(subscription.id)}`}
                        buttonClass="small"
                        announce={announce}
                        onDone={onChanged}
                        submit={async (_form, opening) => {
                          await post(subscriptionPath(subscription, 'resume'), {}, opening.idempotencyKey);
                          return `Subscription ${shortId(subscription.id)} resumed: it renews as before.`;
                        }}
                      >
                        <p>Undoes the cancellation at the end of the period: the subscription renews as before.</p>
                      </Action>
                    ) : (
                      <Action
                        label="Cancel subscription"
                        title={`Cancel subscription ${shortId(subscription.id)}`}
                        buttonClass="danger small"
                        announce={announce}
                        onDone={onChanged}
                        submit={async (form, opening) => {
                          const mode = String(form.get('mode'));
                          await post(subscriptionPath(subscription, 'cancel'), { mode }, opening.idempotencyKey);
                          return mode === 'now'
                            ? `Subscription ${shortId(subscription.id)} canceled.`
                            : `Subscription ${shortId(subscription.id)} ends at the end of its period.`;
                        }}
                      >
                        <Field
                          name="mode"
                          label="When"
                          kind="select"
                          options={[
                            { value: 'at_period_end', label: 'At the end of the current period' },
                            { value: 'now', label: 'Now' },
                          ]}
                        />
                      </Action>
                    )}
                    <Action
                      label="Change plan"
                      title={`Change the plan of subscription ${shortId(subscription.id)}`}
                      buttonClass="secondary small"
                      announce={announce}
                      onDone={onChanged}
                      submit={async (form, opening) => {
                        const answer = await post<{ outcome: string }>(
                          subscriptionPath(subscription, 'change-plan'),
                          { planCode: String(form.get('planCode')) },
                          opening.idempotencyKey,
                        );
                        return CHANGE_OUTCOMES[answer.outcome] ?? `Plan change: ${answer.outcome}.`;
                      }}
                    >
                      <p>An upgrade applies now once the prorated difference is paid; a downgrade at the end of the period.</p>
                      <Field name="planCode" label="New plan" kind="select" required options={planOptions} />
                    </Action>
                  </div>
                );
              },
            }),
          ]
        : []),
    ];
  }, [plans.data, canWrite, announce, onChanged]);

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Subscriptions</h2>
      <PagedTable
        what="the subscriptions"
        resource={subscriptions}
        pages={pages}
        label="Subscriptions"
        caption="Subscriptions, newest first"
        columns={columns}
        rowId={(subscription) => subscription.id}
        empty="No subscriptions."
      />
    </section>
  );
}
