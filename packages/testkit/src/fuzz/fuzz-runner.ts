import fc from 'fast-check';
import { rowCountChanges } from './table-row-counts';

/** What one fuzz case was answered, judged. */
export interface FuzzVerdict {
  /** For the summary, e.g. "400 INVALID_REQUEST" or "INVALID_ARGUMENT INVALID_AMOUNT". */
  outcome: string;
  serverError: boolean;
  /** Set when the answer breaks the contract (not a coded client error). */
  problem?: string;
}

export interface FuzzReport {
  cases: number;
  serverErrors: number;
  rowsWritten: Record<string, number>;
  outcomes: Record<string, number>;
}

/**
 * Sends `numRuns` cases to one endpoint and requires every answer to be a coded client error and every table's row
 * count to be unchanged afterwards. Prints one line per endpoint: cases, server errors, rows written, outcomes.
 */
export async function fuzzEndpoint<T>(options: {
  name: string;
  cases: fc.Arbitrary<T>;
  send: (input: T) => Promise<FuzzVerdict>;
  describe: (input: T) => string;
  rowCounts: () => Promise<Record<string, number>>;
  numRuns?: number;
}): Promise<FuzzReport> {
  const before = await options.rowCounts();
  const report: FuzzReport = { cases: 0, serverErrors: 0, rowsWritten: {}, outcomes: {} };
  let firstProblem: string | undefined;
  let failure: unknown;
  try {
    await fc.assert(
      fc.asyncProperty(options.cases, async (input) => {
        report.cases += 1;
        const verdict = await options.send(input);
        report.outcomes[verdict.outcome] = (report.outcomes[verdict.outcome] ?? 0) + 1;
        if (verdict.serverError) report.serverErrors += 1;
        if (verdict.problem) {
          firstProblem ??= `${verdict.problem} — for ${options.describe(input)}`;
          throw new Error(verdict.problem);
        }
      }),
      // No shrinking: the first failing case is reported as sent (shrinking would keep writing to the service).
      { numRuns: options.numRuns ?? 1000, endOnFailure: true },
    );
  } catch (error) {
    const replay = /seed: -?\d+, path: "[\d:]*"/.exec(String((error as Error).message))?.[0];
    failure = new Error(`${options.name}: ${firstProblem ?? (error as Error).message}${replay ? ` (fast-check ${replay})` : ''}`);
  }
  report.rowsWritten = rowCountChanges(before, await options.rowCounts());
  const rows = Object.values(report.rowsWritten).reduce((sum, change) => sum + Math.abs(change), 0);
  const outcomes = Object.entries(report.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([outcome, count]) => `${outcome} ×${count}`)
    .join(', ');
  console.log(`      ${options.name}: ${report.cases} cases, ${report.serverErrors} server errors, ${rows} rows written [${outcomes}]`);
  if (failure) throw failure;
  if (rows > 0) throw new Error(`${options.name}: rows written ${JSON.stringify(report.rowsWritten)}`);
  return report;
}
