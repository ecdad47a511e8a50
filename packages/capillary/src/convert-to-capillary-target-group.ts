/**
 * Goal → Capillary create request (`POST /v3/targetGroups`), with the checks Capillary would otherwise
 * fail on. One period per interval of the recurrence (or the goal's explicit periods), each carrying the
 * goal's target as its default value; the goal's measure becomes the first target; `extensions.capillary`
 * restores everything else a group read from Capillary had.
 */
import {
  copyJson,
  type DecimalString,
  decimalScale,
  decimalToNumber,
  type Goal,
  type GoalInput,
  type GoalPatch,
  type IsoDate,
  type Mapped,
  type MappingWarning,
  ownValue,
  toValidationIssues,
  ValidationError,
  type ValidationIssue,
  WarningList,
} from '@goalbridge/core';
import {
  type CapillaryTargetGroupRequest,
  type CapillaryTargetRequest,
  canonicalEnum,
  DEFAULT_TRACKING_TYPE,
  EXPRESSION_JSON_TRUE,
  EXPRESSION_TRUE,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PERIODS,
  needsExtendedFieldInfo,
  TRANSACTION_EVENT,
} from './capillary-api.ts';
import {
  type CapillaryExtension,
  CapillaryExtensionSchema,
  type CapillaryPeriodDetails,
  type CapillaryScope,
  CapillaryScopeSchema,
  type CapillaryTargetDetails,
  restoreDefault,
} from './capillary-extension.ts';
import { type CapillaryKpi, measureKindOf, parseMetric, unknownMetricMessage } from './capillary-metric.ts';
import {
  type DateWindow,
  derivedFrequency,
  expandRecurrence,
  type FrequencyFields,
  isExpandable,
  periodEndDateTime,
  periodStartDateTime,
  recurrenceOfFrequency,
} from './capillary-schedule.ts';
import { CAPILLARY_PROVIDER, compact } from './map-capillary-goal.ts';

/** Decimal places Capillary keeps for target values (BigDecimal scale 3, reference §1.3). */
export const VALUE_SCALE = 3;
const STREAK_TRACKING = new Set(['STREAKS', 'NON_CONTINUOUS_STREAKS']);

export interface CapillaryWriteOptions {
  /** Till the group is attributed to when the goal names none (`extensions.capillary.preferredTillId`). */
  preferredTillId?: number | undefined;
}

export interface PlannedPeriod extends DateWindow {
  ref: string;
  /** Capillary period id, for goals read from Capillary. */
  id: string | undefined;
  details: CapillaryPeriodDetails | undefined;
}

export interface PlannedTarget {
  kpi: CapillaryKpi;
  name: string;
  scope: CapillaryScope;
  details: CapillaryTargetDetails;
  /**
   * The target's value for each planned period, in period order; `undefined` only in update plans, for a
   * period left without a value (see {@link PlanOptions}).
   */
  values: (DecimalString | undefined)[];
}

/** What a period is known by, besides its dates: its ref and, for a period the group has, its id. */
export interface PeriodName {
  ref: string;
  id: string | undefined;
}

/** A period of the goal to name: its dates, and its ref and id when the goal gives them. */
export interface NamedWindow extends DateWindow {
  ref?: string | undefined;
  id?: string | undefined;
}

export interface PlanOptions {
  /**
   * Let periods go without a target value instead of refusing the goal. Update plans do: periods added
   * through `POST …/targetPeriods` have none (reference §4.8), and the update planner decides per period.
   */
  allowMissingValues?: boolean;
  /**
   * Names of the periods, in order, for those the goal gives no ref (a recurrence's, or explicit ones
   * without); default `Cycle_<position>`. Update plans give the periods the group has their own, before
   * period settings and further-target values, which are keyed by name, look them up.
   */
  namePeriods?: (windows: readonly NamedWindow[]) => readonly PeriodName[];
}

/** A goal resolved into what a target group holds: the base for creates and for update plans. */
export interface CapillaryPlan {
  periods: PlannedPeriod[];
  /** The goal's own target first, then `extensions.capillary.additionalTargets`. */
  targets: PlannedTarget[];
  frequency: { [K in keyof FrequencyFields]?: FrequencyFields[K] | undefined };
  extension: CapillaryExtension;
}

