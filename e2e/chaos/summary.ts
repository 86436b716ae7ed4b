/** The run's summary table and, last, the one-line verdict. */
import type { ChaosOutcome } from './chaos-run';
import type { FaultTarget } from './faults';
import { WebhookStorm } from './webhook-storm';

const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1_000).toFixed(1)} s`);

function table(rows: (string | number)[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  const line = (row: (string | number)[]) => `| ${row.map((cell, column) => String(cell).padEnd(widths[column]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}

export const verdictLine = (outcome: ChaosOutcome) =>
  `chaos customers=${outcome.customers} lost=${outcome.lost} double=${outcome.double} invariant_violations=${outcome.invariantViolations} kills=${outcome.kills} broker_restarts=${outcome.brokerRestarts}` +
  (outcome.brokers > 1 ? ` broker_kills=${outcome.brokerKills}` : '');

const faultName = (target: FaultTarget) =>
  target === 'kafka' ? 'kafka broker SIGKILL + start' : target === 'kafka-leader' ? 'busiest kafka leader SIGKILL + start' : `${target} SIGKILL + respawn`;

export function summaryLines(outcome: ChaosOutcome): string[] {
  const { audit, webhooks, durations } = outcome;
  const f = audit.figures;
  const lines = [
    '',
    `chaos run ${outcome.startedAt.toISOString()}  size=${outcome.size.name}  seed=${outcome.seed}  (repeat: npm run chaos -- --size ${outcome.size.name} --seed ${outcome.seed})`,
    '',
    ...table([
      ['fault', 'at (after load start)', 'down', 'ready again after kill', 'result'],
      ...outcome.faults
        .slice()
        .sort((a, b) => a.atMs - b.atMs)
        .map((fault) => [faultName(fault.target), seconds(fault.atMs), seconds(fault.downMs), seconds(fault.recoveredAfterMs), fault.done ? 'ok' : `FAILED ${fault.error?.split('\n')[0]}`]),
    ]),
    '',
    ...table([
      ['what happened', 'count'],
      ['customers registered', f.customers],
      ['subscriptions created', f.subscriptions],
      ['first periods paid in the browser', f.firstPeriodsPaid],
      ['payments succeeded (periods + top-ups)', `${f.paymentsSucceeded} (${f.periodPayments} + ${f.topUpPayments})`],
      ['activations / renewals', `${f.activations} / ${f.renewals}`],
      ['paid after the subscription ended (refused, kept)', f.refusedAfterEnd],
      ['credit grants', f.grants],
      ['ledger entries', f.ledgerEntries],
      ['reservations (acknowledged captures / releases / expired)', `${f.reservations} (${f.captures} / ${f.releases} / ${f.expiredHolds})`],
      ['Stripe events × copies delivered (not acknowledged, retried)', `${webhooks.events} × ${WebhookStorm.COPIES} = ${webhooks.delivered} (${webhooks.retried})`],
      ['webhook answers', Object.entries(webhooks.outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ')],
      ['dead-lettered events', f.deadLettered],
      ['exits nobody caused, restarted by the supervisor', Object.entries(outcome.unexpectedExits).filter(([, n]) => n > 0).map(([name, n]) => `${name} ${n}`).join(', ') || 0],
      ['client calls given up', f.clientErrors],
    ]),
    '',
    ...table([
      ['check', 'result'],
      ['lost (payment → activation/renewal → grant, captures, events)', audit.lost],
      ['double (charges, activations, grants, debits)', audit.double],
      ['invariant violations (Σ ledger, available ≥ 0, resolved once, …)', audit.invariantViolations],
      ['quiescence (outboxes drained, lag 0, webhooks delivered)', `${outcome.quiescence.quiet ? 'reached' : 'NOT reached'} in ${seconds(durations.quiescenceMs)}`],
      ['duration: start-up / load / quiescence / total', `${seconds(durations.startupMs)} / ${seconds(durations.loadMs)} / ${seconds(durations.quiescenceMs)} / ${seconds(durations.totalMs)}`],
    ]),
  ];
  const leaderKills = outcome.faults.filter((fault) => fault.leaderKill).sort((a, b) => a.atMs - b.atMs);
  if (leaderKills.length) {
    lines.push(
      '',
      ...table([
        [`leader kill (${outcome.brokers} nodes, RF 3, min.insync.replicas 2)`, 'waited for in-sync replicas', 'node', 'new leaders after', 'publishing resumed after'],
        ...leaderKills.map((fault) => {
          const kill = fault.leaderKill!;
          return [`due at ${seconds(fault.atMs)}`, seconds(kill.waitedMs), kill.node, seconds(kill.leadersMovedMs), seconds(kill.publishingResumedMs)];
        }),
      ]),
    );
  }
  if (audit.findings.length) lines.push('', `findings (${audit.findings.length}, first 30):`, ...audit.findings.slice(0, 30).map((finding) => `  ${finding}`));
  lines.push('', `service logs: ${outcome.logDir}`);
  return lines;
}
