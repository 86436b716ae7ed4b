/** The value of an unlabelled sample in Prometheus text format; undefined when absent or not a finite number. */
export function gaugeValue(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  const value = Number(line?.slice(name.length + 1).trim().split(' ')[0]);
  return line && Number.isFinite(value) ? value : undefined;
}
