/**
 * The normalized Goal: one vocabulary for Pipedrive goals, Plannr goals and Capillary target groups.
 * `GoalSchema` describes a goal as read from a system; `GoalInputSchema` what a create accepts and
 * `GoalPatchSchema` what an update accepts. All three share the same field schemas and consistency rules.
 */
import * as z from 'zod';
import { isCurrencyCode } from './currency.ts';
import { isIsoDate, parseDateTime } from './dates.ts';
import { compareDecimals, parseDecimal, unsafeJsonNumber } from './decimal.ts';

/** Bump when a change to the Goal shape would break readers of exported files. */
export const GOAL_SCHEMA_VERSION = 1;

export const LIMITS = {
  id: 256,
  title: 1024,
  description: 20_000,
  name: 512,
  vocabulary: 128,
  owners: 500,
  periods: 1000,
} as const;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A key the Goal refuses in JSON it keeps (extensions, scopes): one that can reach or replace a prototype. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}
/**
 * Deepest nesting of JSON data kept in a goal. `JSON.parse` accepts any depth, but copying, comparing or
 * printing data nested thousands deep overflows the stack: such data is refused here, by name.
 */
export const MAX_JSON_DEPTH = 64;
type JsonValue = z.core.util.JSONType;
type JsonRecord = Record<string, JsonValue>;

/**
 * Why `value` is not plain JSON data safe to copy (functions, NaN, prototype-polluting keys, nesting deeper
 * than {@link MAX_JSON_DEPTH}), or undefined.
 */
function jsonProblem(value: unknown, path: string, depth = 0): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : `${path || 'value'} is not a finite number`;
  if (depth >= MAX_JSON_DEPTH) return `${path || 'value'} is nested more than ${MAX_JSON_DEPTH} levels deep`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonProblem(value[index], path ? `${path}.${index}` : String(index), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
    return `${path || 'value'} is not JSON data`;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return `forbidden key "${at}"`;
    const problem = jsonProblem((value as Record<string, unknown>)[key], at, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Sets an own property: a `"__proto__"` key from JSON data stays a key (assignment would set the prototype). */
export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** The value of an own property: a key such as "constructor" or "__proto__" never finds the prototype's member. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A copy of JSON data taken from a provider's answer, for keeping in a goal. Keys are copied as own
 * properties (a `"__proto__"` key stays a key, never a prototype); data nested deeper than
 * {@link MAX_JSON_DEPTH} is not copied but returned as it is, for the Goal schema to refuse by name instead
 * of a copy overflowing the stack.
 */
export function copyJson<T>(value: T, depth = 0): T {
  if (typeof value !== 'object' || value === null || depth >= MAX_JSON_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => copyJson(item, depth + 1)) as T;
  // A loop rather than Object.fromEntries(Object.entries(…)), which allocates two arrays per key.
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    setOwnProperty(copy, key, copyJson((value as Record<string, unknown>)[key], depth + 1));
  }
  return copy as T;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON object kept on behalf of a provider. Checked by hand rather than with z.record, which silently drops
 * `__proto__` keys: a prototype-polluting key is refused and named.
 */
const JsonRecordSchema = z
  .custom<JsonRecord>((value) => isRecord(value) && jsonProblem(value, '') === undefined, {
    error: (issue) =>
      isRecord(issue.input) ? (jsonProblem(issue.input, '') ?? 'invalid') : 'must be an object',
  })
  .meta({ type: 'object' });

const NAMESPACE = /^[a-z][a-z0-9_-]{0,63}$/;

function extensionsProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'must be an object of namespaces';
  for (const [namespace, data] of Object.entries(value)) {
    if (!NAMESPACE.test(namespace))
      return `namespace "${namespace}" must be lower-case letters, digits, - or _`;
    if (!isRecord(data)) return `${namespace} must be an object`;
  }
  return jsonProblem(value, '');
}

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
/** Something visible: not only whitespace or invisible format characters (zero-width space, joiners, BOM). */
const VISIBLE = /[^\s\p{Cf}]/u;
const nonBlank = (max: number) =>
  text(max).refine((value) => VISIBLE.test(value), 'must not be empty or blank');

/** The Goal's rule for ids, titles and vocabulary, as a test: text within `max` with something visible in it. */
export function isVisibleText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max && VISIBLE.test(value);
}

const vocabulary = nonBlank(LIMITS.vocabulary);