export interface CapillaryCheck {
  issues: ValidationIssue[];
  warnings: MappingWarning[];
  /** Present when there are no issues. */
  plan: CapillaryPlan | undefined;
}

type GoalData = GoalInput | Goal;

class Findings {
  readonly issues: ValidationIssue[] = [];
  readonly warnings = new WarningList();

  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }
}

function checkText(
  goal: { title?: string | undefined; description?: string | null | undefined },
  found: Findings,
): void {
  if ((goal.title?.length ?? 0) > MAX_NAME_LENGTH)
    found.issue('title', 'must be at most 200 characters in Capillary');
  if ((goal.description?.length ?? 0) > MAX_DESCRIPTION_LENGTH) {
    found.issue('description', 'must be at most 255 characters in Capillary');
  }
}

function readExtension(goal: Pick<GoalData, 'extensions'>, found: Findings): CapillaryExtension {
  const parsed = CapillaryExtensionSchema.safeParse(goal.extensions.capillary ?? {});
  if (parsed.success) return parsed.data;
  found.issues.push(...toValidationIssues(parsed.error, 'extensions.capillary'));
  return {};
}

/** The Goal fields a Capillary group cannot hold, from a goal or a patch. */
export type UnstoredFields = {
  [K in 'owners' | 'target' | 'priority' | 'progress' | 'origin' | 'extensions']?: GoalData[K] | undefined;
};

/** What a Capillary group cannot hold: reported, then left out. */
export function warnUnstored(goal: UnstoredFields, warnings: WarningList): void {
  if (goal.owners && goal.owners.length > 0) {
    warnings.add(
      'owners',
      'Capillary target groups have no owners; customers are enrolled per target',
      'dropped',
      goal.owners.map((owner) => `${owner.type}:${owner.id}`).join(', '),
    );
  }
  if (goal.target?.currency) {
    warnings.add(
      'target.currency',
      'Capillary stores target values without a currency',
      'currency not stored',
      goal.target.currency,
    );
  }
  if (goal.priority !== undefined && goal.priority !== null) {
    warnings.add('priority', 'Capillary target groups have no priority', 'dropped', String(goal.priority));
  }
  if (goal.progress !== undefined) {
    warnings.add('progress', 'Capillary progress is per enrolled customer and cannot be written', 'dropped');
  }
  if (goal.origin) {
    warnings.add(
      'origin',
      'Capillary target groups cannot record where a goal came from',
      'dropped',
      `${goal.origin.provider}:${goal.origin.id}`,
    );
  }
  for (const namespace of Object.keys(goal.extensions ?? {})) {
    if (namespace !== CAPILLARY_PROVIDER) {
      warnings.add(`extensions.${namespace}`, 'Capillary keeps only its own extensions', 'dropped');
    }
  }
}

type GoalPeriod = NonNullable<GoalData['schedule']['periods']>[number];

/** The goal's periods, or one per interval of its recurrence (reference §7: one window per interval). */
function resolveWindows(
  schedule: GoalData['schedule'],
  found: Findings,
): (DateWindow & Partial<GoalPeriod>)[] {
  const { start, end, recurrence, periods } = schedule;
  if (periods && periods.length > 0) {
    if (periods.length > MAX_PERIODS)
      found.issue('schedule.periods', `Capillary allows at most ${MAX_PERIODS} periods`);
    return periods;
  }
  if (!start) {
    found.issue('schedule.start', 'Capillary needs a start date to build the periods of a target group');
    return [];
  }
  if (recurrence === 'custom') {
    found.issue('schedule.periods', 'a custom recurrence needs explicit periods');
    return [];
  }
  if (recurrence && isExpandable(recurrence)) return expandWindows(start, end, recurrence, found);
  if (!end) {
    found.issue('schedule.end', 'Capillary needs an end date: a target group period has fixed dates');
    return [];
  }
  return [{ start, end }];
}

