/**
 * Capillary target group → Goal. A goal is one group; its first target is the goal's measure and target
 * value, one period per Capillary cycle. What has no Goal field (further targets, streaks, tracking and
 * evaluation settings, unknown fields) goes to `extensions.capillary`, so the group can be written back
 * unchanged (see convert-to-capillary-target-group.ts for the way back).
 */
import {
  copyJson,
  type Goal,
  type IsoDate,
  isIsoDate,
  type Mapped,
  parseDateTime,
  parseDecimal,
  setOwnProperty,
  unsafeJsonNumber,
  WarningList,
} from '@goalbridge/core';
import {
  type CapillaryPeriod,
  type CapillaryStreak,
  type CapillaryTarget,
  type CapillaryTargetGroup,
  DEFAULT_TRACKING_TYPE,
} from './capillary-api.ts';
import {
  type CapillaryAdditionalTarget,
  type CapillaryExtension,
  type CapillaryPeriodDetails,
  type CapillaryScope,
  type CapillaryTargetDetails,
  keepUnlessDefault,
} from './capillary-extension.ts';
import { measureKindOf, metricOf } from './capillary-metric.ts';
import { derivedFrequency, recurrenceOfFrequency } from './capillary-schedule.ts';

export const CAPILLARY_PROVIDER = 'capillary';
/** `measure.metric` of a group that has no target yet (it cannot be written back: Capillary needs one). */
export const NO_TARGET_METRIC = 'none';

/** Fields the mappers know; any other field of a payload is kept verbatim in `extra`. */
const GROUP_FIELDS = new Set([
  'id',
  'attribution',
  'orgId',
  'name',
  'description',
  'fromDate',
  'toDate',
  'active',
  'preferredTillId',
  'periods',
  'activePeriod',
  'streaks',
  'totalPeriods',
  'targetEvaluationType',
  'recurringCycles',
  'frequency',
  'frequencyType',
  'targetCycleStartDate',
  'targetCycleEndDate',
  'targetCycleStartDateISO',
  'targetCycleEndDateISO',
  'trackingType',
  'createdOn',
  'targets',
  'combinationType',
  'unifiedTargetExpression',
  'leaderboardEnabled',
  'userCreated',
  'timeZoneName',
]);
const PERIOD_FIELDS = new Set([
  'id',
  'attribution',
  'startDate',
  'endDate',
  'refCode',
  'periodStatus',
  'targetGroupId',
  'description',
  'active',
]);
const TARGET_FIELDS = new Set([
  'id',
  'attribution',
  'name',
  'targetType',
  'targetEntity',
  'eventName',
  'targetGroupId',
  'description',
  'active',
  'expression',
  'expressionJson',
  'filters',
  'enrolmentMethod',
  'defaultValues',
  'targetPeriodDefaultValuesMap',
  'targetMilestoneTriggers',
  'extendedFieldInfo',
  'emfRuleSetId',
  'emfUnrolledRulesetId',
]);
const STREAK_FIELDS = new Set(['id', 'attribution', 'targetGroupId', 'name', 'targetCountOfSequence']);
const SCOPE_FIELDS = ['eventName', 'expression', 'expressionJson', 'filters', 'extendedFieldInfo'] as const;

type JsonObject = Record<string, unknown>;
/** JSON data as the Goal stores it (scopes and extensions). */
type GoalJson = NonNullable<Goal['measure']['scope']>;

/** The object without `undefined` values (extensions must be plain JSON). */
export function compact<T extends object>(value: T): T {
  const result: JsonObject = {};
  for (const key of Object.keys(value)) {
    const item = (value as JsonObject)[key];
    if (item !== undefined) setOwnProperty(result, key, item);
  }
  return result as T;
}

function unknownFields(raw: object, known: ReadonlySet<string>): JsonObject | undefined {
  let unknown: JsonObject | undefined;
  for (const key of Object.keys(raw)) {
    if (known.has(key)) continue;
    const value = (raw as JsonObject)[key];
    if (value === undefined) continue;
    unknown ??= {};
    // Depth 1: where each value sat in the copy of the whole object this replaces.
    setOwnProperty(unknown, key, copyJson(value, 1));
  }
  return unknown;
}

