/**
 * How the CLI knows each provider: its settings (each readable from a flag or an environment variable, never
 * echoed), how to build its adapter from them, and how to run its simulator as a sandbox.
 */
import {
  type AdapterCapabilities,
  ConfigError,
  formatIssues,
  type GoalAdapter,
  type HttpHooks,
} from '@goalbridge/core';
import { type OptionSpecs, type ParsedOptions, wholeNumber } from './args.ts';
import { type Io, UsageError } from './io.ts';

export interface ProviderSetting {
  /** Key in the settings passed to `create`. */
  name: string;
  env: string;
  flag: string;
  secret: boolean;
  description: string;
  /**
   * Settings that are alternatives to others (an API token or an OAuth token; a cluster or a base URL): the
   * same `group`, a different `choice`. A flag for one choice sets aside the environment's other choices.
   */
  alternative?: { group: string; choice: string };
  /** The setting changes the rate limits (a plan, a quota): `providers` shows the defaults and names it. */
  setsLimits?: boolean;
}

export type SettingValues = Readonly<Record<string, string | undefined>>;

export interface SandboxInstance {
  /** Origin of the simulator's localhost server. */
  url: string;
  /** Environment variables that point the CLI (or the adapter) at this sandbox. */
  env: Record<string, string>;
  /** What the sandbox holds, for the banner. */
  description: string;
  /** Flags a migration into this sandbox needs (Plannr: an owner its goals can have). */
  targetFlags?: string[];
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** Goals to seed (where the provider can be a migration source). */
  goals?: number;
  seed?: number;
  port?: number;
}

export interface ProviderEntry {
  name: string;
  title: string;
  settings: readonly ProviderSetting[];
  /** What the adapter declares (read without any request). */
  capabilities(): AdapterCapabilities;
  /** Builds the adapter; a ConfigError names the variable or flag that is missing or wrong. */
  create(settings: SettingValues, context: { hooks?: HttpHooks | undefined }): GoalAdapter;
  startSandbox(options: SandboxOptions): Promise<SandboxInstance>;
}

/** The option specs for every provider's settings, so any command accepts them as flags. */
export function settingFlags(entries: readonly ProviderEntry[]): OptionSpecs {
  return Object.fromEntries(
    entries.flatMap((entry) =>
      entry.settings.map((setting) => [
        setting.flag,
        {
          type: 'string' as const,
          value: setting.secret ? 'SECRET' : 'VALUE',
          description: `${setting.description} (env ${setting.env})`,
        },
      ]),
    ),
  );
}

export function findProvider(
  entries: readonly ProviderEntry[],
  name: string | boolean | undefined,
  option: string,
): ProviderEntry {
  if (typeof name !== 'string' || name === '') {
    throw new UsageError(`--${option} is required: one of ${entries.map((entry) => entry.name).join(', ')}`);
  }
  const entry = entries.find((candidate) => candidate.name === name);
  if (!entry)
    throw new UsageError(
      `unknown provider "${name}" for --${option}: use one of ${entries.map((e) => e.name).join(', ')}`,
    );
  return entry;
}

/**
 * A provider's settings from flags first, then the environment. Flags win for alternatives too: with
 * `--pipedrive-api-token` given, a `PIPEDRIVE_ACCESS_TOKEN` in the environment is not read.
 */
export function resolveSettings(entry: ProviderEntry, options: ParsedOptions, env: Io['env']): SettingValues {
  const flagged = (setting: ProviderSetting) => typeof options[setting.flag] === 'string';
  const chosenByFlag = new Set(
    entry.settings.filter(flagged).map((setting) => choiceKey(setting.alternative)),
  );
  const setAside = (setting: ProviderSetting) =>
    setting.alternative !== undefined &&
    !chosenByFlag.has(choiceKey(setting.alternative)) &&
    entry.settings.some((other) => flagged(other) && other.alternative?.group === setting.alternative?.group);
  const values: Record<string, string | undefined> = {};
  for (const setting of entry.settings) {
    const flag = options[setting.flag];
    const value = typeof flag === 'string' ? flag : setAside(setting) ? undefined : env[setting.env];
    values[setting.name] = value === undefined || value.trim() === '' ? undefined : value;
  }
  return values;
}

function choiceKey(alternative: ProviderSetting['alternative']): string | undefined {
  return alternative && `${alternative.group}:${alternative.choice}`;
}

/**
 * The provider's adapter, from flags and environment. Options the adapter refuses are named as the user gave
 * them (`PIPEDRIVE_BASE_URL (--pipedrive-base-url)`), not by the adapter's option names.
 */
export function openProvider(
  entry: ProviderEntry,
  options: ParsedOptions,
  env: Io['env'],
  hooks: HttpHooks | undefined,
): GoalAdapter {
  const settings = resolveSettings(entry, options, env);
  checkOneChoice(entry, settings);
  try {
    return entry.create(settings, { hooks });
  } catch (error) {
    if (!ConfigError.isInstance(error) || error.issues.length === 0) throw error;
    const named = error.issues.map((issue) => ({ ...issue, path: settingSource(entry, issue.path) }));
    throw new ConfigError(`${entry.name}: ${formatIssues(named, 'settings')}`, {
      provider: entry.name,
      issues: named,
    });
  }
}

/** Alternatives given together (both an API token and an OAuth token) are refused, naming both. */
function checkOneChoice(entry: ProviderEntry, settings: SettingValues): void {
  const chosen = new Map<string, ProviderSetting>();
  for (const setting of entry.settings) {
    const { alternative } = setting;
    if (!alternative || settings[setting.name] === undefined) continue;
    const earlier = chosen.get(alternative.group);
    if (earlier && earlier.alternative?.choice !== alternative.choice) {
      throw new ConfigError(
        `${entry.name}: set either ${whereFrom(earlier)} or ${whereFrom(setting)}, not both`,
        { provider: entry.name },
      );
    }
    chosen.set(alternative.group, earlier ?? setting);
  }
}

/**
 * Where the setting behind an adapter option path comes from: its variable and flag, or the path itself. A
 * nested option (`auth.password`) is named by its own setting.
 */
function settingSource(entry: ProviderEntry, path: string): string {
  const segments = path.split('.');
  const setting =
    entry.settings.find((candidate) => candidate.name === segments[0]) ??
    entry.settings.find((candidate) => candidate.name === segments.at(-1));
  return setting ? whereFrom(setting) : path;
}

/** A setting as the user gives it: `PIPEDRIVE_BASE_URL (--pipedrive-base-url)`. */
function whereFrom(setting: ProviderSetting): string {
  return `${setting.env} (--${setting.flag})`;
}

/** A ConfigError naming where a required setting comes from. */
export function missingSetting(entry: ProviderEntry, ...names: string[]): ConfigError {
  const sources = names.map((name) => {
    const setting = entry.settings.find((candidate) => candidate.name === name);
    return setting ? `${setting.env} (or --${setting.flag})` : name;
  });
  return new ConfigError(`${entry.name}: set ${sources.join(' or ')}`, { provider: entry.name });
}

/** A setting that must be a positive whole number (see {@link wholeNumber}). */
export function positiveSetting(
  entry: ProviderEntry,
  name: string,
  value: string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const number = wholeNumber(value);
  if (number === undefined || number < 1) {
    const env = entry.settings.find((setting) => setting.name === name)?.env ?? name;
    throw new ConfigError(`${entry.name}: ${env} must be a positive whole number`, { provider: entry.name });
  }
  return number;
}
