import { resolve } from 'node:path';
import {
  type GoalAdapter,
  type GoalInput,
  ImportInterruptedError,
  InvalidLineError,
  importNdjson,
  listedTwiceReason,
  type PlanItem,
  type PlanOptions,
  planContext,
  planGoal,
  RepeatedSources,
  readNdjson,
  repeatDifferences,
  storedFields,
} from '@goalbridge/core';
import { fileChunks } from '@goalbridge/core/node';
import { positiveInteger, required } from '../args.ts';
import { type Command, JSON_OPTION, openAdapter, wantsJson } from '../command.ts';
import { EXIT, type ExitCode, type Io } from '../io.ts';
import { jsonLine, table } from '../render/format.ts';
import { progressFor, reportSummary, stoppingOnSpentBudget } from './migration-output.ts';
import { closingIdMap, openPlanFiles, PLAN_OPTIONS, planFlags } from './plan-options.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'write NDJSON goals (from `export`) into a provider, validating every line',
  usage: 'goalbridge import --to PROVIDER --in FILE|- [--id-map FILE] [--stop-on-invalid] [--dry-run]',
  options: {
    to: { type: 'string', value: 'PROVIDER', description: 'pipedrive, plannr or capillary' },
    in: { type: 'string', value: 'FILE', description: 'NDJSON file, or - for standard input' },
    'stop-on-invalid': {
      type: 'boolean',
      description: 'stop at the first bad line (default: report it and go on)',
    },
    'dry-run': { type: 'boolean', description: 'validate and plan every line, write nothing' },
    concurrency: { type: 'string', value: 'N', description: 'writes in flight (default 4)' },
    ...PLAN_OPTIONS,
    ...JSON_OPTION,
  },
  details:
    'A bad line is reported with its line number; the good ones are imported. Runs are resumable with --id-map.',
  async run(options, context) {
    const { io } = context;
    const input = required(options, 'in', 'import');
    const concurrency = positiveInteger(options, 'concurrency', 4, 64);
    const flags = planFlags(options, io);
    const target = openAdapter(options, context, 'to');
    // Flags and settings first: a mistake in them is told before any file is opened.
    const chunks = input === '-' ? io.stdin() : await started(fileChunks(resolve(io.cwd, input)));
    const json = wantsJson(options, io);
    const dryRun = options['dry-run'] === true;
    const setup = await openPlanFiles(flags, io, dryRun ? 'read' : 'write');
    return closingIdMap(setup, io, () =>
      stoppingOnSpentBudget(io, json, async () => {
        try {
          if (dryRun) return await checkLines(chunks, target, setup.options, io, json);
          const summary = await importNdjson(chunks, target, {
            ...setup.options,
            inputName: input === '-' ? 'stdin' : input,
            concurrency,
            stopOnInvalid: options['stop-on-invalid'] === true,
            onProgress: progressFor(io, json, `import → ${target.provider}`),
          });
          return reportSummary(io, json, summary);
        } catch (error) {
          // A bad line (--stop-on-invalid) or a failing input: what was written before is summed up first.
          const stoppedEarly = error instanceof InvalidLineError || error instanceof ImportInterruptedError;
          if (stoppedEarly && error.summary) reportSummary(io, json, error.summary);
          throw error;
        }
      }),
    );
  },
};

/** The file's chunks with the first one read now: a file that cannot be read fails before any ID map is made. */
async function started(chunks: AsyncGenerator<Uint8Array>): Promise<AsyncIterable<Uint8Array>> {
  const first = await chunks.next();
  return (async function* () {
    if (!first.done) yield first.value;
    yield* chunks;
  })();
}

/** --dry-run: every line validated and planned, counted by action, with the problems by line; nothing written. */
async function checkLines(
  chunks: AsyncIterable<Uint8Array>,
  target: GoalAdapter,
  options: PlanOptions,
  io: Io,
  json: boolean,
): Promise<ExitCode> {
  const plan = await planContext(target, options);
  const counts: Record<string, number> = {};
  const problems: { line: number; reason: string }[] = [];
  // A source listed by an earlier line: the real run leaves a repeat unchanged, or fails it when it differs.
  const created = new Map<string, GoalInput>();
  const held = new RepeatedSources();
  const stored = storedFields(target.capabilities);
  const repeatOf = async (item: PlanItem): Promise<string[] | undefined> => {
    if (item.action === 'update' || item.action === 'unchanged') return held.differences(item);
    if (item.action !== 'create') return undefined;
    const input = created.get(item.source);
    if (input) return repeatDifferences(item, input, stored);
    created.set(item.source, item.input);
    return undefined;
  };
  for await (const entry of readNdjson(chunks)) {
    const item = 'goal' in entry ? await planGoal(entry.goal, plan) : undefined;
    let action: string = item?.action ?? 'invalid';
    const issues = 'issues' in entry ? entry.issues : item?.action === 'invalid' ? item.issues : [];
    const differing = item && (await repeatOf(item));
    if (item && differing) {
      action = differing.length > 0 ? 'conflict' : 'unchanged';
      if (differing.length > 0) issues.push({ path: '', message: listedTwiceReason(item.source, differing) });
    }
    counts[action] = (counts[action] ?? 0) + 1;
    if (issues.length)
      problems.push({
        line: entry.line,
        reason: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
      });
  }
  if (json) io.stdout.write(jsonLine({ counts, problems }));
  else
    io.stdout.write(
      `${table(Object.entries(counts).map(([action, goals]) => ({ action, goals })))}${problems.length ? table(problems, 90) : ''}`,
    );
  return problems.length ? EXIT.failures : EXIT.ok;
}
