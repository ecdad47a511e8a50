/** Options shared by `plan`, `migrate` and `import`: owner map, ID map, defaults, conflict policy. */

import {
  type ConflictPolicy,
  type IdMapStore,
  isCurrencyCode,
  isIsoDate,
  type Owner,
  OwnerSchema,
  type PlanDefaults,
  type PlanOptions,
  RECURRENCES,
  type Recurrence,
} from '@goalbridge/core';
import { FileIdMapStore, readOwnerMapFile } from '@goalbridge/core/node';
import { fileOption, type OptionSpecs, oneOf, optionalText, type ParsedOptions } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

export const PLAN_OPTIONS: OptionSpecs = {
  'owner-map': {
    type: 'string',
    value: 'FILE',
    description: 'JSON map of source owners to target owners ("person:12": {"type":"account","id":"…"})',
  },
  'id-map': {
    type: 'string',
    value: 'FILE',
    description:
      'remembers source → target ids; makes runs resumable (migrate/import: created if missing, locked; plan, --dry-run: read only)',
  },
  conflict: {
    type: 'string',
    value: 'POLICY',
    description: 'when the target holds a different version: update (default), skip, fail',
  },
  currency: {
    type: 'string',
    value: 'CODE',
    description: 'ISO 4217 currency for money goals whose source has none',
  },
  'count-kpi': {
    type: 'string',
    value: 'METRIC',
    description: 'metric for count goals the target cannot measure as they are (e.g. TRANSACTION/COUNT)',
  },
  'money-kpi': {
    type: 'string',
    value: 'METRIC',
    description: 'metric for money goals the target cannot measure as they are (e.g. TRANSACTION/SALES)',
  },
  'default-owner': {
    type: 'string',
    value: 'TYPE:ID',
    description: 'owner for goals left without one after owner mapping',
  },
  'start-date': {
    type: 'string',
    value: 'DATE',
    description: 'start for goals without one: YYYY-MM-DD, created or today',
  },
  recurrence: {
    type: 'string',
    value: 'EVERY',
    description: `recurrence where the target needs one: ${RECURRENCES.join(', ')}`,
  },
};

export interface PlanSetup {
  options: PlanOptions;
  idMap?: IdMapStore;
}

/**
 * What a command does with `--id-map`: `write` opens it (created if missing) for a run that writes goals;
 * `read` is for plans and dry runs, which only consult a map that exists and never create one.
 */
export type IdMapUse = 'write' | 'read';

function parseOwner(value: string): Owner {
  const colon = value.indexOf(':');
  const parsed = OwnerSchema.safeParse(
    colon > 0 ? { type: value.slice(0, colon), id: value.slice(colon + 1) } : undefined,
  );
  if (!parsed.success)
    throw new UsageError(`--default-owner must be TYPE:ID (e.g. account:26600f83-…), got "${value}"`);
  return parsed.data;
}

/** The plan defaults from their flags; a bad value is a usage error naming the flag. */
function planDefaults(options: ParsedOptions): PlanDefaults {
  const defaults: PlanDefaults = {};
  if (typeof options.currency === 'string') {
    if (!isCurrencyCode(options.currency))
      throw new UsageError(`--currency must be an ISO 4217 code such as EUR, got "${options.currency}"`);
    defaults.currency = options.currency;
  }
  const count = optionalText(options, 'count-kpi', 'a metric such as TRANSACTION/COUNT');
  const money = optionalText(options, 'money-kpi', 'a metric such as TRANSACTION/SALES');
  if (count !== undefined || money !== undefined) {
    defaults.measure = {
      ...(count !== undefined ? { count: { metric: count } } : {}),
      ...(money !== undefined ? { money: { metric: money } } : {}),
    };
  }
  if (typeof options['default-owner'] === 'string') defaults.owners = [parseOwner(options['default-owner'])];
  const start = options['start-date'];
  if (typeof start === 'string') {
    if (start !== 'created' && start !== 'today' && !isIsoDate(start)) {
      throw new UsageError(`--start-date must be YYYY-MM-DD, created or today, got "${start}"`);
    }
    defaults.start = start;
  }
  if (options.recurrence !== undefined)
    defaults.recurrence = oneOf<Recurrence>(options, 'recurrence', RECURRENCES, 'none');
  return defaults;
}

/**
 * A run that writes takes the map's lock (creating it if missing); a plan reads a snapshot and touches nothing.
 * Every entry is synced to disk: a map that lost its last entries to a power cut would have the next run create
 * those goals again, and a sync (well under a millisecond) is nothing beside the write it records.
 */
function openIdMap(path: string, use: IdMapUse): Promise<IdMapStore> {
  return use === 'read' ? FileIdMapStore.snapshot(path) : FileIdMapStore.open(path, { durable: true });
}

/** The plan flags, every one checked; the files they name are not read yet. */
export interface PlanFlags {
  defaults: PlanDefaults;
  conflict: ConflictPolicy;
  ownerMapFile: string | undefined;
  idMapFile: string | undefined;
}

export function planFlags(options: ParsedOptions, io: Io): PlanFlags {
  return {
    defaults: planDefaults(options),
    conflict: oneOf<ConflictPolicy>(options, 'conflict', ['update', 'skip', 'fail'], 'update'),
    ownerMapFile: fileOption(options, 'owner-map', io.cwd),
    idMapFile: fileOption(options, 'id-map', io.cwd),
  };
}

/**
 * Reads the files the plan flags name. The ID map is opened last: a bad owner map never leaves a map file or its
 * lock behind. The caller closes `idMap`.
 */
export async function openPlanFiles(flags: PlanFlags, io: Io, idMapUse: IdMapUse): Promise<PlanSetup> {
  const ownerMap = flags.ownerMapFile ? await readOwnerMapFile(flags.ownerMapFile) : undefined;
  const idMap = flags.idMapFile ? await openIdMap(flags.idMapFile, idMapUse) : undefined;
  return {
    options: {
      defaults: flags.defaults,
      conflict: flags.conflict,
      signal: io.signal,
      ...(ownerMap ? { ownerMap } : {}),
      ...(idMap ? { idMap } : {}),
    },
    ...(idMap ? { idMap } : {}),
  };
}

/** The plan options of `plan` and `migrate`: every flag checked before any file is read (see {@link openPlanFiles}). */
export function planSetup(options: ParsedOptions, io: Io, idMapUse: IdMapUse): Promise<PlanSetup> {
  return openPlanFiles(planFlags(options, io), io, idMapUse);
}

/**
 * Runs `body`, then closes the setup's ID map. When the run failed, a failing close is only reported on
 * stderr: the run's own error is the one to act on, and must not be replaced by it.
 */
export async function closingIdMap<T>(setup: PlanSetup, io: Io, body: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (error) {
    await setup.idMap?.close?.().catch((closing: unknown) => {
      io.stderr.write(`warning: ${(closing as Error).message}\n`);
    });
    throw error;
  }
  await setup.idMap?.close?.();
  return result;
}
