/**
 * Request validation as the reference describes it (§1.2, §1.6, §1.7): required fields on add, the enums,
 * id lists or `null`, `stage_id` only for deals_progressed, `currency_id` only for (and, per Activepieces,
 * required on) sum goals, dates as YYYY-MM-DD with an end that may be `null`. On update, nested objects must
 * be complete (the reference leaves the choice open: this simulator refuses partial ones) except `type.params`,
 * which is kept when omitted (Activepieces: "keeps the current pipeline and stage settings").
 */
import { isIsoDate, ownValue, parseDecimal, setOwnProperty } from '@goalbridge/core';
import {
  ACTIVITY_GOAL_TYPES,
  PIPEDRIVE_ASSIGNEE_TYPES,
  PIPEDRIVE_GOAL_TYPES,
  PIPEDRIVE_INTERVALS,
  PIPEDRIVE_TRACKING_METRICS,
  STAGE_GOAL_TYPE,
} from '../pipedrive-api.ts';

export type RawGoal = Record<string, unknown>;
export type Checked = { ok: true; goal: RawGoal } | { ok: false; message: string };

const REQUIRED_ON_ADD = ['type', 'assignee', 'expected_outcome', 'duration', 'interval'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** An integer, also as a numeric string (the docs show `"id": "1"`). */
function integerOf(value: unknown): number | undefined {
  if (isInteger(value)) return value;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

function oneOf(list: readonly string[]): string {
  return list.join(', ');
}

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function idList(value: unknown, field: string): number[] | null {
  if (value === null) return null;
  if (Array.isArray(value) && value.every(isInteger)) return [...value];
  return fail(`${field} must be an array of integers or null`);
}

function checkType(type: unknown): RawGoal {
  if (!isObject(type)) fail('type must be an object');
  const { name, params = {} } = type;
  if (typeof name !== 'string' || !(PIPEDRIVE_GOAL_TYPES as readonly string[]).includes(name))
    fail(`type.name must be one of ${oneOf(PIPEDRIVE_GOAL_TYPES)}`);
  if (params !== null && !isObject(params)) fail('type.params must be an object');
  const checked: RawGoal = { ...(params ?? {}) };
  if (checked.pipeline_id !== undefined)
    checked.pipeline_id = idList(checked.pipeline_id, 'type.params.pipeline_id');
  if (checked.activity_type_id !== undefined) {
    checked.activity_type_id = idList(checked.activity_type_id, 'type.params.activity_type_id');
  }
  if (checked.stage_id !== undefined) {
    if (name !== STAGE_GOAL_TYPE) fail(`type.params.stage_id is only for ${STAGE_GOAL_TYPE} goals`);
    if (!isInteger(checked.stage_id)) fail('type.params.stage_id must be an integer');
  }
  return { ...type, params: checked };
}

function checkAssignee(assignee: unknown): RawGoal {
  if (!isObject(assignee)) fail('assignee must be an object');
  const id = integerOf(assignee.id);
  if (id === undefined || id <= 0) fail('assignee.id must be a positive integer');
  if (
    typeof assignee.type !== 'string' ||
    !(PIPEDRIVE_ASSIGNEE_TYPES as readonly string[]).includes(assignee.type)
  )
    fail(`assignee.type must be one of ${oneOf(PIPEDRIVE_ASSIGNEE_TYPES)}`);
  return { ...assignee, id };
}

/** A target as stored: the number, or the numeric text when no double holds it exactly. */
function targetOf(value: unknown): number | string {
  const decimal = parseDecimal(value);
  if (decimal === undefined || decimal.startsWith('-'))
    fail('expected_outcome.target must be a non-negative number');
  const number = Number(decimal);
  return parseDecimal(number) === decimal ? number : decimal;
}

function checkOutcome(outcome: unknown, currencies: ReadonlySet<number>): RawGoal {
  if (!isObject(outcome)) fail('expected_outcome must be an object');
  if (outcome.target === undefined || outcome.target === null) fail('expected_outcome.target is required');
  const metric = outcome.tracking_metric;
  if (typeof metric !== 'string' || !(PIPEDRIVE_TRACKING_METRICS as readonly string[]).includes(metric))
    fail(`expected_outcome.tracking_metric must be one of ${oneOf(PIPEDRIVE_TRACKING_METRICS)}`);
  const checked: RawGoal = { ...outcome, target: targetOf(outcome.target) };
  const currencyId = outcome.currency_id;
  if (metric === 'quantity') {
    if (currencyId !== undefined && currencyId !== null)
      fail('expected_outcome.currency_id is only for sum goals');
    delete checked.currency_id;
  } else {
    if (currencyId === undefined || currencyId === null)
      fail('expected_outcome.currency_id is required for sum goals');
    if (!isInteger(currencyId) || !currencies.has(currencyId))
      fail('expected_outcome.currency_id is not a currency of this company');
  }
  return checked;
}

function checkDuration(duration: unknown): RawGoal {
  if (!isObject(duration)) fail('duration must be an object');
  const { start, end = null } = duration;
  if (!isIsoDate(start)) fail('duration.start must be a date as YYYY-MM-DD');
  if (end !== null && !isIsoDate(end)) fail('duration.end must be a date as YYYY-MM-DD or null');
  if (end !== null && end < start) fail('duration.end must not be before duration.start');
  return { ...duration, start, end };
}

/** Checks a complete goal (an add body, or the goal an update would produce) and returns it normalized. */
export function checkGoal(goal: RawGoal, currencies: ReadonlySet<number>): Checked {
  try {
    const missing = REQUIRED_ON_ADD.find((field) => goal[field] === undefined || goal[field] === null);
    if (missing) fail(`${missing} is required`);
    if (goal.title !== undefined && typeof goal.title !== 'string') fail('title must be a string');
    if (
      typeof goal.interval !== 'string' ||
      !(PIPEDRIVE_INTERVALS as readonly string[]).includes(goal.interval)
    )
      fail(`interval must be one of ${oneOf(PIPEDRIVE_INTERVALS)}`);
    return {
      ok: true,
      goal: {
        ...goal,
        type: checkType(goal.type),
        assignee: checkAssignee(goal.assignee),
        duration: checkDuration(goal.duration),
        expected_outcome: checkOutcome(goal.expected_outcome, currencies),
      },
    };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, message: error.message };
    throw error;
  }
}

/** Fields the server owns: a body cannot set them. */
const SERVER_OWNED = new Set(['id', 'owner_id', 'is_active', 'report_ids']);

/** Required keys of each nested object on update (partial nested objects are refused). */
const COMPLETE: Readonly<Record<string, readonly string[]>> = {
  type: ['name'],
  assignee: ['id', 'type'],
  expected_outcome: ['target', 'tracking_metric'],
  duration: ['start'],
};

/** The goal an update body would produce, or why it is refused. */
export function mergeUpdate(current: RawGoal, body: RawGoal): RawGoal | string {
  const merged: RawGoal = { ...current };
  for (const [key, value] of Object.entries(body)) {
    if (SERVER_OWNED.has(key)) continue;
    const required = ownValue(COMPLETE, key);
    if (required) {
      if (!isObject(value)) return `${key} must be an object`;
      const missing = required.find((field) => value[field] === undefined);
      if (missing) return `${key}.${missing} is required when ${key} is given`;
    }
    setOwnProperty(merged, key, value);
  }
  const type = body.type;
  if (isObject(type) && type.params === undefined && isObject(current.type)) {
    merged.type = { ...type, params: current.type.params };
  }
  return merged;
}

/** Keys of an add body the server owns are ignored, like on update. */
export function withoutServerOwned(body: RawGoal): RawGoal {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !SERVER_OWNED.has(key)));
}

export function isActivityType(name: unknown): boolean {
  return typeof name === 'string' && ACTIVITY_GOAL_TYPES.has(name);
}
