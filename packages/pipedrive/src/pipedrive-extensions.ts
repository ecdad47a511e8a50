/**
 * `extensions.pipedrive`: what a Pipedrive goal holds that the Goal model has no home for, so raw → Goal → raw
 * is lossless. Unknown raw fields (e.g. `seasonality`, reference §1.1) live in `extra`, nested exactly where
 * they were found (`extra.type.params.x` for an unknown `type.params.x`).
 */
import { copyJson, type ValidationIssue } from '@goalbridge/core';
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

/** Where unknown keys may sit in a raw goal, and which keys are known there. */
const LEVELS: readonly { path: readonly string[]; known: readonly string[] }[] = [
  { path: [], known: KNOWN_GOAL_FIELDS.goal },
  { path: ['type'], known: KNOWN_GOAL_FIELDS.type },
  { path: ['type', 'params'], known: KNOWN_GOAL_FIELDS.params },
  { path: ['assignee'], known: KNOWN_GOAL_FIELDS.assignee },
  { path: ['duration'], known: KNOWN_GOAL_FIELDS.duration },
  { path: ['expected_outcome'], known: KNOWN_GOAL_FIELDS.expected_outcome },
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root);
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
    for (const [key, value] of Object.entries(node)) {
      if ((known as readonly string[]).includes(key) || value === undefined) continue;
      ensure(extra, path)[key] = copyJson(value) as Json;
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
  const level = LEVELS.find((candidate) => candidate.path.join('.') === path.join('.'));
  const node = at(extra, path);
  if (!level || !isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if ((level.known as readonly string[]).includes(key) || key in target) continue;
    target[key] = copyJson(value);
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
      } else if ((known as readonly string[]).includes(key)) {
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
  return LEVELS.some((level) => level.path.join('.') === path.join('.'));
}

export function readPipedriveExtensions(extensions: unknown): PipedriveGoalExtensions {
  const parsed = PipedriveGoalExtensionsSchema.safeParse(
    isObject(extensions) ? extensions.pipedrive : undefined,
  );
  return parsed.success ? (parsed.data as PipedriveGoalExtensions) : {};
}
