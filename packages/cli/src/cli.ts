/**
 * `goalbridge <command>`: dispatch, help, and the translation of every error into a clear message and an
 * exit code — 0 ok, 1 failures in the run, 2 usage or configuration error.
 */
import { type ErrorCode, GoalbridgeError, RateLimitError, ValidationError } from '@goalbridge/core';
import { checkDistinctFiles, optionHelp, parseOptions } from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { demoCommand } from './commands/demo.ts';
import { exportCommand } from './commands/export.ts';
import { importCommand } from './commands/import.ts';
import { listCommand } from './commands/list.ts';
import { migrateCommand } from './commands/migrate.ts';
import { planCommand } from './commands/plan.ts';
import { providersCommand } from './commands/providers.ts';
import { sandboxCommand } from './commands/sandbox.ts';
import { EXIT, type ExitCode, type Io, OutputClosed, UsageError } from './io.ts';
import { type ProviderEntry, settingFlags } from './provider-registry.ts';
import { PROVIDERS } from './providers/index.ts';
import { printable } from './render/format.ts';
import { ReadWarnings } from './render/read-warnings.ts';

export const COMMANDS: readonly Command[] = [
  providersCommand,
  listCommand,
  exportCommand,
  importCommand,
  planCommand,
  migrateCommand,
  sandboxCommand,
  demoCommand,
];

const HELP_OPTION = { help: { type: 'boolean' as const, short: 'h', description: 'show this help' } };
const USES_PROVIDERS = new Set(['list', 'export', 'import', 'plan', 'migrate']);

function mainHelp(providers: readonly ProviderEntry[]): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'goalbridge — move goals between Pipedrive, Plannr and Capillary',
    '',
    'Usage: goalbridge <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    `Providers: ${providers.map((entry) => entry.name).join(', ')}. Credentials come from environment variables or flags`,
    '(see `goalbridge providers`); they are never printed.',
    '',
    'Output: tables and a progress bar on a terminal; JSON/NDJSON when piped or with --json.',
    'Exit codes: 0 ok · 1 some goals failed or the run stopped early · 2 usage or configuration error.',
    '',
    'Run `goalbridge <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

function commandHelp(command: Command, providers: readonly ProviderEntry[]): string {
  const options = { ...command.options, ...HELP_OPTION };
  const credentials = USES_PROVIDERS.has(command.name)
    ? `\n\nProvider settings (flags, or the environment variables named):\n${optionHelp(settingFlags(providers))}`
    : '';
  return `${command.usage}\n\n${command.summary}\n\nOptions:\n${optionHelp(options)}${command.details ? `\n\n${command.details}` : ''}${credentials}\n`;
}

export async function run(
  argv: readonly string[],
  io: Io,
  providers: readonly ProviderEntry[] = PROVIDERS,
): Promise<ExitCode> {
  const [name, ...rest] = argv;
  // `help COMMAND` is `COMMAND --help`, so an unknown COMMAND is the same usage error as running it.
  if (name === 'help' && rest[0] !== undefined) return run([rest[0], '--help'], io, providers);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp(providers));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  const readWarnings = new ReadWarnings();
  const context: CommandContext = { io, providers, hooks: readWarnings.hooks };
  // What a read could not carry exactly is told once, after the command's own output, before any error.
  const tellWarnings = () => io.stderr.write(readWarnings.report());
  try {
    if (!command) throw new UsageError(`unknown command "${name}"; run \`goalbridge --help\``);
    const specs = {
      ...command.options,
      ...HELP_OPTION,
      ...(USES_PROVIDERS.has(command.name) ? settingFlags(providers) : {}),
    };
    const options = parseOptions(command.name, rest, specs);
    if (options.help) {
      io.stdout.write(commandHelp(command, providers));
      return EXIT.ok;
    }
    checkDistinctFiles(options, specs, io.cwd);
    const code = await command.run(options, context);
    tellWarnings();
    return code;
  } catch (error) {
    tellWarnings();
    return report(error, io);
  }
}

const SETTINGS_ERRORS = new Set<ErrorCode>(['config', 'auth', 'permission']);

/** For a spent daily budget: when the same command can run again, unless the message says so already. */
function whenToRunAgain(error: GoalbridgeError): string {
  if (!RateLimitError.isInstance(error) || error.kind !== 'daily' || !error.resetAt) return '';
  const at = error.resetAt.toISOString();
  return error.message.includes(at) ? '' : `; run the same command again after ${at}`;
}

/** An import that stopped at a bad line or a failing input: its summary is out already, the reason follows. */
const STOPPED_INPUT_ERRORS = new Set(['InvalidLineError', 'ImportInterruptedError']);

/**
 * A command that failed as a whole: the cause on stderr, and whether to fix the call (2) or run it again (1).
 * Refused credentials or access (401, 403) mean the settings are wrong, not that the run met a bad goal.
 */
function report(error: unknown, io: Io): ExitCode {
  const tell = (message: string) => io.stderr.write(`goalbridge: ${printable(message, { lines: true })}\n`);
  if (error instanceof UsageError) {
    tell(error.message);
    return EXIT.usage;
  }
  if (io.signal.aborted && !GoalbridgeError.isInstance(error)) {
    // Nobody reads standard output any more (`| head`): stopping is all that is left to do.
    if (!(io.signal.reason instanceof OutputClosed)) io.stderr.write('goalbridge: stopped\n');
    return EXIT.failures;
  }
  if (GoalbridgeError.isInstance(error)) {
    tell(`${error.message}${whenToRunAgain(error)}`);
    const usage =
      SETTINGS_ERRORS.has(error.code) || (ValidationError.isInstance(error) && error.provider === undefined);
    return usage ? EXIT.usage : EXIT.failures;
  }
  if (error instanceof Error && STOPPED_INPUT_ERRORS.has(error.name)) {
    tell(error.message);
    return EXIT.failures;
  }
  throw error;
}