function expandWindows(
  start: IsoDate,
  end: IsoDate | null | undefined,
  recurrence: NonNullable<GoalData['schedule']['recurrence']>,
  found: Findings,
): DateWindow[] {
  const expansion = expandRecurrence(start, end, recurrence);
  const last = expansion.periods.at(-1);
  if (expansion.tooMany) {
    found.issue(
      'schedule.end',
      `${recurrence} periods from ${start} to ${end} are more than Capillary's ${MAX_PERIODS}`,
    );
  } else if (expansion.capped && last) {
    found.warnings.add(
      'schedule.end',
      `Capillary target groups end; an open-ended goal is cut at ${MAX_PERIODS} periods`,
      `created ${MAX_PERIODS} periods`,
      `${recurrence} from ${start} to ${last.end}`,
    );
  } else if (expansion.truncated && last) {
    found.warnings.add(
      'schedule.periods',
      'the schedule ends inside an interval, so the last period is shorter',
      'shortened the last period',
      `${last.start} to ${last.end}`,
    );
  }
  return expansion.periods;
}

/** The issue for periods without a value: for the goal's own target (index 0), or a further one. */
export function missingValuesIssue(targetIndex: number, refs: readonly string[]): ValidationIssue {
  if (targetIndex === 0) {
    return {
      path: 'target',
      message: 'Capillary needs a target value for every period: set target, or a target on each period',
    };
  }
  return {
    path: `extensions.capillary.additionalTargets.${targetIndex - 1}.values`,
    message: `needs a value for period ${refs.join(', ')}`,
  };
}

/**
 * Refuses target number `targetIndex` for the periods it leaves without a value, unless the plan allows them
 * (see {@link PlanOptions}); true when it did.
 */
function refuseMissingValues(
  targetIndex: number,
  periods: readonly PlannedPeriod[],
  values: readonly (DecimalString | undefined)[],
  options: PlanOptions,
  found: Findings,
): boolean {
  if (options.allowMissingValues) return false;
  const missing = periods.filter((_, index) => values[index] === undefined).map((period) => period.ref);
  if (missing.length > 0) found.issues.push(missingValuesIssue(targetIndex, missing));
  return missing.length > 0;
}

function checkScale(value: DecimalString | undefined, path: string, found: Findings): void {
  if (value !== undefined && decimalScale(value) > VALUE_SCALE) {
    found.issue(path, `Capillary keeps ${VALUE_SCALE} decimal places; ${value} has more`);
  }
}

function planPeriods(goal: GoalData, extension: CapillaryExtension, options: PlanOptions, found: Findings) {
  const windows = resolveWindows(goal.schedule, found);
  const explicit = (goal.schedule.periods?.length ?? 0) > 0;
  const names = options.namePeriods?.(windows);
  const seen = new Set<string>();
  checkScale(goal.target?.value, 'target.value', found);
  const periods: PlannedPeriod[] = [];
  const values: (DecimalString | undefined)[] = [];
  windows.forEach((window, index) => {
    const ref = window.ref ?? names?.[index]?.ref ?? `Cycle_${index + 1}`;
    const name = ref.toLowerCase();
    const path = `schedule.periods.${index}`;
    if (explicit && ref.length > MAX_NAME_LENGTH)
      found.issue(`${path}.ref`, 'must be at most 200 characters');
    if (seen.has(name))
      found.issue(explicit ? `${path}.ref` : 'schedule.periods', `two periods are named ${ref}`);
    seen.add(name);
    if (explicit) checkScale(window.target, `${path}.target`, found);
    values.push(window.target ?? goal.target?.value);
    periods.push({
      start: window.start,
      end: window.end,
      ref,
      id: window.id ?? names?.[index]?.id,
      details: ownValue(extension.periods, ref),
    });
  });
  // Settings are found by the exact ref, so one that matches only in case would be dropped unsaid.
  const refs = new Set(periods.map((period) => period.ref));
  for (const ref of Object.keys(extension.periods ?? {})) {
    if (!refs.has(ref)) found.issue(`extensions.capillary.periods.${ref}`, 'no period has this ref');
  }
  refuseMissingValues(0, periods, values, options, found);
  return { periods, values };
}

