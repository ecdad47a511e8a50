import type { GoalAdapter, HttpHooks } from '@goalbridge/core';
import type { OptionSpecs, ParsedOptions } from './args.ts';
import type { ExitCode, Io } from './io.ts';
import { findProvider, openProvider, type ProviderEntry } from './provider-registry.ts';

export interface CommandContext {
  io: Io;
  providers: readonly ProviderEntry[];
  hooks?: HttpHooks | undefined;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpecs;
  /** Extra help after the options. */
  details?: string;
  run(options: ParsedOptions, context: CommandContext): Promise<ExitCode>;
}

/** The adapter named by `--from`/`--to`, built from its settings. */
export function openAdapter(
  options: ParsedOptions,
  context: CommandContext,
  option: 'from' | 'to',
): GoalAdapter {
  const entry = findProvider(context.providers, options[option], option);
  return openProvider(entry, options, context.io.env, context.hooks);
}

/** Structured output when piped or asked for with --json; human tables on a terminal. */
export function wantsJson(options: ParsedOptions, io: Io): boolean {
  return options.json === true || !io.stdout.isTTY;
}

export const JSON_OPTION: OptionSpecs = {
  json: { type: 'boolean', description: 'JSON/NDJSON output even on a terminal' },
};

/** Writes lines to stdout as fast as its reader takes them; a Ctrl-C or a closed pipe stops it at once. */
export async function writeLines(io: Io, lines: AsyncIterable<string>): Promise<void> {
  for await (const line of lines) {
    await io.stdout.write(line);
    io.signal.throwIfAborted();
  }
}

/** Each line of `lines` through `map`, as they come. */
export async function* mapLines(
  lines: AsyncIterable<string> | Iterable<string>,
  map: (line: string) => string,
): AsyncIterable<string> {
  for await (const line of lines) yield map(line);
}
