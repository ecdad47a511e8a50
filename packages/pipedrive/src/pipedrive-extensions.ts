/**
 * `extensions.pipedrive`: what a Pipedrive goal holds that the Goal model has no home for, so raw → Goal → raw
 * is lossless. Unknown raw fields (e.g. `seasonality`, reference §1.1) live in `extra`, nested exactly where
 * they were found (`extra.type.params.x` for an unknown `type.params.x`).
 */
import { copyJson, setOwnProperty, type ValidationIssue } from '@goalbridge/core';
import * as z from 'zod';
import { KNOWN_GOAL_FIELDS } from './pipedrive-api.ts';

type Json = z.core.util.JSONType;
export type JsonObject = { [key: string]: Json };

export interface PipedriveGoalExtensions {
  /** `owner_id`: the goal's creator; server-owned. */
  ownerId?: number;
  /** `report_ids`: the Insights reports tracking the goal; server-owned. */
  reportIds?: string[];
  /** `currency_id` when it has no ISO 4217 code in the account (custom currencies) or no target to carry it. */
  currencyId?: number;
  /** `interval` when it is no Goal recurrence (read as `recurrence: 'custom'`). */
  interval?: string;
  /** The goal had no title; the Goal's title was generated and is not written back. */
  untitled?: true;
  /** Unknown raw fields, verbatim, nested as in the raw goal. */
  extra?: JsonObject;
}

export const PipedriveGoalExtensionsSchema = z.strictObject({
  ownerId: z.number().int().optional(),
  reportIds: z.array(z.string()).optional(),
  currencyId: z.number().int().positive().optional(),
  interval: z.string().min(1).optional(),
  untitled: z.literal(true).optional(),
  extra: z.record(z.string(), z.json()).optional(),
});

interface Level {
  path: readonly string[];
  known: ReadonlySet<string>;
}

/** Where unknown keys may sit in a raw goal, and which keys are known there. */
const LEVELS: readonly Level[] = [
  { path: [], known: new Set(KNOWN_GOAL_FIELDS.goal) },
  { path: ['type'], known: new Set(KNOWN_GOAL_FIELDS.type) },
  { path: ['type', 'params'], known: new Set(KNOWN_GOAL_FIELDS.params) },
  { path: ['assignee'], known: new Set(KNOWN_GOAL_FIELDS.assignee) },
  { path: ['duration'], known: new Set(KNOWN_GOAL_FIELDS.duration) },
  { path: ['expected_outcome'], known: new Set(KNOWN_GOAL_FIELDS.expected_outcome) },
];
const LEVEL_BY_PATH: ReadonlyMap<string, Level> = new Map(
  LEVELS.map((level) => [level.path.join('.'), level]),
);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

function ensure(root: JsonObject, path: readonly string[]): JsonObject {
  let node = root;
  for (const key of path) {
    const child = node[key];
    if (!isObject(child)) node[key] = {};
    node = node[key] as JsonObject;
  }
  return node;
}

/** The unknown fields of a raw goal, nested as found; undefined when there are none. */
export function extractExtra(raw: unknown): JsonObject | undefined {
  const extra: JsonObject = {};
  let found = false;
  for (const { path, known } of LEVELS) {
    const node = at(raw, path);
    if (!isObject(node)) continue;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (known.has(key) || value === undefined) continue;
      setOwnProperty(ensure(extra, path), key, copyJson(value));
      found = true;
    }
  }
  return found ? extra : undefined;
}

/** Copies the unknown fields of `extra` at `path` into `target` (known keys are never overwritten). */
export function mergeExtraAt(
  target: Record<string, unknown>,
  extra: JsonObject | undefined,
  path: string[],
): void {
  if (extra === undefined) return; // most goals have no unknown fields
  const level = LEVEL_BY_PATH.get(path.join('.'));
  const node = at(extra, path);
  if (!level || !isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (level.known.has(key) || Object.hasOwn(target, key)) continue;
    setOwnProperty(target, key, copyJson(value));
  }
}

/** Problems with an `extensions.pipedrive` value, as Goal field issues. */
export function extensionIssues(value: unknown): ValidationIssue[] {
  if (value === undefined) return [];
  const parsed = PipedriveGoalExtensionsSchema.safeParse(value);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = ['extensions', 'pipedrive', ...issue.path.map(String), ...keys.slice(0, 1)].join('.');
      return { path, message: keys.length ? 'unknown Pipedrive extension' : issue.message };
    });
  }
  const issues: ValidationIssue[] = [];
  for (const { path, known } of LEVELS) {
    const node = at(parsed.data.extra, path);
    if (!isObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      const where = ['extensions', 'pipedrive', 'extra', ...path, key].join('.');
      if (isLevel([...path, key])) {
        if (!isObject(value)) issues.push({ path: where, message: 'must be an object of unknown fields' });
      } else if (known.has(key)) {
        issues.push({
          path: where,
          message: 'is a known Pipedrive field: set it through the Goal, not as an extra',
        });
      }
    }
  }
  return issues;
}

/** True when `path` is an object level under which `extra` nests unknown fields (`type.params`). */
function isLevel(path: readonly string[]): boolean {
  return LEVEL_BY_PATH.has(path.join('.'));
}

const isSafeInteger = (value: unknown) => Number.isSafeInteger(value);

function isStringList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (typeof value[index] !== 'string') return false;
  return true;
}

/** What the schema checks each field for, except `extra`, whose JSON is left to the schema. */
const SIMPLE_FIELD_CHECKS: ReadonlyMap<string, (value: unknown) => boolean> = new Map([
  ['ownerId', isSafeInteger],
  ['reportIds', isStringList],
  ['currencyId', (value: unknown) => isSafeInteger(value) && (value as number) > 0],
  ['interval', (value: unknown) => typeof value === 'string' && value !== ''],
  ['untitled', (value: unknown) => value === true],
]);

/**
 * True when `value` passes `PipedriveGoalExtensionsSchema` as it is: a plain object of fields the schema
 * knows, each of its type, and no `extra`. Most goals' extensions are such, and reading them needs no parse.
 */
function isSimpleExtension(value: unknown): value is PipedriveGoalExtensions {
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    const check = SIMPLE_FIELD_CHECKS.get(key);
    if (check === undefined || (value[key] !== undefined && !check(value[key]))) return false;
  }
  return true;
}

/** `extensions.pipedrive` as the mappers read it (read only); `{}` when it is not a valid one. */
export function readPipedriveExtensions(extensions: unknown): PipedriveGoalExtensions {
  const value = isObject(extensions) ? extensions.pipedrive : undefined;
  if (value === undefined) return {};
  if (isSimpleExtension(value)) return value;
  const parsed = PipedriveGoalExtensionsSchema.safeParse(value);
  return parsed.success ? (parsed.data as PipedriveGoalExtensions) : {};
}
