/**
 * The last step of every read: a goal a provider's mapper built from an answer, checked as the Goal model
 * requires. The three providers keep JSON from their answers (unknown fields, scopes, attribution) that the
 * model may refuse; what it refuses is handled here, once, the same way for all of them.
 */
import { type Goal, GoalSchema, isForbiddenKey, MAX_JSON_DEPTH, setOwnProperty } from './goal.ts';
import { parseResponseOrThrow } from './validate.ts';
import type { Mapped, MappingWarning } from './warnings.ts';

interface ReadContext {
  provider: string;
  /** What the goal is, for the error: "goal 42". */
  what: string;
}

/** Marks a value dropped from kept JSON (an array keeps the position as null). */
const DROPPED = Symbol('dropped');

/**
 * JSON kept from an answer without what the Goal refuses: keys that can reach a prototype, and data nested
 * deeper than {@link MAX_JSON_DEPTH}. `depth`: the value's level in the checked record (as the schema counts).
 */
function keepable(
  value: unknown,
  path: string,
  depth: number,
  drop: (path: string, reason: string) => void,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_JSON_DEPTH) {
    drop(path, `the answer holds JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
    return DROPPED;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const kept = keepable(item, `${path}.${index}`, depth + 1, drop);
      return kept === DROPPED ? null : kept;
    });
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (isForbiddenKey(key)) {
      drop(at, 'the answer holds a JSON key that can reach a prototype');
      continue;
    }
    const kept = keepable((value as Record<string, unknown>)[key], at, depth + 1, drop);
    if (kept !== DROPPED) setOwnProperty(result, key, kept);
  }
  return result;
}

/** The goal with its kept JSON (extensions, measure scope) made keepable; a warning for each drop. */
function withKeepableJson(goal: Goal): Mapped<Goal> {
  const warnings: MappingWarning[] = [];
  const drop = (field: string, reason: string) => warnings.push({ field, reason, action: 'dropped' });
  const scope = goal.measure?.scope;
  const value: Goal = {
    ...goal,
    extensions: keepable(goal.extensions, 'extensions', 0, drop) as Goal['extensions'],
    ...(scope === undefined || scope === null
      ? {}
      : { measure: { ...goal.measure, scope: keepable(scope, 'measure.scope', 0, drop) as typeof scope } }),
  };
  return { value, warnings };
}

/**
 * `mapped` as a valid Goal. JSON the goal keeps from the answer loses what the model refuses — keys such as
 * `__proto__` or `constructor`, data nested too deep — with a warning for each, so one odd field costs that
 * field, never the goal or the listing it came in. Anything else wrong throws an InvalidResponseError naming
 * the goal and each bad field.
 */
export function readMappedGoal(mapped: Mapped<Goal>, context: ReadContext): Mapped<Goal> {
  const checked = GoalSchema.safeParse(mapped.value);
  if (checked.success) return { value: checked.data, warnings: mapped.warnings };
  const kept = withKeepableJson(mapped.value);
  const value = parseResponseOrThrow(GoalSchema, kept.value, context);
  return { value, warnings: [...mapped.warnings, ...kept.warnings] };
}
