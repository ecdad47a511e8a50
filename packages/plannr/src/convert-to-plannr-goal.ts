/**
 * Goal → the body of Plannr's `POST /goals` and `PUT /goals/{uuid}`. Pure and exported for ETL use.
 *
 * What Plannr would refuse becomes a validation issue with the Goal's field path (checked before any request);
 * what Plannr cannot hold becomes a warning saying what was done instead. Money goes to integer pennies
 * exactly, never through a float.
 */
import {
  compareDecimals,
  currencyExponent,
  decimalToMinorUnits,
  type GoalInput,
  type GoalInputDraft,
  GoalInputSchema,
  type GoalPatch,
  type GoalPatchDraft,
  GoalPatchSchema,
  type Mapped,
  type MappingWarning,
  parseOrThrow,
  type Target,
  toValidationIssues,
  ValidationError,
  type ValidationIssue,
  WarningList,
} from '@goalbridge/core';
import * as z from 'zod';
import { PLANNR_MEASURE } from './map-plannr-goal.ts';
import { PLANNR_PROVIDER, type PlannrGoalWrite, plannrUuidProblem } from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

/** Plannr's documented input limits [S1, S2] (reference §1.2). */
export const PLANNR_LIMITS = {
  name: 255,
  description: 5000,
  timeframe: 255,
  progress: { min: 0, max: 100 },
  priority: { min: 1, max: 5 },
} as const;

export interface PlannrConvertOptions {
  /** The account's currency; targets in any other currency are refused. Default GBP (ASSUMPTION `accountCurrency`). */
  currency?: string | undefined;
}

export interface PlannrConversion extends Mapped<PlannrGoalWrite> {
  /** Why Plannr would refuse the input, by Goal field path; empty when the body can be sent. */
  issues: ValidationIssue[];
}

/**
 * `extensions.plannr` as a write accepts it; `sharedOwnerType` and `extra` are Plannr's and are not sent.
 * Circle UUIDs are checked as owner UUIDs are (`Conversion.uuid`).
 */
const PlannrExtensionInputSchema = z.strictObject({
  timeframe: z.string().nullable().optional(),
  shownOnCircles: z.boolean('must be true or false').optional(),
  visibleToCirclesUuids: z.array(z.string()).optional(),
  sharedOwnerType: z.string().nullable().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
});

type Mode = 'create' | 'update';

/** Converts a create input; issues and warnings are returned, never thrown. */
export function convertGoalToPlannr(input: GoalInput, options: PlannrConvertOptions = {}): PlannrConversion {
  return convert(input, 'create', options);
}

/** Converts an update: only the fields present in the patch are sent (ASSUMPTION: partial update). */
export function convertGoalPatchToPlannr(
  patch: GoalPatch,
  options: PlannrConvertOptions = {},
): PlannrConversion {
  return convert(patch, 'update', options);
}

/** The create body for a goal; throws a ValidationError (Goal paths) when Plannr would refuse it. */
export function goalToPlannrGoalWrite(
  input: GoalInputDraft,
  options: PlannrConvertOptions = {},
): Mapped<PlannrGoalWrite> {
  const goal = parseOrThrow(GoalInputSchema, input, { subject: 'goal', provider: PLANNR_PROVIDER });
  return orThrow(convertGoalToPlannr(goal, options), 'goal for plannr');
}

/** The update body for a patch; throws a ValidationError (Goal paths) when Plannr would refuse it. */
export function goalPatchToPlannrGoalWrite(
  patch: GoalPatchDraft,
  options: PlannrConvertOptions = {},
): Mapped<PlannrGoalWrite> {
  const parsed = parseOrThrow(GoalPatchSchema, patch, { subject: 'goal update', provider: PLANNR_PROVIDER });
  return orThrow(convertGoalPatchToPlannr(parsed, options), 'goal update for plannr');
}

function orThrow({ value, warnings, issues }: PlannrConversion, subject: string): Mapped<PlannrGoalWrite> {
  if (issues.length > 0) throw new ValidationError(issues, { subject, provider: PLANNR_PROVIDER });
  return { value, warnings };
}

/** Collects the body, the issues and the warnings of one conversion. */
class Conversion {
  readonly body: PlannrGoalWrite = {};
  readonly issues: ValidationIssue[] = [];
  readonly warnings = new WarningList();
  readonly mode: Mode;

  constructor(mode: Mode) {
    this.mode = mode;
  }

  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  warn(field: string, reason: string, action: string, detail?: string): void {
    this.warnings.add(field, reason, action, detail);
  }

