/** Field-level comparison of a planned input with what the target already holds. */
import type { GoalField, GoalInput, GoalPatch } from '../model/goal.ts';

/** Top-level Goal key a (possibly dotted) field belongs to. */
function topLevel(field: GoalField): keyof GoalInput {
  return field.split('.')[0] as keyof GoalInput;
}

function valueAt(goal: object, field: string): unknown {
  return field
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
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * The patch that makes `current` hold `wanted` on the fields the target stores. Extensions compare only the
 * namespaces `wanted` sets, since targets add their own server-owned data.
 */
export function diffGoal(wanted: GoalInput, current: object, stored: readonly GoalField[]): GoalPatch {
  const patch: Record<string, unknown> = {};
  for (const field of stored) {
    if (field === 'createdAt' || field === 'updatedAt') continue;
    const key = topLevel(field);
    if (key in patch) continue;
    const differs =
      field === 'extensions'
        ? Object.entries(wanted.extensions).some(
            ([namespace, data]) => !sameValue(data, valueAt(current, `extensions.${namespace}`)),
          )
        : !sameValue(valueAt(wanted, field), valueAt(current, field));
    if (differs) patch[key] = wanted[key];
  }
  return patch as GoalPatch;
}