/** The KPI rule to send: the goal's scope as given, or "every transaction counts" when it has none. */
function planScope(
  scope: unknown,
  kpi: CapillaryKpi | undefined,
  path: string,
  found: Findings,
): CapillaryScope {
  let planned: CapillaryScope;
  if (scope === undefined) {
    planned = {
      ...(kpi?.targetEntity === 'EVENT' ? {} : { eventName: TRANSACTION_EVENT }),
      expression: EXPRESSION_TRUE,
      expressionJson: EXPRESSION_JSON_TRUE,
      filters: [],
    };
  } else {
    const parsed = CapillaryScopeSchema.safeParse(scope);
    if (!parsed.success) {
      found.issues.push(...toValidationIssues(parsed.error, path));
      return {};
    }
    planned = parsed.data;
  }
  if (kpi?.targetEntity === 'EVENT' && !planned.eventName) {
    found.issue(`${path}.eventName`, 'an EVENT target needs the name of the event it counts');
  }
  if (kpi && needsExtendedFieldInfo(kpi.targetEntity, kpi.targetType) && !planned.extendedFieldInfo) {
    found.issue(
      `${path}.extendedFieldInfo`,
      `${kpi.targetEntity}/${kpi.targetType} needs extendedFieldInfo (310094)`,
    );
  }
  return planned;
}

function planKpi(metric: string, path: string, found: Findings): CapillaryKpi | undefined {
  const kpi = parseMetric(metric);
  if (!kpi) found.issue(path, unknownMetricMessage(metric));
  return kpi;
}

function planAdditionalTargets(
  extension: CapillaryExtension,
  periods: PlannedPeriod[],
  options: PlanOptions,
  found: Findings,
): PlannedTarget[] {
  return (extension.additionalTargets ?? []).flatMap((target, index) => {
    const path = `extensions.capillary.additionalTargets.${index}`;
    const kpi = planKpi(target.metric, `${path}.metric`, found);
    const scope = planScope(target.scope, kpi, `${path}.scope`, found);
    if (!target.name) found.issue(`${path}.name`, 'every further target needs a name');
    const refs = new Set(periods.map((period) => period.ref));
    for (const [ref, value] of Object.entries(target.values)) {
      if (!refs.has(ref)) found.issue(`${path}.values.${ref}`, 'no period has this ref');
      else checkScale(value, `${path}.values.${ref}`, found);
    }
    const values = periods.map((period) => ownValue(target.values, period.ref));
    if (refuseMissingValues(index + 1, periods, values, options, found)) return [];
    if (!kpi || !target.name) return [];
    const { metric: _metric, scope: _scope, values: _values, ...details } = target;
    return [{ kpi, name: target.name, scope, details, values }];
  });
}

function checkGroupSettings(extension: CapillaryExtension, targetCount: number, found: Findings): void {
  const tracking = canonicalEnum(extension.trackingType ?? DEFAULT_TRACKING_TYPE);
  const evaluation = extension.targetEvaluationType ?? 'FIXED_CALENDAR_WINDOW';
  const fixedOnly = STREAK_TRACKING.has(tracking) || tracking === 'UNIFIED';
  if (STREAK_TRACKING.has(tracking) && !(extension.streaks?.length ?? 0)) {
    found.issue('extensions.capillary.streaks', `${tracking} tracking needs at least one streak`);
  }
  if (fixedOnly && evaluation !== 'FIXED_CALENDAR_WINDOW') {
    found.issue(
      'extensions.capillary.targetEvaluationType',
      `${tracking} groups support FIXED_CALENDAR_WINDOW only`,
    );
  }
  if (tracking === 'UNIFIED' && targetCount < 2) {
    found.issue('extensions.capillary.additionalTargets', 'a UNIFIED group tracks at least two targets');
  }
  if (extension.leaderboardEnabled && evaluation !== 'FIXED_CALENDAR_WINDOW') {
    found.issue(
      'extensions.capillary.leaderboardEnabled',
      'leaderboards need FIXED_CALENDAR_WINDOW (310132)',
    );
  }
}

