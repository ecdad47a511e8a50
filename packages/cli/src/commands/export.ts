import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, exportNdjson, exportSinger, GoalbridgeError, type SingerState } from '@goalbridge/core';
import { readJsonFile } from '@goalbridge/core/node';
import { oneOf } from '../args.ts';
import { type Command, openAdapter } from '../command.ts';
import { EXIT, UsageError } from '../io.ts';

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
    const state =
      typeof options.state === 'string'
        ? ((await readJsonFile(resolve(io.cwd, options.state))) as SingerState)
        : undefined;
    if (
      state !== undefined &&
      (typeof state !== 'object' || state === null || typeof state.bookmarks !== 'object')
    ) {
      throw new UsageError(
        `--state ${String(options.state)}: expected a Singer state value {"bookmarks": {...}}`,
      );
    }
    const adapter = openAdapter(options, context, 'from');
    const goals = adapter.list({ signal: io.signal });
    const lines = format === 'singer' ? exportSinger(goals, { state }) : exportNdjson(goals);
    if (typeof options.out !== 'string') {
      for await (const line of lines) io.stdout.write(line);
      return EXIT.ok;
    }
    const path = resolve(io.cwd, options.out);
    const temporary = `${path}.partial`;
    try {
      // pipeline() turns a file that cannot be written (no such folder, disk full) into a rejection.
      await pipeline(Readable.from(lines), createWriteStream(temporary));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      if (GoalbridgeError.isInstance(error)) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`cannot write ${path}: ${code ?? (error as Error).message}`);
    }
    return EXIT.ok;
  },
};
