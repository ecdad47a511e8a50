import {
  exportNdjson,
  exportSinger,
  formatIssues,
  type Goal,
  type SingerState,
  ValidationError,
} from '@goalbridge/core';
import { readJsonFile } from '@goalbridge/core/node';
import { fileOption, oneOf, type ParsedOptions } from '../args.ts';
import { type Command, mapLines, openAdapter, writeLines } from '../command.ts';
import { EXIT, type Io, UsageError } from '../io.ts';
import { terminalSafeJson } from '../render/format.ts';
import { writeWhole } from '../write-whole.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'stream every goal of a provider as NDJSON, or as a Singer tap',
  usage: 'goalbridge export --from PROVIDER [--format ndjson|singer] [--out FILE] [--state FILE]',
  options: {
    from: { type: 'string', value: 'PROVIDER', description: 'pipedrive, plannr or capillary' },
    format: {
      type: 'string',
      value: 'FORMAT',
      description: 'ndjson (default): one goal per line; singer: SCHEMA/RECORD/STATE messages',
    },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'write to FILE (replaced only when complete) instead of standard output',
    },
    state: {
      type: 'string',
      value: 'FILE',
      description: 'singer: a previous STATE value; only goals updated since are sent',
    },
  },
  details: 'Memory use does not grow with the number of goals: each page is written before the next is read.',
  async run(options, context) {
    const { io } = context;
    const format = oneOf(options, 'format', ['ndjson', 'singer'], 'ndjson');
    if (options.state !== undefined && format !== 'singer')
      throw new UsageError('--state applies to --format singer only');
    const out = fileOption(options, 'out', io.cwd);
    const adapter = openAdapter(options, context, 'from');
    const goals = adapter.list({ signal: io.signal });
    const lines = format === 'singer' ? await singerLines(goals, options, io) : exportNdjson(goals);
    // On standard output or a device (`/dev/tty`, a link to one), perhaps a terminal: escaped so that a title
    // cannot drive it. Files take the lines as they are.
    if (out === undefined) await writeLines(io, mapLines(lines, terminalSafeJson));
    else await writeWhole(out, lines, io, { onDevice: terminalSafeJson });
    return EXIT.ok;
  },
};

/** The Singer messages, from the bookmark of `--state` when given; a bad state is a usage error naming it. */
async function singerLines(
  goals: AsyncIterable<Goal>,
  options: ParsedOptions,
  io: Io,
): Promise<AsyncIterable<string>> {
  const file = fileOption(options, 'state', io.cwd);
  const state = file === undefined ? undefined : await readJsonFile(file);
  try {
    // exportSinger checks the state now, before any goal is read.
    return exportSinger(goals, { state: state as SingerState | undefined });
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    throw new UsageError(
      `--state ${String(options.state)}: expected a Singer state value {"bookmarks": {"goals": {"updatedAt": DATETIME}}}; ${formatIssues(error.issues)}`,
    );
  }
}