/**
 * Frequency fields kept from a read, unless the goal's recurrence has changed since. All four are required by
 * the create schema: one a legacy group was read without (null) is derived from the schedule.
 */
function planFrequency(goal: GoalData, periodCount: number, extension: CapillaryExtension, found: Findings) {
  const recurrence = goal.schedule.recurrence;
  const derived = derivedFrequency(recurrence, periodCount);
  const kept = {
    frequencyType: extension.frequencyType ?? derived.frequencyType,
    frequency: extension.frequency ?? derived.frequency,
    recurringCycles: extension.recurringCycles ?? derived.recurringCycles,
    totalPeriods: extension.totalPeriods ?? derived.totalPeriods,
  };
  // Only a frequency the goal carries can disagree with its recurrence: one derived here has nothing to keep.
  const carried = extension.frequencyType !== undefined || extension.frequency !== undefined;
  const keptRecurrence = recurrenceOfFrequency(kept.frequencyType, kept.frequency, periodCount);
  if (
    carried &&
    recurrence !== undefined &&
    kept.frequencyType !== undefined &&
    keptRecurrence !== recurrence
  ) {
    found.warnings.add(
      'extensions.capillary.frequencyType',
      'the kept Capillary frequency does not match schedule.recurrence',
      'sent the frequency of schedule.recurrence',
      `${kept.frequencyType} every ${kept.frequency}`,
    );
    return derived;
  }
  return kept;
}

/** Every issue Capillary would refuse the goal for, the warnings of the mapping, and the resolved plan. */
export function planCapillaryTargetGroup(goal: GoalData, options: PlanOptions = {}): CapillaryCheck {
  const found = new Findings();
  checkText(goal, found);
  const extension = readExtension(goal, found);
  warnUnstored(goal, found.warnings);
  const { periods, values } = planPeriods(goal, extension, options, found);
  const kpi = planKpi(goal.measure.metric, 'measure.metric', found);
  if (kpi && measureKindOf(kpi.targetType) !== goal.measure.kind) {
    found.issue(
      'measure.kind',
      `${goal.measure.metric} is a ${measureKindOf(kpi.targetType)} measure in Capillary`,
    );
  }
  const scope = planScope(goal.measure.scope, kpi, 'measure.scope', found);
  const additional = planAdditionalTargets(extension, periods, options, found);
  checkGroupSettings(extension, 1 + additional.length, found);
  const frequency = planFrequency(goal, periods.length, extension, found);
  const warnings = found.warnings.items;
  if (found.issues.length > 0 || !kpi) return { issues: found.issues, warnings, plan: undefined };
  const details = extension.target ?? {};
  const primary: PlannedTarget = {
    kpi,
    name: details.name ?? goal.title,
    scope,
    details,
    values,
  };
  return { issues: [], warnings, plan: { periods, targets: [primary, ...additional], frequency, extension } };
}

/** The issues and warnings a create would meet, without sending anything. */
export function checkGoalForCapillary(goal: GoalData): {
  issues: ValidationIssue[];
  warnings: MappingWarning[];
} {
  const { issues, warnings } = planCapillaryTargetGroup(goal);
  return { issues, warnings };
}

/**
 * What an update would be refused for or warned about that shows without the current group; the rest is
 * checked against the group before any write (capillary-update.ts).
 */
export function checkCapillaryPatch(patch: GoalPatch): {
  issues: ValidationIssue[];
  warnings: MappingWarning[];
} {
  const found = new Findings();
  checkText(patch, found);
  if (patch.measure) {
    const kpi = planKpi(patch.measure.metric, 'measure.metric', found);
    if (kpi && measureKindOf(kpi.targetType) !== patch.measure.kind) {
      found.issue(
        'measure.kind',
        `${patch.measure.metric} is a ${measureKindOf(kpi.targetType)} measure in Capillary`,
      );
    }
  }
  checkScale(patch.target?.value, 'target.value', found);
  patch.schedule?.periods?.forEach((period, index) => {
    checkScale(period.target, `schedule.periods.${index}.target`, found);
  });
  if (patch.extensions) readExtension({ extensions: patch.extensions }, found);
  warnUnstored(patch, found.warnings);
  return { issues: found.issues, warnings: found.warnings.items };
}

