/**
 * Goals as NDJSON: one JSON object per line, each self-describing — `{"schema":"goalbridge/goal@1","goal":{…}}` —
 * so files can be concatenated, grepped and streamed. Reading validates every line and reports a bad one by
 * its line number without stopping the good ones.
 */
import type { GoalAdapter } from '../adapter/contract.ts';
import { formatIssues, type ValidationIssue } from '../errors.ts';
import { GOAL_SCHEMA_VERSION, type Goal, GoalSchema } from '../model/goal.ts';
import { toValidationIssues } from '../model/validate.ts';
import { type ApplyOptions, apply, writeSettingsOf } from '../sync/apply.ts';
import { type PlanItem, type PlanOptions, planContext, planGoal } from '../sync/plan.ts';
import type { MigrationSummary } from '../sync/summary.ts';
import { MAX_LINE_BYTES, readLines } from './lines.ts';

export const GOAL_RECORD_SCHEMA = `goalbridge/goal@${GOAL_SCHEMA_VERSION}`;

/** One NDJSON line (with its line break) for a goal. */
export function goalToNdjson(goal: Goal): string {
  return `${JSON.stringify({ schema: GOAL_RECORD_SCHEMA, goal })}\n`;
}

/** Streams every goal of an adapter as NDJSON lines. */
export async function* exportNdjson(goals: AsyncIterable<Goal>): AsyncGenerator<string> {
  for await (const goal of goals) yield goalToNdjson(goal);
}

export type NdjsonLine = { line: number; goal: Goal } | { line: number; issues: ValidationIssue[] };

/** Reads NDJSON goals; each line comes back as a goal or as the issues that make it unusable. Blank lines are skipped. */
export async function* readNdjson(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<NdjsonLine> {
  let line = 0;
  for await (const read of readLines(chunks)) {
    line++;
    if ('invalidUtf8' in read) {
      const message = 'not UTF-8 text (saved in another encoding?): nothing of it is read';
      yield { line, issues: [{ path: '', message }] };
      continue;
    }
    if ('tooLong' in read) {
      const message = `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB: nothing of it is read`;
      yield { line, issues: [{ path: '', message }] };
      continue;
    }
    const text = read.text;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield {
        line,
        issues: [
          { path: '', message: `not JSON: ${error instanceof Error ? error.message : String(error)}` },
        ],
      };
      continue;
    }
    const record = value as { schema?: unknown; goal?: unknown } | null;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      yield { line, issues: [{ path: '', message: 'must be an object {"schema", "goal"}' }] };
    } else if (record.schema !== GOAL_RECORD_SCHEMA) {
      const found = record.schema === undefined ? 'none' : JSON.stringify(record.schema);
      yield {
        line,
        issues: [{ path: 'schema', message: `must be "${GOAL_RECORD_SCHEMA}", found ${found}` }],
      };
    } else {
      const parsed = GoalSchema.safeParse(record.goal);
      if (parsed.success) yield { line, goal: parsed.data };
      else yield { line, issues: toValidationIssues(parsed.error, 'goal') };
    }
  }
}

export interface ImportOptions
  extends PlanOptions,
    Omit<ApplyOptions, 'target' | 'naturalKey' | 'signal' | 'idMap'> {
  /** Stop at the first bad line instead of reporting it and going on. Default false. */
  stopOnInvalid?: boolean | undefined;
  /** Name of the input in messages, e.g. the file name. Default `input`. */
  inputName?: string | undefined;
}

/**
 * Thrown when `stopOnInvalid` meets a bad line; nothing from that line on is written. From `importNdjson` it
 * carries the `summary` of what was written before it, whose `stopped` names the line.
 */
export class InvalidLineError extends Error {
  readonly line: number;
  readonly issues: readonly ValidationIssue[];
  readonly summary: MigrationSummary | undefined;
  constructor(
    inputName: string,
    line: number,
    issues: readonly ValidationIssue[],
    summary?: MigrationSummary,
  ) {
    super(`${inputName} line ${line}: ${formatIssues(issues, '(line)')}`);
    this.name = 'InvalidLineError';
    this.line = line;
    this.issues = issues;
    this.summary = summary;
  }
}

/**
 * Thrown when the input fails while it is read (a file or stream error) or a line cannot be planned: nothing
 * after it is taken, the writes already begun finish, and it carries their `summary`, whose `stopped` says
 * where the run stopped. The failure is its `cause`.
 */
export class ImportInterruptedError extends Error {
  readonly afterLine: number;
  readonly summary: MigrationSummary;
  constructor(reason: string, afterLine: number, summary: MigrationSummary, cause: unknown) {
    super(reason, { cause });
    this.name = 'ImportInterruptedError';
    this.afterLine = afterLine;
    this.summary = summary;
  }
}

/**
 * Imports NDJSON goals into an adapter, streaming: plan and write line by line with the same matching, ID map
 * and resume guarantees as a migration. Memory grows with the target's size (for matching), not the input's.
 * With `stopOnInvalid`, a bad line — one that does not parse, or one the plan finds invalid for the target —
 * ends the input: the writes before it finish, the summary (and the `stopped` and `done` progress events) say
 * where the run stopped, and an InvalidLineError carrying it is thrown. An input that fails while it is read
 * ends the same way, with an {@link ImportInterruptedError}.
 */
export async function importNdjson(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  target: GoalAdapter,
  options: ImportOptions = {},
): Promise<MigrationSummary> {
  const context = await planContext(target, options);
  const inputName = options.inputName ?? 'input';
  let invalid: { line: number; issues: ValidationIssue[] } | undefined;
  let interrupted: { afterLine: number; reason: string; error: unknown } | undefined;
  let lastLine = 0;
  const stopReason = (line: number) => `${inputName} line ${line} is invalid; nothing from it on was written`;
  // The input ends early rather than failing apply, so what was written before is still summed up.
  async function* items(): AsyncGenerator<PlanItem> {
    try {
      for await (const entry of readNdjson(chunks)) {
        lastLine = entry.line;
        const item = 'goal' in entry ? await planGoal(entry.goal, context) : invalidLine(entry, inputName);
        if (item.action === 'invalid' && options.stopOnInvalid) {
          invalid = { line: entry.line, issues: item.issues };
          return;
        }
        yield item;
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      interrupted = {
        afterLine: lastLine,
        reason: `${inputName} failed after line ${lastLine}: ${message}`,
        error,
      };
    }
  }
  const summary = await apply(
    {
      source: inputName,
      target: target.provider,
      items: items(),
      claims: context.index,
      stopped: () => (invalid ? stopReason(invalid.line) : interrupted?.reason),
    },
    { ...writeSettingsOf(options), target, naturalKey: context.keyOf },
  );
  if (invalid) throw new InvalidLineError(inputName, invalid.line, invalid.issues, summary);
  if (interrupted)
    throw new ImportInterruptedError(interrupted.reason, interrupted.afterLine, summary, interrupted.error);
  return summary;
}

function invalidLine(entry: { line: number; issues: ValidationIssue[] }, inputName: string): PlanItem {
  const { line, issues } = entry;
  return { action: 'invalid', source: `${inputName}:${line}`, title: `line ${line}`, issues, warnings: [] };
}