/** The calendar date of a period bound: date-only in responses, datetime in requests (reference §1.3). */
export function dateOnly(value: string): IsoDate {
  const date = value.slice(0, 10);
  if (!isIsoDate(date)) throw new RangeError(`not a date: ${JSON.stringify(value)}`);
  return date;
}

/** The `ref` a period is known by in the Goal: its `refCode`, or its position when it has none. */
export function periodRef(period: { refCode?: string | null | undefined }, index: number): string {
  return period.refCode ?? `Cycle_${index + 1}`;
}

/**
 * A target's value for each period, in period order. Values are matched by `periodId`; payloads without
 * period ids (request form) match by position, as the server does on create (reference §4.1 mock rules).
 */
export function targetValuesByPeriod(
  target: Pick<CapillaryTarget, 'defaultValues'>,
  periods: readonly Pick<CapillaryPeriod, 'id'>[],
): (string | undefined)[] {
  const values = target.defaultValues ?? [];
  const byPeriodId = values.some((value) => value.periodId !== undefined && value.periodId !== null);
  return periods.map((period, index) => {
    const aligned = values[index];
    // Values usually come in period order: the one at the period's position is checked before a search.
    const match =
      !byPeriodId || aligned?.periodId === period.id
        ? aligned
        : values.find((value) => value.periodId === period.id);
    return match === undefined ? undefined : parseDecimal(match.defaultValue);
  });
}

/**
 * The goal's target: the value most periods share (the first one on a tie), so a goal with one target and a
 * few period exceptions reads back as it was written. Periods with another value carry their own target.
 */
function mostCommon(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  for (const [value, count] of counts)
    if (best === undefined || count > (counts.get(best) ?? 0)) best = value;
  return best;
}

function scopeOf(target: CapillaryTarget): CapillaryScope {
  const scope: JsonObject = {};
  for (const field of SCOPE_FIELDS) {
    if (target[field] !== undefined) scope[field] = copyJson(target[field]);
  }
  return scope as CapillaryScope;
}

function targetDetails(target: CapillaryTarget, defaultName: string | undefined): CapillaryTargetDetails {
  const triggers = target.targetMilestoneTriggers ?? [];
  return compact({
    id: target.id,
    emfRuleSetId: target.emfRuleSetId ?? undefined,
    name: target.name === defaultName ? undefined : target.name,
    description: keepUnlessDefault(target.description, ''),
    active: keepUnlessDefault(target.active, true),
    enrolmentMethod: (target.enrolmentMethod ?? undefined) as CapillaryTargetDetails['enrolmentMethod'],
    milestoneTriggers: triggers.length > 0 ? copyJson(triggers) : undefined,
    extra: unknownFields(target, TARGET_FIELDS),
  });
}

function additionalTarget(
  target: CapillaryTarget,
  periods: readonly CapillaryPeriod[],
  refs: readonly string[],
): CapillaryAdditionalTarget {
  const values: Record<string, string> = {};
  targetValuesByPeriod(target, periods).forEach((value, index) => {
    if (value !== undefined) setOwnProperty(values, refs[index] as string, value);
  });
  return compact({
    ...targetDetails(target, undefined),
    metric: metricOf(target.targetEntity, target.targetType),
    scope: scopeOf(target),
    values,
  });
}

function periodDetails(period: CapillaryPeriod): CapillaryPeriodDetails | undefined {
  const description = keepUnlessDefault(period.description, '');
  const active = period.active === false ? false : undefined;
  const extra = unknownFields(period, PERIOD_FIELDS);
  // Most periods have default settings: nothing to keep.
  if (description === undefined && active === undefined && extra === undefined) return undefined;
  return compact({ description, active, extra });
}

function streakDetails(streak: CapillaryStreak) {
  return compact({
    id: streak.id ?? undefined,
    name: streak.name,
    targetCountOfSequence: streak.targetCountOfSequence,
    extra: unknownFields(streak, STREAK_FIELDS),
  });
}

