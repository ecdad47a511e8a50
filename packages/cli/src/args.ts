/** Command-line parsing on node:util parseArgs, with errors that say what was wrong and how to get help. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './io.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** Placeholder shown in help, e.g. FILE. */
  value?: string;
  short?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type ParsedOptions = Record<string, string | boolean | undefined>;

export function parseOptions(command: string, args: readonly string[], specs: OptionSpecs): ParsedOptions {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.short ? { short: spec.short } : {}) },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0]}"`);
    return values as ParsedOptions;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${command}: ${message}`);
  }
}

/** What tells files apart: device and inode for one that exists (a link to it is the same file), else its path. */
function fileIdentity(path: string): string {
  try {
    const info = statSync(path);
    return `${info.dev}:${info.ino}`;
  } catch {
    return path; // not there (yet), or not reachable: the command reports that itself
  }
}

/** A whole number written in plain digits (not `1e3`, `0x10` or ` 7`) that JSON and JavaScript hold exactly. */
export function wholeNumber(text: string): number | undefined {
  const number = Number(text);
  return /^\d+$/.test(text) && Number.isSafeInteger(number) ? number : undefined;
}

/**
 * Refuses two file options naming one file (`--out` over `--id-map`, `--id-map` over `--in`): the run would
 * read one and overwrite it. Standard input (`-`) is no file.
 */
export function checkDistinctFiles(options: ParsedOptions, specs: OptionSpecs, cwd: string): void {
  const named = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) {
    const value = options[name];
    if (spec.value !== 'FILE' || typeof value !== 'string' || value === '' || value === '-') continue;
    const path = fileIdentity(resolve(cwd, value));
    const other = named.get(path);
    if (other !== undefined)
      throw new UsageError(`--${other} and --${name} name the same file (${value}); give each its own`);
    named.set(path, name);
  }
}

/** A string option, required. */
export function required(options: ParsedOptions, name: string, command: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`${command}: --${name} is required`);
  return value;
}

/** A text option, when given: a blank one (`--count-kpi=`) is a usage error naming the flag. */
export function optionalText(options: ParsedOptions, name: string, expected: string): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} must be ${expected}, got "${String(value)}"`);
  return value;
}

/** A file option resolved against `cwd`, when given; a blank one would name the folder itself. */
export function fileOption(options: ParsedOptions, name: string, cwd: string): string | undefined {
  const file = optionalText(options, name, 'a file name');
  return file === undefined ? undefined : resolve(cwd, file);
}

/** A positive integer option with a default and an upper bound. */
export function positiveInteger(options: ParsedOptions, name: string, fallback: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const number = typeof value === 'string' ? wholeNumber(value) : undefined;
  if (number === undefined || number < 1 || number > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${String(value)}"`);
  }
  return number;
}

/** One of a fixed set of values. */
export function oneOf<T extends string>(
  options: ParsedOptions,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
  }
  return value as T;
}

/** Help text for a command's options. */
export function optionHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`,
    spec.description,
  ]);
  const width = Math.max(...rows.map(([left]) => (left as string).length));
  return rows.map(([left, right]) => `  ${(left as string).padEnd(width)}  ${right}`).join('\n');
}
