/** How a migration run reports itself: a progress bar and tables on a terminal, NDJSON events when piped. */
import { type ApplyEvent, type MigrationSummary, spentDailyBudget } from '@goalbridge/core';
import { EXIT, type ExitCode, type Io, OutputClosed } from '../io.ts';
import { jsonLine } from '../render/format.ts';
import { progressBar, progressLines } from '../render/progress.ts';
import { migrationSummary } from '../render/summary.ts';

export function progressFor(io: Io, json: boolean, label: string): (event: ApplyEvent) => void {
  if (json) return progressLines(io.stdout);
  return io.stderr.isTTY ? progressBar(io.stderr, label) : () => {};
}

/**
 * Runs `work` (a plan and its writes); a daily budget spent before any write (while reading the source or the
 * target) is told as the `stopped` event a reader of `--json` waits for, then fails the command as before.
 */
export async function stoppingOnSpentBudget<T>(io: Io, json: boolean, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const spent = json ? spentDailyBudget(error) : undefined;
    if (spent) {
      const resetAt = spent.resetAt?.toISOString();
      io.stdout.write(jsonLine({ event: 'stopped', reason: spent.message, ...(resetAt ? { resetAt } : {}) }));
    }
    throw error;
  }
}

export function reportSummary(io: Io, json: boolean, summary: MigrationSummary): ExitCode {
  if (io.signal.reason instanceof OutputClosed && summary.stopped) {
    // The summary has no reader any more; a run that wrote goals must still say it stopped half-way.
    const written = summary.counts.created + summary.counts.updated;
    io.stderr.write(
      `goalbridge: standard output closed, so the run stopped after writing ${written} goals; run the same command again to finish\n`,
    );
  }
  if (json) io.stdout.write(jsonLine({ event: 'summary', ...summary }));
  else io.stdout.write(`\n${migrationSummary(summary)}`);
  return summary.counts.failed > 0 || summary.stopped ? EXIT.failures : EXIT.ok;
}