function scheduleBounds(group: CapillaryTargetGroup, periods: readonly { start: IsoDate; end: IsoDate }[]) {
  const [first, ...rest] = periods;
  if (first) {
    let { start, end } = first;
    for (const period of rest) {
      if (period.start < start) start = period.start;
      if (period.end > end) end = period.end;
    }
    return { start, end };
  }
  const start = group.fromDate ?? group.targetCycleStartDate;
  const end = group.toDate ?? group.targetCycleEndDate;
  return { start: start ? dateOnly(start) : undefined, end: end ? dateOnly(end) : undefined };
}

function instant(value: string | number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : parseDateTime(value);
}

/**
 * When the goal last changed: the latest update of the group, its targets or its periods. A target value is
 * changed through the target (`PUT …/targets/{id}`), which moves the target's attribution, not the group's.
 */
function lastUpdate(group: CapillaryTargetGroup): string | undefined {
  const own = group.attribution?.lastUpdatedOn;
  const form = typeof own === 'string' ? textForm(own) : undefined;
  if (!form) return latestInstant(group);
  // The hot path of reads: stamps of the group's own form (as one cluster writes them) compare as text, and
  // only the latest is parsed.
  let latest = own as string;
  for (const parts of [group.targets, group.periods]) {
    for (const part of parts ?? []) {
      const raw = part.attribution?.lastUpdatedOn;
      if (raw === undefined || raw === null || raw === latest) continue;
      if (typeof raw !== 'string' || !sameForm(raw, form)) return latestInstant(group);
      if (raw > latest) latest = raw;
    }
  }
  return instant(latest) ?? latestInstant(group);
}

/**
 * What two stamps must share to compare as text: length, UTC offset (`Z`, `+0530`, `-05:30`, sign included),
 * and the separators a datetime may spell two ways (`T` or a space before the time, `.` or `,` before the
 * fraction).
 */
interface StampForm {
  length: number;
  offset: string;
  /** The character codes at 10 (`T` or space) and 19 (`.` or `,` when there is a fraction). */
  time: number;
  fraction: number;
}

function textForm(stamp: string): StampForm | undefined {
  const offset = /(?:Z|[+-]\d{2}:?\d{2})$/.exec(stamp)?.[0];
  if (offset === undefined) return undefined;
  return { length: stamp.length, offset, time: stamp.charCodeAt(10), fraction: stamp.charCodeAt(19) };
}

function sameForm(stamp: string, form: StampForm): boolean {
  return (
    stamp.length === form.length &&
    stamp.charCodeAt(10) === form.time &&
    stamp.charCodeAt(19) === form.fraction &&
    stamp.endsWith(form.offset)
  );
}

/** The latest of every stamp of the group and its parts, each parsed: stamps of mixed forms, or a bad one. */
function latestInstant(group: CapillaryTargetGroup): string | undefined {
  let latest = instant(group.attribution?.lastUpdatedOn);
  for (const parts of [group.targets, group.periods]) {
    for (const part of parts ?? []) {
      const at = instant(part.attribution?.lastUpdatedOn);
      // ISO instants of one form (parseDateTime's) sort as text.
      if (at !== undefined && (latest === undefined || at > latest)) latest = at;
    }
  }
  return latest;
}

