import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BalancePoint } from '../api/types';
import { credits, instant } from '../format';

const HEIGHT = 220;

/**
 * The balance over time as a stepped line (it changes only at ledger entries). The canvas is hidden from assistive
 * technology: the summary and the visually hidden table say the same in text.
 */
export function BalanceChart({ points }: { points: BalancePoint[] }) {
  const canvasHost = useRef<HTMLDivElement>(null);
  const captionId = useId();

  useEffect(() => {
    const host = canvasHost.current;
    if (!host || points.length === 0) return;
    const data: uPlot.AlignedData = [points.map((point) => Date.parse(point.at) / 1000), points.map((point) => point.balance)];
    const chart = new uPlot(
      {
        width: host.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        // UTC, as every time the console prints
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_self, min, max) => [Math.min(0, min), Math.max(max, 1)] } },
        axes: [
          { stroke: '#3d4451', grid: { stroke: '#e6e8ec' }, ticks: { stroke: '#c9ced6' } },
          { stroke: '#3d4451', grid: { stroke: '#e6e8ec' }, ticks: { stroke: '#c9ced6' }, size: 70 },
        ],
        series: [{}, { label: 'Balance', stroke: '#1f5fa8', width: 2, fill: 'rgba(31, 95, 168, 0.08)', paths: uPlot.paths.stepped?.({ align: 1 }) }],
      },
      data,
      host,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: host.clientWidth, height: HEIGHT }));
    resize.observe(host);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [points]);

  const latest = points[points.length - 1];
  const values = points.map((point) => point.balance);

  return (
    <figure className="chart" data-testid="balance-chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>Balance over time</figcaption>
      {latest ? (
        <>
          <p className="chart-summary">
            Latest balance {credits(latest.balance)} credits ({instant(latest.at)}); lowest {credits(Math.min(...values))}, highest{' '}
            {credits(Math.max(...values))} since {instant(points[0]?.at)}.
          </p>
          <div ref={canvasHost} className="chart-canvas" aria-hidden="true" />
          <table className="visually-hidden" aria-label="Balance history">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Balance</th>
              </tr>
            </thead>
            <tbody>
              {points.map((point, index) => (
                <tr key={index}>
                  <td>{instant(point.at)}</td>
                  <td>{credits(point.balance)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="muted">No ledger entries yet.</p>
      )}
    </figure>
  );
}