/** A decimal given as text or JSON number, stored as canonical text ("12.50" → "12.5"). */
export const DecimalSchema = z
  .union([z.string(), z.number()], { error: 'must be a decimal number' })
  .transform((value, ctx) => {
    const unsafe = unsafeJsonNumber(value);
    if (unsafe !== undefined) {
      ctx.addIssue({ code: 'custom', message: unsafe });
      return z.NEVER;
    }
    const decimal = parseDecimal(value);
    if (decimal === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a decimal number, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return decimal;
  })
  .meta({ type: 'string', pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?$', description: 'decimal as text' });

const NonNegativeDecimal = DecimalSchema.refine(
  (value) => compareDecimals(value, '0') >= 0,
  'must not be negative',
);

export const CurrencyCodeSchema = z.string().refine(isCurrencyCode, {
  error: (issue) => `unknown ISO 4217 currency code ${JSON.stringify(issue.input)}`,
});

export const IsoDateSchema = z
  .string()
  .refine(isIsoDate, { error: (issue) => `must be a date as YYYY-MM-DD, got ${JSON.stringify(issue.input)}` })
  .meta({ format: 'date' });

/** Any ISO 8601 datetime with an offset, or epoch milliseconds; stored as UTC (`...Z`). */
export const IsoDateTimeSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const instant = parseDateTime(value);
    if (instant === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an ISO 8601 datetime with offset, got ${JSON.stringify(value)}`,
      });
      return z.NEVER;
    }
    return instant;
  })
  .meta({ type: 'string', format: 'date-time' });

/** Who a goal is for. `type` is an open vocabulary: person, team, company (Pipedrive), account (Plannr), ... */
export const OwnerSchema = z.strictObject({
  type: vocabulary,
  id: nonBlank(LIMITS.id),
  name: text(LIMITS.name).optional(),
});

/**
 * What is measured. `metric` is open (`deals_won`, `TRANSACTION/SALES`, ...); `scope` holds the provider's
 * parameters for it (pipelines, stages, KPI rule) as JSON.
 */
export const MeasureSchema = z.strictObject({
  kind: z.enum(['count', 'money']),
  metric: vocabulary,
  scope: JsonRecordSchema.optional(),
});

/** The value to reach. `currency` applies to money only; some providers keep money without a currency. */
export const TargetSchema = z.strictObject({
  value: NonNegativeDecimal,
  currency: CurrencyCodeSchema.optional(),
});

export const RECURRENCES = [
  'none',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
  'custom',
] as const;

/** An explicit period with its own target, e.g. a Capillary cycle. `ref` is the provider's period name. */
export const PeriodSchema = z.strictObject({
  start: IsoDateSchema,
  end: IsoDateSchema,
  target: NonNegativeDecimal.optional(),
  ref: text(LIMITS.name).optional(),
  id: nonBlank(LIMITS.id).optional(),
});

/** When: `end: null` is an open end; `periods` list explicit windows inside start–end. */
export const ScheduleSchema = z.strictObject({
  start: IsoDateSchema.nullable().optional(),
  end: IsoDateSchema.nullable().optional(),
  recurrence: z.enum(RECURRENCES).optional(),
  periods: z.array(PeriodSchema).max(LIMITS.periods).optional(),
});

export const ProgressSchema = z.strictObject({
  /** Achieved value in the target's unit (count or money). */
  achieved: DecimalSchema.optional(),
  /** Share of the target reached, in percent; may exceed 100. */
  percent: NonNegativeDecimal.optional(),
  period: z.strictObject({ start: IsoDateSchema, end: IsoDateSchema }).optional(),
  asOf: IsoDateTimeSchema.optional(),
});

/** Where a copied goal came from. */
export const OriginSchema = z.strictObject({ provider: vocabulary, id: nonBlank(LIMITS.id) });

/** Namespaced data with no normalized home, e.g. `extensions.pipedrive.reportIds`. */
export const ExtensionsSchema = z
  .custom<Record<string, JsonRecord>>((value) => extensionsProblem(value) === undefined, {
    error: (issue) => extensionsProblem(issue.input) ?? 'invalid',
  })
  .meta({ type: 'object', additionalProperties: { type: 'object' } });

const writableShape = {
  title: nonBlank(LIMITS.title),
  description: text(LIMITS.description).nullable().optional(),
  owners: z.array(OwnerSchema).max(LIMITS.owners),
  measure: MeasureSchema,
  target: TargetSchema.nullable(),
  schedule: ScheduleSchema,
  status: z.enum(['active', 'inactive']),
  priority: z.number().int('must be a whole number').min(1).max(5).nullable().optional(),
  progress: ProgressSchema.optional(),
  origin: OriginSchema.optional(),
  extensions: ExtensionsSchema,
};

type Issue = { path: (string | number)[]; message: string };
interface Consistency {
  measure?: { kind: 'count' | 'money' } | undefined;
  target?: { value: string; currency?: string | undefined } | null | undefined;
  schedule?:
    | {
        start?: string | null | undefined;
        end?: string | null | undefined;
        periods?: { start: string; end: string }[] | undefined;
      }
    | undefined;
}

/** Rules that span fields; shared by every Goal schema. */
export function goalConsistencyIssues(goal: Consistency): Issue[] {
  const issues: Issue[] = [];
  if (goal.measure?.kind === 'count' && goal.target?.currency !== undefined) {
    issues.push({ path: ['target', 'currency'], message: 'a count goal has no currency' });
  }
  const schedule = goal.schedule;
  if (!schedule) return issues;
  const { start, end, periods = [] } = schedule;
  if (start && end && end < start) {
    issues.push({ path: ['schedule', 'end'], message: `must not be before schedule.start (${start})` });
  }
  periods.forEach((period, index) => {
    if (period.end < period.start) {
      issues.push({ path: ['schedule', 'periods', index, 'end'], message: 'must not be before its start' });
    }
    if (start && period.start < start) {
      issues.push({
        path: ['schedule', 'periods', index, 'start'],
        message: `is before schedule.start (${start})`,
      });
    }
    if (end && period.end > end) {
      issues.push({ path: ['schedule', 'periods', index, 'end'], message: `is after schedule.end (${end})` });
    }
  });
  const ordered = periods
    .map((period, index) => ({ ...period, index }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  for (let i = 1; i < ordered.length; i++) {
    const previous = ordered[i - 1];
    const current = ordered[i];
    if (previous && current && current.start <= previous.end) {
      issues.push({
        path: ['schedule', 'periods', current.index, 'start'],
        message: `overlaps period ${previous.index} (${previous.start}–${previous.end})`,
      });
    }
  }
  return issues;
}

function withConsistency<T extends z.ZodType<Consistency>>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    for (const issue of goalConsistencyIssues(value)) ctx.addIssue({ code: 'custom', ...issue });
  }) as unknown as T;
}

/** A goal as read from a system. `id` is that system's id; `provider` names it. */
export const GoalSchema = withConsistency(
  z.strictObject({
    id: nonBlank(LIMITS.id),
    provider: vocabulary,
    ...writableShape,
    createdAt: IsoDateTimeSchema.optional(),
    updatedAt: IsoDateTimeSchema.optional(),
  }),
);

/** What a create accepts. Omitted `owners`, `status` and `extensions` default to none, active, none. */
export const GoalInputSchema = withConsistency(
  z.strictObject({
    ...writableShape,
    owners: writableShape.owners.default([]),
    status: writableShape.status.default('active'),
    extensions: writableShape.extensions.default({}),
    target: writableShape.target.default(null),
    schedule: writableShape.schedule.default({}),
  }),
);

/** What an update accepts: any subset of the writable fields; absent fields are left unchanged. */
export const GoalPatchSchema = withConsistency(z.strictObject(writableShape).partial());

export type Goal = z.output<typeof GoalSchema>;
export type GoalInput = z.output<typeof GoalInputSchema>;
/** The looser shape callers may pass to `create` (numbers for decimals, defaults omitted). */
export type GoalInputDraft = z.input<typeof GoalInputSchema>;
export type GoalPatch = z.output<typeof GoalPatchSchema>;
export type GoalPatchDraft = z.input<typeof GoalPatchSchema>;
export type Owner = z.output<typeof OwnerSchema>;
export type Measure = z.output<typeof MeasureSchema>;
export type Target = z.output<typeof TargetSchema>;
export type Schedule = z.output<typeof ScheduleSchema>;
export type Period = z.output<typeof PeriodSchema>;
export type GoalProgress = z.output<typeof ProgressSchema>;
export type Recurrence = (typeof RECURRENCES)[number];
export type Extensions = z.output<typeof ExtensionsSchema>;

/** Goal fields an adapter can declare readable or writable; dotted paths name sub-fields. */
export const GOAL_FIELDS = [
  'title',
  'description',
  'owners',
  'measure',
  'target',
  'schedule.start',
  'schedule.end',
  'schedule.recurrence',
  'schedule.periods',
  'status',
  'priority',
  'progress',
  'extensions',
  'createdAt',
  'updatedAt',
] as const;
export type GoalField = (typeof GOAL_FIELDS)[number];

/** The goal's data as a create input: identity and server-owned fields removed. */
export function toGoalInput(goal: Goal): GoalInput {
  const { id: _id, provider: _provider, createdAt: _created, updatedAt: _updated, ...input } = goal;
  return input;
}