/** A target group as a Goal, with warnings for what reads approximately. */
export function capillaryTargetGroupToGoal(group: CapillaryTargetGroup): Mapped<Goal> {
  const warnings = new WarningList();
  const rawPeriods = group.periods ?? [];
  const refs = rawPeriods.map(periodRef);
  const periods = rawPeriods.map((period, index) => ({
    start: dateOnly(period.startDate),
    end: dateOnly(period.endDate),
    ref: refs[index] as string,
    id: String(period.id),
  }));
  const [primary, ...others] = group.targets ?? [];
  const values = primary ? targetValuesByPeriod(primary, rawPeriods) : [];
  const goalValue = mostCommon(values);
  const missing = refs.filter((_, index) => primary && values[index] === undefined);
  if (missing.length > 0) {
    warnings.add(
      'schedule.periods',
      'a Capillary period has no target value for the target',
      'read as the goal target',
      missing.join(', '),
    );
  }

  const rounded = primary?.defaultValues?.find((value) => unsafeJsonNumber(value.defaultValue) !== undefined);
  warnings.addIfRounded('target.value', rounded?.defaultValue, 'a Capillary target value');
  if (group.preferredTillId != null && !Number.isSafeInteger(group.preferredTillId)) {
    warnings.add(
      'extensions.capillary.preferredTillId',
      'a Capillary id beyond 2^53 cannot be read exactly from JSON',
      'kept the rounded number, which a write refuses',
      String(group.preferredTillId),
    );
  }
  const recurrence = recurrenceOfFrequency(group.frequencyType, group.frequency, periods.length);
  const derived = derivedFrequency(recurrence, periods.length);
  let periodSettings: Record<string, CapillaryPeriodDetails> | undefined;
  rawPeriods.forEach((period, index) => {
    const details = periodDetails(period);
    if (!details) return;
    periodSettings ??= {};
    setOwnProperty(periodSettings, refs[index] as string, details);
  });

  const extension: CapillaryExtension = compact({
    trackingType: keepUnlessDefault(
      group.trackingType,
      DEFAULT_TRACKING_TYPE,
    ) as CapillaryExtension['trackingType'],
    targetEvaluationType: keepUnlessDefault(
      group.targetEvaluationType,
      'FIXED_CALENDAR_WINDOW',
    ) as CapillaryExtension['targetEvaluationType'],
    frequencyType: keepUnlessDefault(
      group.frequencyType,
      derived.frequencyType,
    ) as CapillaryExtension['frequencyType'],
    frequency: keepUnlessDefault(group.frequency, derived.frequency),
    recurringCycles: keepUnlessDefault(group.recurringCycles, derived.recurringCycles),
    totalPeriods: keepUnlessDefault(group.totalPeriods, derived.totalPeriods),
    preferredTillId: group.preferredTillId ?? undefined,
    userCreated: keepUnlessDefault(group.userCreated, false),
    leaderboardEnabled: keepUnlessDefault(group.leaderboardEnabled, false),
    timeZoneName: group.timeZoneName ?? undefined,
    combinationType: (group.combinationType ?? undefined) as CapillaryExtension['combinationType'],
    unifiedTargetExpression: group.unifiedTargetExpression
      ? copyJson(group.unifiedTargetExpression)
      : undefined,
    streaks: group.streaks ? group.streaks.map(streakDetails) : undefined,
    target: primary ? targetDetails(primary, group.name) : undefined,
    additionalTargets:
      others.length > 0 ? others.map((target) => additionalTarget(target, rawPeriods, refs)) : undefined,
    periods: periodSettings,
    attribution: group.attribution ? copyJson(group.attribution) : undefined,
    extra: unknownFields(group, GROUP_FIELDS),
  });

  let title = group.name;
  if (title.trim() === '') {
    // Seen in the docs' list example (group 2256); a Goal title cannot be blank.
    title = `Target group ${group.id}`;
    warnings.add('title', 'the Capillary target group has a blank name', 'titled it by its id', title);
  }
  const bounds = scheduleBounds(group, periods);
  const createdAt = instant(group.createdOn) ?? instant(group.attribution?.createdOn);
  const updatedAt = lastUpdate(group);
  const goal: Goal = {
    id: String(group.id),
    provider: CAPILLARY_PROVIDER,
    title,
    ...(group.description === undefined ? {} : { description: group.description }),
    owners: [],
    measure: primary
      ? {
          kind: measureKindOf(primary.targetType),
          metric: metricOf(primary.targetEntity, primary.targetType),
          scope: scopeOf(primary) as GoalJson,
        }
      : { kind: 'count', metric: NO_TARGET_METRIC },
    target: goalValue === undefined ? null : { value: goalValue },
    schedule: compact({
      start: bounds.start,
      end: bounds.end,
      recurrence,
      periods: periods.map((period, index) => {
        const value = values[index];
        return value !== undefined && value !== goalValue ? { ...period, target: value } : period;
      }),
    }),
    status: group.active === false ? 'inactive' : 'active',
    extensions: { capillary: extension as GoalJson },
    ...(createdAt ? { createdAt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
  };
  return warnings.result(goal);
}
