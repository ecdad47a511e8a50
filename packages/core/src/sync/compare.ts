/**
 * Field-level comparison of a planned input with what the target holds. Fields the target adapter warned it
 * cannot store as given (its warnings name them, e.g. `target` of a count goal in Plannr or `schedule.end` of
 * an open-ended goal in Capillary) are left out: they could never match, and re-running must converge.
 */
import type { AdapterCapabilities } from '../adapter/contract.ts';
import { type GoalField, type GoalInput, type GoalPatch, ownValue } from '../model/goal.ts';
import type { MappingWarning } from '../model/warnings.ts';

function valueAt(goal: object, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], goal);
}

/** Deep equality for JSON data, where an absent value, `undefined` and `null` are the same. */
export function sameValue(a: unknown, b: unknown): boolean {
  if ((a ?? null) === (b ?? null)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (!sameValue(ownValue(a as Record<string, unknown>, key), ownValue(b as Record<string, unknown>, key)))
      return false;
  }
  return true;
}

/**
 * Whether `current` holds everything `wanted` specifies. What `wanted` leaves undefined is not compared: the
 * target may derive it (Capillary periods from a recurrence, default rules) or keep it empty. `null` is a
 * value ("no end") and compares equal to absent only; arrays must match element by element.
 */
export function covers(wanted: unknown, current: unknown): boolean {
  if (wanted === undefined) return true;
  if ((wanted ?? null) === (current ?? null)) return true;
  if (typeof wanted !== 'object' || typeof current !== 'object' || wanted === null || current === null)
    return false;
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(current) &&
      wanted.length === current.length &&
      wanted.every((item, i) => covers(item, current[i]))
    );
  }
  if (Array.isArray(current)) return false;
  return Object.entries(wanted).every(([key, value]) =>
    covers(value, ownValue(current as Record<string, unknown>, key)),
  );
}

/** The Goal paths a target adapter's warnings say it did not store as given. */
export function unstoredPaths(warnings: readonly MappingWarning[]): string[] {
  return [...new Set(warnings.map((warning) => warning.field))];
}

/** `value` without the sub-paths (relative to it) that are not stored; a path applies to each item of an array. */
function withoutPaths(value: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => withoutPaths(item, paths));
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const path of paths) {
    const [head, ...rest] = path.split('.') as [string, ...string[]];
    if (rest.length === 0) delete copy[head];
    else copy[head] = withoutPaths(copy[head], [rest.join('.')]);
  }
  return copy;
}

/** Whether the target holds what `wanted` specifies at `path`, ignoring what was not stored. */
function samePath(wanted: GoalInput, current: object, path: string, unstored: readonly string[]): boolean {
  if (unstored.some((skip) => path === skip || path.startsWith(`${skip}.`))) return true;
  if (path === 'extensions') {
    // Targets add their own server-owned data: compare only the namespaces the input sets.
    return Object.keys(wanted.extensions).every((namespace) =>
      samePath(wanted, current, `extensions.${namespace}`, unstored),
    );
  }
  const inside = unstored
    .filter((skip) => skip.startsWith(`${path}.`))
    .map((skip) => skip.slice(path.length + 1));
  return covers(withoutPaths(valueAt(wanted, path), inside), withoutPaths(valueAt(current, path), inside));
}

/**
 * The patch that makes `current` hold `wanted` on the fields the target stores: fields `wanted` specifies
 * and the target stores as given (`unstored` paths are skipped).
 */
export function diffGoal(
  wanted: GoalInput,
  current: object,
  stored: readonly GoalField[],
  unstored: readonly string[] = [],
): GoalPatch {
  const patch: Record<string, unknown> = {};
  for (const field of stored) {
    if (field === 'createdAt' || field === 'updatedAt') continue;
    const key = field.split('.')[0] as keyof GoalInput;
    if (key in patch) continue;
    if (!samePath(wanted, current, field, unstored)) patch[key] = wanted[key];
  }
  return patch as GoalPatch;
}

/** The fields a target both writes and reads back: the only ones a comparison with it can use. */
export function storedFields(capabilities: AdapterCapabilities): GoalField[] {
  const { readable, writable } = capabilities.fields;
  return writable.filter((field) => readable.includes(field));
}