/** A value as Capillary reads it: a JSON number when exact, else the numeric string the API also takes (§1.3). */
export function wireDecimal(value: DecimalString): number | string {
  try {
    return decimalToNumber(value);
  } catch {
    return value;
  }
}

export function periodRequest(period: PlannedPeriod) {
  return compact({
    startDate: periodStartDateTime(period.start),
    endDate: periodEndDateTime(period.end),
    refCode: period.ref,
    description: restoreDefault(period.details?.description, ''),
    active: period.details?.active ?? true,
    ...copyJson(period.details?.extra),
  });
}

/** Milestone triggers without the ids the server assigned. */
function triggerRequests(triggers: readonly Record<string, unknown>[] | undefined) {
  if (!triggers || triggers.length === 0) return undefined;
  return triggers.map(({ id: _id, targetRuleId: _rule, ...trigger }) => copyJson(trigger));
}

/** A target in request form, without its values: creates and updates send those each their own way. */
export function targetRequest(target: PlannedTarget): CapillaryTargetRequest {
  const { details } = target;
  return compact({
    name: target.name,
    description: restoreDefault(details.description, ''),
    active: restoreDefault(details.active, true),
    targetEntity: target.kpi.targetEntity,
    targetType: target.kpi.targetType,
    ...copyJson(target.scope),
    enrolmentMethod: details.enrolmentMethod ?? undefined,
    targetMilestoneTriggers: triggerRequests(details.milestoneTriggers),
    ...copyJson(details.extra),
  }) as CapillaryTargetRequest;
}

/**
 * A target's values in period order, matched to the periods by position as the server does on create
 * (reference §4.1). Every period has one: planning refuses a create that leaves one without.
 */
function createValues(target: PlannedTarget) {
  return target.values.flatMap((value) =>
    value === undefined ? [] : [{ defaultValue: wireDecimal(value) }],
  );
}

function buildRequest(
  goal: GoalData,
  plan: CapillaryPlan,
  options: CapillaryWriteOptions,
): CapillaryTargetGroupRequest {
  const { extension } = plan;
  return compact({
    name: goal.title,
    description: goal.description ?? undefined,
    active: goal.status === 'active',
    preferredTillId: extension.preferredTillId ?? options.preferredTillId,
    // Required by the create schema, so sent even for legacy groups read without one (null).
    trackingType: canonicalEnum(extension.trackingType ?? DEFAULT_TRACKING_TYPE),
    targetEvaluationType: extension.targetEvaluationType ?? 'FIXED_CALENDAR_WINDOW',
    ...plan.frequency,
    userCreated: restoreDefault(extension.userCreated, false),
    leaderboardEnabled: restoreDefault(extension.leaderboardEnabled, false),
    timeZoneName: extension.timeZoneName ?? undefined,
    periods: plan.periods.map(periodRequest),
    targets: plan.targets.map((target) => ({
      ...targetRequest(target),
      defaultValues: createValues(target),
    })),
    streaks: extension.streaks?.map(({ id: _id, extra, ...streak }) => ({
      ...streak,
      ...copyJson(extra),
    })),
    combinationType: extension.combinationType ?? undefined,
    unifiedTargetExpression: copyJson(extension.unifiedTargetExpression ?? undefined),
    ...copyJson(extension.extra),
  }) as CapillaryTargetGroupRequest;
}

/** The create body for a goal; throws a ValidationError naming every field Capillary would refuse. */
export function goalToCapillaryTargetGroup(
  goal: GoalData,
  options: CapillaryWriteOptions = {},
): Mapped<CapillaryTargetGroupRequest> {
  const { issues, warnings, plan } = planCapillaryTargetGroup(goal);
  if (!plan)
    throw new ValidationError(issues, { subject: 'goal for capillary', provider: CAPILLARY_PROVIDER });
  return { value: buildRequest(goal, plan, options), warnings };
}
