/** Options shared by `plan`, `migrate` and `import`: owner map, ID map, defaults, conflict policy. */

import { resolve } from 'node:path';
import {
  type ConflictPolicy,
  isCurrencyCode,
  isIsoDate,
  type Owner,
  OwnerSchema,
  type PlanOptions,
  RECURRENCES,
  type Recurrence,
} from '@goalbridge/core';
import { FileIdMapStore, readOwnerMapFile } from '@goalbridge/core/node';
import { type OptionSpecs, oneOf, type ParsedOptions } from '../args.ts';
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
    description: 'remembers source → target ids; makes runs resumable (created if missing)',
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
  idMap?: FileIdMapStore;
}

function parseOwner(value: string): Owner {
  const colon = value.indexOf(':');
  const parsed = OwnerSchema.safeParse(
    colon > 0 ? { type: value.slice(0, colon), id: value.slice(colon + 1) } : undefined,
  );
  if (!parsed.success)
    throw new UsageError(`--default-owner must be TYPE:ID (e.g. account:26600f83-…), got "${value}"`);
  return parsed.data;
}

export async function planSetup(options: ParsedOptions, io: Io): Promise<PlanSetup> {
  const file = (name: string) =>
    typeof options[name] === 'string' ? resolve(io.cwd, options[name] as string) : undefined;
  const ownerMapFile = file('owner-map');
  const idMapFile = file('id-map');
  const defaults: NonNullable<PlanOptions['defaults']> = {};
  if (typeof options.currency === 'string') {
    if (!isCurrencyCode(options.currency))
      throw new UsageError(`--currency must be an ISO 4217 code such as EUR, got "${options.currency}"`);
    defaults.currency = options.currency;
  }
  const count = options['count-kpi'];
  const money = options['money-kpi'];
  if (typeof count === 'string' || typeof money === 'string') {
    defaults.measure = {
      ...(typeof count === 'string' ? { count: { metric: count } } : {}),
      ...(typeof money === 'string' ? { money: { metric: money } } : {}),
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
  const ownerMap = ownerMapFile ? await readOwnerMapFile(ownerMapFile) : undefined;
  const idMap = idMapFile ? await FileIdMapStore.open(idMapFile) : undefined;
  return {
    options: {
      defaults,
      conflict: oneOf<ConflictPolicy>(options, 'conflict', ['update', 'skip', 'fail'], 'update'),
      signal: io.signal,
      ...(ownerMap ? { ownerMap } : {}),
      ...(idMap ? { idMap } : {}),
    },
    ...(idMap ? { idMap } : {}),
  };
}
