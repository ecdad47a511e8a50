/**
 * The goal store/update rules as a Laravel FormRequest would run them: the documented limits [S1, S2]
 * (reference §1.2, §1.4) with Laravel 10 messages and the 422 body shape (reference §2.5). Input first passes
 * Laravel's default middleware: strings trimmed, empty strings turned into null (ASSUMPTION `trimsStrings`).
 */
import { isIsoDate, localDateOf } from '@goalbridge/core';
import { PLANNR_LIMITS } from '../convert-to-plannr-goal.ts';
import { PLANNR_ASSUMPTIONS } from '../plannr-assumptions.ts';

/** What a valid body changes; absent keys stay as they are. */
export interface GoalChanges {
  accountUuids?: string[];
  name?: string;
  description?: string | null;
  targetAmount?: string | null;
  progress?: number | null;
  timeframe?: string | null;
  completeGoalBy?: string | null;
  priority?: number | null;
  shownOnCircles?: boolean;
  visibleToCirclesUuids?: string[];
}

export interface ValidationContext {
  mode: 'create' | 'update';
  /** The canonical UUID of a client account, case-insensitively, or undefined. */
  clientAccount(uuid: string): string | undefined;
  circle(uuid: string): string | undefined;
  /** Minor units per written `target_amount` unit: 1, or 100 for GBP if writes were whole pounds. */
  minorUnitsPerTargetUnit: bigint;
}

export type ValidationResult =
  | { ok: true; changes: GoalChanges }
  | { ok: false; body: { message: string; errors: Record<string, string[]> } };

type Input = Record<string, unknown>;
/** One rule: a message when `value` fails it. */
type Rule = (value: unknown, label: string) => string | undefined;

const label = (attribute: string) => attribute.replaceAll('_', ' ');

const string: Rule = (value, name) =>
  typeof value === 'string' ? undefined : `The ${name} field must be a string.`;
const array: Rule = (value, name) =>
  Array.isArray(value) ? undefined : `The ${name} field must be an array.`;
const maxCharacters =
  (max: number): Rule =>
  (value, name) =>
    [...(value as string)].length > max
      ? `The ${name} field must not be greater than ${max} characters.`
      : undefined;
const integer: Rule = (value, name) =>
  toInteger(value) === undefined ? `The ${name} field must be an integer.` : undefined;
const between =
  (min: number, max?: number): Rule =>
  (value, name) => {
    const number = Number(toInteger(value));
    if (number < min) return `The ${name} field must be at least ${min}.`;
    return max !== undefined && number > max
      ? `The ${name} field must not be greater than ${max}.`
      : undefined;
  };
const date: Rule = (value, name) =>
  toDate(value) === undefined ? `The ${name} field must be a valid date.` : undefined;
const boolean: Rule = (value, name) =>
  toBoolean(value) === undefined ? `The ${name} field must be true or false.` : undefined;

/** Laravel's `integer`: an integer, or text of one (`FILTER_VALIDATE_INT`). */
function toInteger(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  return typeof value === 'string' && /^[+-]?\d{1,18}$/.test(value) ? BigInt(value) : undefined;
}

/** Laravel's `date` accepts what strtotime reads; a calendar date or an ISO datetime is what clients send. */
function toDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isIsoDate(value)) return value;
  const local = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2})?$/.exec(value)?.[1];
  return local !== undefined && isIsoDate(local) ? local : localDateOf(value);
}

function toBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 1 || value === '1') return true;
  if (value === false || value === 0 || value === '0') return false;
  return undefined;
}

/** Laravel's TrimStrings and ConvertEmptyStringsToNull, applied through arrays and objects. */
function normalizeInput(value: unknown): unknown {
  if (typeof value === 'string') {
    const text = PLANNR_ASSUMPTIONS.trimsStrings ? value.trim() : value;
    return text === '' && PLANNR_ASSUMPTIONS.trimsStrings ? null : text;
  }
  if (Array.isArray(value)) return value.map(normalizeInput);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalizeInput(item)]));
  }
  return value;
}

interface FieldRules {
  /** `required` when present (fails for null and empty arrays), and when absent on create. */
  required?: boolean;
  nullable?: boolean;
  rules: Rule[];
  /** Rule for each item of an array (`field.*`); a message when the item fails. */
  item?: (value: unknown, context: ValidationContext) => string | undefined;
}

