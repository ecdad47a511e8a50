/**
 * `goalbridge <command>`: dispatch, help, and the translation of every error into a clear message and an
 * exit code — 0 ok, 1 failures in the run, 2 usage or configuration error.
 */
import { GoalbridgeError, RateLimitError, ValidationError } from '@goalbridge/core';
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
  const context: CommandContext = { io, providers };
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
    return await command.run(options, context);
  } catch (error) {
    return report(error, io);
  }
}

/** For a spent daily budget: when the same command can run again, unless the message says so already. */
function whenToRunAgain(error: GoalbridgeError): string {
  if (!RateLimitError.isInstance(error) || error.kind !== 'daily' || !error.resetAt) return '';
  const at = error.resetAt.toISOString();
  return error.message.includes(at) ? '' : `; run the same command again after ${at}`;
}

function report(error: unknown, io: Io): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(`goalbridge: ${error.message}\n`);
    return EXIT.usage;
  }
  if (io.signal.aborted && !GoalbridgeError.isInstance(error)) {
    // Nobody reads standard output any more (`| head`): stopping is all that is left to do.
    if (!(io.signal.reason instanceof OutputClosed)) io.stderr.write('goalbridge: stopped\n');
    return EXIT.failures;
  }
  if (GoalbridgeError.isInstance(error)) {
    io.stderr.write(`goalbridge: ${error.message}${whenToRunAgain(error)}\n`);
    const usage =
      error.code === 'config' ||
      error.code === 'auth' ||
      (ValidationError.isInstance(error) && error.provider === undefined);
    return usage ? EXIT.usage : EXIT.failures;
  }
  if (error instanceof Error && error.name === 'InvalidLineError') {
    io.stderr.write(`goalbridge: ${error.message}\n`);
    return EXIT.failures;
  }
  throw error;
}
