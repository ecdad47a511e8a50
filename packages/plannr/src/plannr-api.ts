/**
 * Plannr's goal payloads as zod schemas. Response schemas are lenient — unknown fields pass through and are
 * kept — but strict about the values the mapping relies on, so a surprising answer fails with the field's path
 * instead of turning into a wrong goal.
 */
import { isCurrencyCode, localDateOf, ownValue, parseDateTime } from '@goalbridge/core';
import * as z from 'zod';

export const PLANNR_PROVIDER = 'plannr';
export const PLANNR_BASE_URL = 'https://api.plannrcrm.com/api/v2';
export const PLANNR_ORIGIN = 'https://api.plannrcrm.com';

/** Any RFC 4122 UUID; Plannr's own examples include version 3 ids (reference §1.4, `6ff8f7f6-…-3525-…`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in either case: what a read accepts, and what an id must look like before its case is checked. */
export function isPlannrUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * Why `value` cannot be sent as the UUID of a Plannr `what` (goal, account, circle), or undefined when it can.
 * Plannr answers UUIDs in lower case and goalbridge compares ids exactly (a sync's natural key and diff), so
 * an id sent in any other case would never be recognised when read back: it is refused, never lower-cased.
 */
export function plannrUuidProblem(value: string, what: string): string | undefined {
  if (!isPlannrUuid(value)) return `must be a Plannr ${what} UUID`;
  const canonical = value.toLowerCase();
  return value === canonical ? undefined : `must be a lower-case UUID, as Plannr writes it: ${canonical}`;
}

const Uuid = z.string().regex(UUID, 'must be a UUID');
const Timestamp = z
  .string()
  .refine((value) => parseDateTime(value) !== undefined, 'must be an ISO 8601 datetime with offset');
/** Whole minor units: a digit string as documented (`"4000"`, reference §1.0.1), or an integer number. */
const MinorUnits = z.union([
  z.string().regex(/^\d+$/, 'must be whole minor units'),
  z.number().int().nonnegative().refine(Number.isSafeInteger, 'must be a safe integer'),
]);
/** Progress and priority are strings on read (reference §1.0, [S1, S6]); numbers are tolerated. */
const NumericText = (pattern: RegExp, message: string) =>
  z.union([z.string().regex(pattern, message), z.number().refine((n) => pattern.test(String(n)), message)]);
/** Laravel renders a boolean column as true/false, an uncast one as 0/1. */
const Flag = z.union([z.boolean(), z.literal(0), z.literal(1)]);

export const PlannrMoneySchema = z.looseObject({
  amount: MinorUnits,
  formatted: z.string().optional(),
  currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code'),
});

/** An AccountResource (reference §1.0.2); only `uuid` is relied on. */
export const PlannrAccountSchema = z.looseObject({
  uuid: Uuid,
  type: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
});

/** A CircleResource [S10]; only `uuid` is relied on. */
export const PlannrCircleSchema = z.looseObject({ uuid: Uuid, name: z.string().nullable().optional() });

/** A goal as Plannr answers it (reference §1.0): documented fields, plus relations an `include` loads. */
export const PlannrGoalSchema = z.looseObject({
  uuid: Uuid,
  created_at: Timestamp,
  updated_at: Timestamp,
  name: z.string().refine((name) => name.trim() !== '', 'must not be blank'),
  description: z.string().nullable().optional(),
  target_amount: PlannrMoneySchema.nullable().optional(),
  progress: NumericText(/^(?:0|[1-9]\d*)(?:\.\d+)?$/, 'must be a percentage')
    .nullable()
    .optional(),
  timeframe: z.string().nullable().optional(),
  complete_goal_by: z
    .string()
    .refine((value) => localDateOf(value) !== undefined, 'must be a date or datetime')
    .nullable()
    .optional(),
  priority: NumericText(/^[1-5]$/, 'must be 1 to 5')
    .nullable()
    .optional(),
  shared_owner_type: z.string().nullable().optional(),
  shared_owner: PlannrAccountSchema.nullable().optional(),
  accounts: z.array(PlannrAccountSchema).optional(),
  account_uuids: z.array(Uuid).optional(),
  shown_on_circles: Flag.nullable().optional(),
  show_on_circles: Flag.nullable().optional(),
  visible_to_circles: z.array(PlannrCircleSchema).optional(),
  visible_to_circles_uuids: z.array(Uuid).nullable().optional(),
});

/** Laravel's length-aware paginator envelope (reference §1.1, §2.4). */
export const PlannrGoalPageSchema = z.looseObject({
  data: z.array(PlannrGoalSchema),
  links: z
    .looseObject({
      first: z.string().nullable().optional(),
      last: z.string().nullable().optional(),
      prev: z.string().nullable().optional(),
      next: z.string().nullable().optional(),
    })
    .optional(),
  meta: z.looseObject({
    current_page: z.number().int().positive(),
    last_page: z.number().int().nonnegative(),
    per_page: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional(),
    total: z.number().int().nonnegative().optional(),
  }),
});

export type PlannrMoney = z.output<typeof PlannrMoneySchema>;
export type PlannrAccount = z.output<typeof PlannrAccountSchema>;
export type PlannrCircle = z.output<typeof PlannrCircleSchema>;
export type PlannrGoal = z.output<typeof PlannrGoalSchema>;
export type PlannrGoalPage = z.output<typeof PlannrGoalPageSchema>;

/** The body of `POST /goals` and `PUT /goals/{uuid}` (reference §1.2, §1.4; types from [S7]). */
export interface PlannrGoalWrite {
  account_uuids?: string[];
  name?: string;
  description?: string | null;
  /** Integer minor units (pennies), never a float (ASSUMPTION `targetAmountUnit`). */
  target_amount?: number | null;
  progress?: number | null;
  timeframe?: string | null;
  /** `YYYY-MM-DD`. */
  complete_goal_by?: string | null;
  priority?: number | null;
  shown_on_circles?: boolean;
  show_on_circles?: boolean;
  visible_to_circles_uuids?: string[];
}

/** The fields a goal response may carry; anything else is kept verbatim in `extensions.plannr.extra`. */
export const KNOWN_GOAL_KEYS: ReadonlySet<string> = new Set(Object.keys(PlannrGoalSchema.shape));

/** Fields Plannr's validation reports in a 422, with the Goal path each one comes from. */
export const WRITE_FIELD_PATHS: Readonly<Record<string, string>> = {
  account_uuids: 'owners',
  name: 'title',
  description: 'description',
  target_amount: 'target.value',
  progress: 'progress.percent',
  timeframe: 'extensions.plannr.timeframe',
  complete_goal_by: 'schedule.end',
  priority: 'priority',
  shown_on_circles: 'extensions.plannr.shownOnCircles',
  show_on_circles: 'extensions.plannr.shownOnCircles',
  visible_to_circles_uuids: 'extensions.plannr.visibleToCirclesUuids',
};

/**
 * The Goal path of a field Plannr names in a validation error: `name` → `title`,
 * `account_uuids.2` → `owners.2.id`. Unknown fields keep their Plannr name.
 */
export function plannrFieldToGoalPath(field: string): string {
  const [head = '', index, ...rest] = field.split('.');
  const path = ownValue(WRITE_FIELD_PATHS, head);
  if (path === undefined) return field;
  if (index === undefined) return path;
  const item = [path, index, ...rest].join('.');
  return head === 'account_uuids' ? `${item}.id` : item;
}

/**
 * A single goal from a response body: bare as documented, or wrapped in `data` as Laravel does by default
 * (ASSUMPTION `singleResourceWrapped`).
 */
export function unwrapResource(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || 'uuid' in body) return body;
  const data = (body as { data?: unknown }).data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : body;
}