const RULES: Readonly<Record<string, FieldRules>> = {
  account_uuids: {
    required: true,
    rules: [array],
    item: (value, context) => (typeof value === 'string' ? context.clientAccount(value) : undefined),
  },
  name: { required: true, rules: [string, maxCharacters(PLANNR_LIMITS.name)] },
  description: { nullable: true, rules: [string, maxCharacters(PLANNR_LIMITS.description)] },
  target_amount: { nullable: true, rules: [integer, between(0)] },
  progress: {
    nullable: true,
    rules: [integer, between(PLANNR_LIMITS.progress.min, PLANNR_LIMITS.progress.max)],
  },
  timeframe: { nullable: true, rules: [string, maxCharacters(PLANNR_LIMITS.timeframe)] },
  complete_goal_by: { nullable: true, rules: [date] },
  priority: {
    nullable: true,
    rules: [integer, between(PLANNR_LIMITS.priority.min, PLANNR_LIMITS.priority.max)],
  },
  shown_on_circles: { rules: [boolean] },
  show_on_circles: { rules: [boolean] },
  visible_to_circles_uuids: {
    nullable: true,
    rules: [array],
    item: (value, context) => (typeof value === 'string' ? context.circle(value) : undefined),
  },
};

/** The first rule's message that fails; later rules assume the earlier ones held (`max` needs a string). */
function firstFailure(rules: readonly Rule[], value: unknown, name: string): string | undefined {
  for (const rule of rules) {
    const message = rule(value, name);
    if (message !== undefined) return message;
  }
  return undefined;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Validates a goal body; `account_uuids` and `name` are required on create (ASSUMPTION `requiredOnCreate`). */
export function validateGoalBody(body: unknown, context: ValidationContext): ValidationResult {
  const input = normalizeInput(
    typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {},
  ) as Input;
  const errors: Record<string, string[]> = {};
  const fail = (attribute: string, message: string) => {
    errors[attribute] = [...(errors[attribute] ?? []), message];
  };

  for (const [attribute, field] of Object.entries(RULES)) {
    const present = Object.hasOwn(input, attribute);
    const value = input[attribute];
    const name = label(attribute);
    const requiredNow =
      field.required === true &&
      (present ||
        (context.mode === 'create' &&
          (PLANNR_ASSUMPTIONS.requiredOnCreate as readonly string[]).includes(attribute)));
    if (requiredNow && isEmpty(value)) {
      fail(attribute, `The ${name} field is required.`);
      continue;
    }
    if (!present || (value === null && field.nullable)) continue;
    const message = firstFailure(field.rules, value, name);
    if (message !== undefined) {
      fail(attribute, message);
      continue;
    }
    if (field.item && Array.isArray(value)) {
      value.forEach((item, index) => {
        // Wildcard attributes keep their raw name in messages (Laravel's implicit attributes).
        if (field.item?.(item, context) === undefined) {
          fail(`${attribute}.${index}`, `The selected ${attribute}.${index} is invalid.`);
        }
      });
    }
  }

  const messages = Object.values(errors).flat();
  if (messages.length > 0) {
    const more = messages.length - 1;
    const suffix = more > 0 ? ` (and ${more} more error${more > 1 ? 's' : ''})` : '';
    return { ok: false, body: { message: `${messages[0]}${suffix}`, errors } };
  }
  return { ok: true, changes: changesFrom(input, context) };
}

function changesFrom(input: Input, context: ValidationContext): GoalChanges {
  const changes: GoalChanges = {};
  const has = (key: string) => Object.hasOwn(input, key);
  const nullableInteger = (key: string) => (input[key] === null ? null : Number(toInteger(input[key])));
  if (has('account_uuids')) {
    changes.accountUuids = [
      ...new Set((input.account_uuids as string[]).map((uuid) => context.clientAccount(uuid) as string)),
    ];
  }
  if (has('name')) changes.name = input.name as string;
  if (has('description')) changes.description = input.description as string | null;
  if (has('target_amount')) {
    const amount = toInteger(input.target_amount);
    changes.targetAmount = amount === undefined ? null : String(amount * context.minorUnitsPerTargetUnit);
  }
  if (has('progress')) changes.progress = nullableInteger('progress');
  if (has('timeframe')) changes.timeframe = input.timeframe as string | null;
  if (has('complete_goal_by')) {
    changes.completeGoalBy =
      input.complete_goal_by === null ? null : (toDate(input.complete_goal_by) as string);
  }
  if (has('priority')) changes.priority = nullableInteger('priority');
  // Both spellings are accepted (reference §1.2); the formal field list's name wins when both are sent.
  const shown = has('shown_on_circles') ? input.shown_on_circles : input.show_on_circles;
  if (has('shown_on_circles') || has('show_on_circles')) changes.shownOnCircles = toBoolean(shown) as boolean;
  if (has('visible_to_circles_uuids')) {
    const circles = (input.visible_to_circles_uuids as string[] | null) ?? [];
    changes.visibleToCirclesUuids = [...new Set(circles.map((uuid) => context.circle(uuid) as string))];
  }
  return changes;
}