  /** Text as Plannr stores it: trimmed, empty as null (ASSUMPTION `trimsStrings`), within `max` characters. */
  text(path: string, value: string, max: number): string | null {
    if (!PLANNR_ASSUMPTIONS.trimsStrings) {
      if ([...value].length > max) this.issue(path, `must be at most ${max} characters for Plannr`);
      return value;
    }
    const trimmed = value.trim();
    if (trimmed === '') {
      this.warn(path, 'Plannr stores empty text as null', 'sent as null');
      return null;
    }
    if (trimmed !== value) this.warn(path, 'Plannr trims surrounding whitespace', 'trimmed');
    // Laravel's max counts characters (mb_strlen), not UTF-16 code units.
    if ([...trimmed].length > max) this.issue(path, `must be at most ${max} characters for Plannr`);
    return trimmed;
  }

  /**
   * Adds `value` to the UUIDs being `sent`, exactly as given, or reports at `path` why it cannot be sent: not a
   * lower-case UUID (`plannrUuidProblem`), or already listed.
   */
  uuid(path: string, value: string, what: string, sent: string[]): void {
    const problem = plannrUuidProblem(value, what) ?? (sent.includes(value) ? 'is listed twice' : undefined);
    if (problem === undefined) sent.push(value);
    else this.issue(path, problem);
  }

  /** A nullable field: null clears it on update and is left out on create, where unset is the default. */
  nullable<K extends keyof PlannrGoalWrite>(key: K, value: PlannrGoalWrite[K] | null): void {
    if (value !== null || this.mode === 'update') this.body[key] = value as PlannrGoalWrite[K];
  }
}

function convert(fields: GoalPatch, mode: Mode, options: PlannrConvertOptions): PlannrConversion {
  const out = new Conversion(mode);
  if (fields.owners !== undefined) convertOwners(out, fields.owners);
  if (fields.title !== undefined) out.body.name = out.text('title', fields.title, PLANNR_LIMITS.name) ?? '';
  if (fields.description !== undefined) {
    const description = fields.description;
    out.nullable(
      'description',
      description === null ? null : out.text('description', description, PLANNR_LIMITS.description),
    );
  }
  if (fields.measure !== undefined) convertMeasure(out, fields.measure);
  if (fields.target !== undefined) convertTarget(out, fields.target, fields.measure?.kind, options);
  if (fields.progress !== undefined) convertProgress(out, fields.progress);
  if (fields.schedule !== undefined) convertSchedule(out, fields.schedule);
  if (fields.priority !== undefined) out.nullable('priority', fields.priority);
  if (fields.status === 'inactive') {
    out.warn('status', 'Plannr goals have no active or inactive state', 'ignored; Plannr goals are active');
  }
  if (fields.origin !== undefined) {
    const { provider, id } = fields.origin;
    out.warn('origin', 'Plannr goals have no field for their origin', 'dropped', `${provider} ${id}`);
  }
  if (fields.extensions !== undefined) convertExtensions(out, fields.extensions);
  return { value: out.body, warnings: out.warnings.items, issues: out.issues };
}

/** `account_uuids`: client accounts only [S1], at least one (ASSUMPTION `requiredOnCreate`). */
function convertOwners(out: Conversion, owners: NonNullable<GoalPatch['owners']>): void {
  const ids: string[] = [];
  owners.forEach((owner, index) => {
    if (owner.type !== 'account') {
      out.issue(`owners.${index}.type`, 'Plannr goal owners are client accounts (type "account")');
    } else {
      out.uuid(`owners.${index}.id`, owner.id, 'account', ids);
    }
    if (owner.name !== undefined) {
      out.warn(`owners.${index}.name`, 'Plannr takes owner names from the account', 'ignored', owner.id);
    }
  });
  if (owners.length === 0 && PLANNR_ASSUMPTIONS.requiredOnCreate.includes('account_uuids')) {
    out.issue('owners', 'Plannr needs at least one client account as owner');
  }
  out.body.account_uuids = ids;
}

function convertMeasure(out: Conversion, measure: NonNullable<GoalPatch['measure']>): void {
  if (measure.kind !== PLANNR_MEASURE.kind) {
    out.warn('measure.kind', 'Plannr goals measure money only', 'stored as a money goal', measure.kind);
  }
  if (measure.metric !== PLANNR_MEASURE.metric) {
    out.warn('measure.metric', 'Plannr goals have no measure type', 'dropped', measure.metric);
  }
  if (measure.scope !== undefined) {
    out.warn('measure.scope', 'Plannr goals have no measure parameters', 'dropped');
  }
}

/** Integer minor units of the account currency, exactly (ASSUMPTIONS `targetAmountUnit`, `accountCurrency`). */
function convertTarget(
  out: Conversion,
  target: Target | null,
  kind: 'count' | 'money' | undefined,
  options: PlannrConvertOptions,
): void {
  if (target === null) {
    out.nullable('target_amount', null);
    return;
  }
  if (kind === 'count') {
    out.warn(
      'target',
      'Plannr goal targets are money amounts; a count target has no home',
      'dropped',
      target.value,
    );
    return;
  }
  const currency = options.currency ?? PLANNR_ASSUMPTIONS.accountCurrency;
  if (target.currency !== undefined && target.currency !== currency) {
    out.issue(
      'target.currency',
      `Plannr keeps targets in ${currency}, the account currency; convert the amount first`,
    );
    return;
  }
  if (target.currency === undefined) {
    out.warn('target.currency', 'Plannr keeps targets in the account currency', `stored as ${currency}`);
  }
  const exponent = PLANNR_ASSUMPTIONS.targetAmountUnit === 'minor' ? currencyExponent(currency) : 0;
  let units: bigint;
  try {
    units = decimalToMinorUnits(target.value, exponent);
  } catch {
    out.issue(
      'target.value',
      `must have at most ${exponent} decimal places for a ${currency} target in Plannr`,
    );
    return;
  }
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) {
    out.issue('target.value', 'is too large for Plannr');
    return;
  }
  out.body.target_amount = Number(units); // exact: a safe integer
}

/** `progress` is a whole percentage, 0–100 [S1]. */
function convertProgress(out: Conversion, progress: NonNullable<GoalPatch['progress']>): void {
  const { percent, achieved, period, asOf } = progress;
  if (achieved !== undefined) {
    out.warn('progress.achieved', 'Plannr records progress as a percentage only', 'dropped', achieved);
  }
  if (period !== undefined) out.warn('progress.period', 'Plannr progress has no period', 'dropped');
  if (asOf !== undefined) out.warn('progress.asOf', 'Plannr progress has no date', 'dropped', asOf);
  if (percent === undefined) {
    out.nullable('progress', null);
    return;
  }
  const { min, max } = PLANNR_LIMITS.progress;
  const whole = /^\d+$/.test(percent);
  if (!whole || compareDecimals(percent, String(min)) < 0 || compareDecimals(percent, String(max)) > 0) {
    out.issue('progress.percent', `must be a whole percentage from ${min} to ${max} for Plannr`);
    return;
  }
  out.body.progress = Number(percent);
}

/** Only the deadline has a home: `complete_goal_by`, a date [S1]. */
function convertSchedule(out: Conversion, schedule: NonNullable<GoalPatch['schedule']>): void {
  const { start, end, recurrence, periods } = schedule;
  if (start) out.warn('schedule.start', 'Plannr goals have no start date', 'dropped', start);
  if (recurrence !== undefined && recurrence !== 'none') {
    out.warn('schedule.recurrence', 'Plannr goals do not recur', 'dropped', recurrence);
  }
  if (periods !== undefined && periods.length > 0) {
    out.warn('schedule.periods', 'Plannr goals have no periods', 'dropped', `${periods.length} periods`);
  }
  out.nullable('complete_goal_by', end ?? null);
}

/** `extensions.plannr`; within it, keys left out of an update stay unchanged in Plannr. */
function convertExtensions(out: Conversion, extensions: NonNullable<GoalPatch['extensions']>): void {
  for (const namespace of Object.keys(extensions)) {
    if (namespace !== PLANNR_PROVIDER) {
      out.warn(`extensions.${namespace}`, 'Plannr keeps only its own extensions', 'dropped');
    }
  }
  const own = extensions[PLANNR_PROVIDER];
  if (own === undefined) return;
  const parsed = PlannrExtensionInputSchema.safeParse(own);
  if (!parsed.success) {
    out.issues.push(...toValidationIssues(parsed.error, 'extensions.plannr'));
    return;
  }
  const { timeframe, shownOnCircles, visibleToCirclesUuids } = parsed.data;
  if (timeframe !== undefined) {
    const path = 'extensions.plannr.timeframe';
    out.nullable('timeframe', timeframe === null ? null : out.text(path, timeframe, PLANNR_LIMITS.timeframe));
  }
  if (shownOnCircles !== undefined) out.body[PLANNR_ASSUMPTIONS.shownOnCirclesWriteKey] = shownOnCircles;
  if (visibleToCirclesUuids !== undefined) {
    const circles: string[] = [];
    visibleToCirclesUuids.forEach((uuid, index) => {
      out.uuid(`extensions.plannr.visibleToCirclesUuids.${index}`, uuid, 'circle', circles);
    });
    out.body.visible_to_circles_uuids = circles;
  }
}

/** Issues and warnings for a create, as `checkInput` reports them. */
export function checkGoalForPlannr(
  input: GoalInput,
  options: PlannrConvertOptions = {},
): { issues: ValidationIssue[]; warnings: MappingWarning[] } {
  const { issues, warnings } = convertGoalToPlannr(input, options);
  return { issues, warnings };
}
