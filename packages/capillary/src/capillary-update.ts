/**
 * Goal updates as Capillary calls. The edit endpoint changes only the group's name, description and target
 * expressions (seed 004; reference §4.4); periods change through the period endpoints under their status
 * rules (§4.8), target values and filters through the target endpoint (§4.9), and deactivation is the
 * group DELETE (§4.5). Everything else Capillary cannot change is refused here, before any write.
 */
import {
  addDays,
  type DecimalString,
  daysBetween,
  type Goal,
  type GoalInput,
  type GoalPatch,
  InvalidResponseError,
  type IsoDate,
  type MappingWarning,
  refusalIssues,
  toGoalInput,
  UnsupportedError,
  ValidationError,
  type ValidationIssue,
} from '@goalbridge/core';
import type { CapillaryPeriod, CapillaryTarget, CapillaryTargetGroup } from './capillary-api.ts';
import { canonicalEnum } from './capillary-api.ts';
import { CapillaryExtensionSchema } from './capillary-extension.ts';
import { periodEndDateTime, periodStartDateTime } from './capillary-schedule.ts';
import {
  type CapillaryPlan,
  missingValuesIssue,
  type NamedWindow,
  type PeriodName,
  type PlannedPeriod,
  type PlannedTarget,
  planCapillaryTargetGroup,
  targetRequest,
  wireDecimal,
} from './convert-to-capillary-target-group.ts';
import {
  capillaryTargetGroupToGoal,
  compact,
  dateOnly,
  periodRef,
  targetValuesByPeriod,
} from './map-capillary-goal.ts';

const PROVIDER = 'capillary';

/** A period change for `PUT /targetGroups/{id}/targetPeriods`. */
export interface PeriodChange {
  id: number;
  period: PlannedPeriod;
}

/** A target change for `PUT /targetGroups/{id}/targets/{targetId}`. */
export interface TargetChange {
  targetId: number;
  target: PlannedTarget;
  /** The value to send per planned period; `undefined` leaves a period that has none without one. */
  values: (DecimalString | undefined)[];
  /** Default-value ids by period id, so existing rows are updated rather than added. */
  valueIds: ReadonlyMap<number, number>;
}

export interface CapillaryUpdatePlan {
  /** Body for the edit endpoint, when name, description or an expression changes. */
  edit: Record<string, unknown> | undefined;
  changedPeriods: PeriodChange[];
  newPeriods: PlannedPeriod[];
  changedTargets: TargetChange[];
  /** The periods of the desired group, in order, for target values. */
  periods: PlannedPeriod[];
  deactivate: boolean;
  warnings: MappingWarning[];
}

/** Refuses a change no endpoint makes; `field` is the Goal field it concerns. */
function unsupported(field: string, message: string): never {
  throw new UnsupportedError(`capillary cannot ${message}`, { provider: PROVIDER, field });
}

/** Deep equality of JSON data, ignoring key order and `undefined` members. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  const left = Object.entries(a).filter(([, value]) => value !== undefined);
  const right = new Map(Object.entries(b).filter(([, value]) => value !== undefined));
  return (
    left.length === right.size &&
    left.every(([key, value]) => right.has(key) && sameJson(value, right.get(key)))
  );
}

/**
 * The goal the patch asks for. Parts a patch leaves out keep their current value; a patch that replaces
 * `measure` without a scope, or `extensions` without `capillary`, keeps the current KPI rule and settings
 * (a migration that knows nothing of Capillary must not reset them).
 */
export function desiredGoal(current: Goal, patch: GoalPatch): GoalInput {
  const base = toGoalInput(current);
  const merged = { ...base, ...compact(patch) } as GoalInput;
  if (patch.measure && patch.measure.scope === undefined && patch.measure.metric === base.measure.metric) {
    merged.measure = { ...patch.measure, ...(base.measure.scope ? { scope: base.measure.scope } : {}) };
  }
  if (patch.extensions && !('capillary' in patch.extensions) && base.extensions.capillary) {
    merged.extensions = { ...patch.extensions, capillary: base.extensions.capillary };
  }
  // The first target's name follows the group name only at creation: renaming a target can break the
  // loyalty promotions listening to it (reference §4.9), so a new title leaves it as it is.
  const extension = merged.extensions.capillary as { target?: { name?: unknown } } | undefined;
  if (merged.title !== base.title && extension?.target && extension.target.name === undefined) {
    merged.extensions = {
      ...merged.extensions,
      capillary: { ...extension, target: { ...extension.target, name: base.title } },
    };
  }
  return merged;
}

/**
 * A period's status by its dates. With a margin, a bound that close to today could go either way (Capillary
 * reads "today" in its cluster's time zone): UNKNOWN, which refuses nothing.
 */
function statusByDates(start: IsoDate, end: IsoDate, today: IsoDate, marginDays = 0): string {
  const earliest = addDays(today, -marginDays);
  const latest = addDays(today, marginDays);
  if (end < earliest) return 'ENDED';
  if (start > latest) return 'NOT_STARTED';
  return start <= earliest && end >= latest ? 'RUNNING' : 'UNKNOWN';
}

/** The other spellings of the status (reference §2.1: request values, and one docs row's LIVE). */
const STATUS_ALIASES: Readonly<Record<string, string>> = { LIVE: 'RUNNING', UPCOMING: 'NOT_STARTED' };
/** UNKNOWN is no status Capillary gives: it marks a period a prediction cannot tell (see statusByDates). */
const STATUSES = new Set(['NOT_STARTED', 'RUNNING', 'ENDED', 'UNKNOWN']);

/** The status Capillary gives a period, in its canonical spelling; by the dates when it gives none we know. */
function periodStatus(period: CapillaryPeriod, today: IsoDate): string {
  const served = period.periodStatus?.toUpperCase() ?? '';
  const status = STATUS_ALIASES[served] ?? served;
  if (STATUSES.has(status)) return status;
  return statusByDates(dateOnly(period.startDate), dateOnly(period.endDate), today);
}

/** What matching compares of a period: its id, dates and, when it has one of its own, its ref. */
interface PeriodKey {
  id: string | undefined;
  ref: string | undefined;
  start: IsoDate;
  end: IsoDate;
}

type SamePeriod = (want: PeriodKey, have: PeriodKey) => boolean;

/**
 * Ways a desired period can be the same as a current one, strongest first. Only a ref of its own names a
 * period: by a name made up from its position (`Cycle_1`), a period added in front would take the first
 * period's id, values and progress. After these, overlapping dates tell which period moved (see
 * matchByOverlap).
 */
const SAME_PERIOD: readonly SamePeriod[] = [
  (want, have) => want.id !== undefined && want.id === have.id,
  (want, have) => want.start === have.start && want.end === have.end,
  (want, have) => want.ref !== undefined && want.ref.toLowerCase() === have.ref?.toLowerCase(),
  (want, have) => want.start === have.start,
];

/** Days two periods share (0 when they do not meet). */
function overlapDays(a: PeriodKey, b: PeriodKey): number {
  // ISO dates sort as text: the later start and the earlier end bound what they share.
  const start = [a.start, b.start].sort()[1] as IsoDate;
  const end = [a.end, b.end].sort()[0] as IsoDate;
  return start > end ? 0 : daysBetween(start, end) + 1;
}

const byStart = (a: PeriodKey, b: PeriodKey) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);

/**
 * Pairs periods between the same two matched ones (by how many matched ones start before them): a period
 * whose dates moved is still that period, and one added in front, behind or between takes no other's place.
 */
function inSameGap(wanted: readonly PeriodKey[], had: readonly PeriodKey[]): SamePeriod {
  const before = (start: IsoDate, keys: readonly PeriodKey[]) =>
    keys.filter((key) => key.start < start).length;
  return (want, have) => before(want.start, wanted) === before(have.start, had);
}

/**
 * Desired periods matched to current ones, each way of SAME_PERIOD over all periods before the next, then by
 * the most days shared, then those left in date order between the same matched ones. Both sides go in date order, so where several
 * current periods would do, the earliest is taken.
 */
function matchPeriods<T>(
  desired: readonly PeriodKey[],
  current: readonly T[],
  keyOf: (period: T, index: number) => PeriodKey,
) {
  const keyed = current.map((period, index) => [period, keyOf(period, index)] as const);
  const free = new Map(keyed.sort(([, a], [, b]) => byStart(a, b)));
  const order = desired.map((key, index) => ({ key, index })).sort((a, b) => byStart(a.key, b.key));
  const matches: (T | undefined)[] = desired.map(() => undefined);
  const matchBy = (same: SamePeriod) => {
    for (const { key, index } of order) {
      if (matches[index] !== undefined) continue;
      const found = [...free].find(([, have]) => same(key, have));
      if (!found) continue;
      matches[index] = found[0];
      free.delete(found[0]);
    }
  };
  for (const same of SAME_PERIOD) matchBy(same);
  // Overlapping dates, most shared days first: January moved to start on the 6th is January, not the new
  // period from Dec 15 to Jan 5 that also touches it.
  const overlaps = order
    .filter(({ index }) => matches[index] === undefined)
    .flatMap(({ key, index }) =>
      [...free].map(([period, have]) => ({ index, period, days: overlapDays(key, have) })),
    )
    .filter(({ days }) => days > 0)
    .sort((a, b) => b.days - a.days);
  for (const { index, period } of overlaps) {
    if (matches[index] !== undefined || !free.has(period)) continue;
    matches[index] = period;
    free.delete(period);
  }
  const wanted = order.filter(({ index }) => matches[index] !== undefined).map(({ key }) => key);
  const had = keyed.filter(([period]) => !free.has(period)).map(([, key]) => key);
  matchBy(inSameGap(wanted, had));
  return { matches, removed: [...free.keys()] };
}

/** A Capillary period as matching compares it; `index` is its position, which names one without a refCode. */
function capillaryPeriodKey(period: CapillaryPeriod, index: number): PeriodKey {
  return {
    id: String(period.id),
    start: dateOnly(period.startDate),
    end: dateOnly(period.endDate),
    ref: periodRef(period, index),
  };
}

/** A period the goal has, as matching compares it; one without a ref is named by its position (`Cycle_1`). */
function goalPeriodKey(period: NamedWindow, index: number): PeriodKey & PeriodName {
  return {
    id: period.id,
    start: period.start,
    end: period.end,
    ref: periodRef({ refCode: period.ref }, index),
  };
}

/**
 * Names for the desired periods. Enrolments address periods by name, so a period without a ref (one a
 * recurrence expands to, or an explicit one given without) that the goal has keeps its name and id: a period
 * added in front renames nothing. A new one is `Cycle_<its position>`, or the next number no period has. A
 * period with a ref keeps it. (The update plan matches the named periods again: those without a ref that
 * matched carry the id, the rest a name no period has, so it finds the same.)
 */
function periodNames(windows: readonly NamedWindow[], current: readonly NamedWindow[]): PeriodName[] {
  const known = current.map(goalPeriodKey);
  const wanted = windows.map(({ id, start, end, ref }) => ({ id, start, end, ref }));
  const { matches } = matchPeriods(wanted, known, (key) => key);
  const refs = [...known.map((key) => key.ref), ...windows.flatMap((window) => window.ref ?? [])];
  const taken = new Set(refs.map((ref) => ref.toLowerCase()));
  return windows.map((window, index) => {
    if (window.ref !== undefined) return { ref: window.ref, id: window.id };
    const match = matches[index];
    if (match) return { ref: match.ref, id: window.id ?? match.id };
    let number = index + 1;
    while (taken.has(`cycle_${number}`)) number++;
    taken.add(`cycle_${number}`);
    return { ref: `Cycle_${number}`, id: window.id };
  });
}

/** What `PUT …/targetPeriods` sets of a period, as the plan names it. */
const PERIOD_FIELDS = ['start', 'end', 'ref', 'description', 'active'] as const;
type PeriodField = (typeof PERIOD_FIELDS)[number];

/** How a refusal names a field, and the Goal field that holds it. */
const PERIOD_FIELD_NAMES: Readonly<Record<PeriodField, { name: string; goalField: string }>> = {
  start: { name: 'dates', goalField: 'schedule.periods' },
  end: { name: 'dates', goalField: 'schedule.periods' },
  ref: { name: 'ref', goalField: 'schedule.periods' },
  description: { name: 'description', goalField: 'extensions.capillary.periods' },
  active: { name: 'active setting', goalField: 'extensions.capillary.periods' },
};

/**
 * What a period may change by its status (reference §4.8, update-target-period); any other status (NOT_STARTED,
 * or UNKNOWN when a plan cannot tell) may change anything.
 */
const PERIOD_RULES: Readonly<Record<string, { changes: readonly PeriodField[]; reason: string }>> = {
  ENDED: { changes: [], reason: 'it has ended' },
  RUNNING: { changes: ['end'], reason: 'it is running, so only its end date may change' },
};

/**
 * The fields the plan changes of `current` (named `ref`). A change is one the goal can show: as the reader
 * does, a missing or null description counts as "", a missing or null `active` as true, a period without a
 * refCode as named `Cycle_<position>`; unknown fields (`extra`) are not sent, so they change nothing.
 */
function changedPeriodFields(current: CapillaryPeriod, ref: string, period: PlannedPeriod): PeriodField[] {
  const differs: Record<PeriodField, boolean> = {
    start: dateOnly(current.startDate) !== period.start,
    end: dateOnly(current.endDate) !== period.end,
    ref: ref !== period.ref,
    description: (current.description ?? '') !== (period.details?.description ?? ''),
    active: (current.active ?? true) !== (period.details?.active ?? true),
  };
  return PERIOD_FIELDS.filter((field) => differs[field]);
}

/** Refuses changes to period `name` that its status forbids. */
function checkPeriodChange(
  current: CapillaryPeriod,
  name: string,
  changed: readonly PeriodField[],
  today: IsoDate,
): void {
  if (changed.length === 0) return;
  const rule = PERIOD_RULES[periodStatus(current, today)];
  if (!rule) return;
  const refused = changed.filter((field) => !rule.changes.includes(field));
  if (refused.length === 0) return;
  const names = new Set(refused.map((field) => PERIOD_FIELD_NAMES[field].name));
  const goalField = PERIOD_FIELD_NAMES[refused[0] as PeriodField].goalField;
  unsupported(goalField, `change the ${[...names].join(' and ')} of period ${name}: ${rule.reason}`);
}

/** Target fields no endpoint changes; expressions go through the edit, the rest through PUT target. */
const FIXED_TARGET_FIELDS = [
  'targetEntity',
  'targetType',
  'eventName',
  'extendedFieldInfo',
  'enrolmentMethod',
  'targetMilestoneTriggers',
];
const EXPRESSION_FIELDS = ['expression', 'expressionJson'];
const TARGET_PUT_FIELDS = ['name', 'description', 'filters'];

/** The current target in the form `targetRequest` produces, so the two compare field by field. */
function currentTargetRequest(target: CapillaryTarget): Record<string, unknown> {
  const {
    defaultValues: _values,
    targetPeriodDefaultValuesMap: _map,
    targetMilestoneTriggers: triggers,
    ...rest
  } = target;
  const requestTriggers = (triggers ?? []).map(({ id: _id, targetRuleId: _rule, ...trigger }) => trigger);
  return {
    ...rest,
    targetEntity: canonicalEnum(target.targetEntity),
    targetMilestoneTriggers: requestTriggers.length > 0 ? requestTriggers : undefined,
  };
}

/** How a target's values line up with the planned periods. */
interface ValueContext {
  periods: readonly PlannedPeriod[];
  /** The current period each planned one matched, if any. */
  matches: readonly (CapillaryPeriod | undefined)[];
  /** The target's current value per planned period; `undefined` for new periods and periods without one. */
  current: readonly (string | undefined)[];
}

/**
 * What to send for each period of target number `index`, and whether anything changes. Every value the goal
 * gives is sent where the server's differs, including to a period that has none: the reader shows the goal's
 * target for such a period, and this makes it so. (Keeping none there would leave the periods an interrupted
 * update had added without a value for good, its retry seeing nothing to do.) A period may go without a value
 * only if it has none now; new periods and periods that have one need one (ValidationError before any write).
 */
function planTargetValues(target: PlannedTarget, index: number, context: ValueContext) {
  const { periods, matches, current } = context;
  const { values } = target;
  const missing = periods.filter(
    (_, period) =>
      values[period] === undefined && (matches[period] === undefined || current[period] !== undefined),
  );
  if (missing.length > 0) {
    const refs = missing.map((period) => period.ref);
    throw new ValidationError([missingValuesIssue(index, refs)], {
      subject: 'goal update for capillary',
      provider: PROVIDER,
    });
  }
  const changed = values.some((value, period) => value !== undefined && value !== current[period]);
  return { values, changed };
}

function valueIdsByPeriod(target: CapillaryTarget): Map<number, number> {
  const valueIds = new Map<number, number>();
  for (const value of target.defaultValues ?? []) {
    if (value.periodId !== undefined && value.periodId !== null && typeof value.id === 'number')
      valueIds.set(value.periodId, value.id);
  }
  return valueIds;
}

/** Where the Goal keeps each target field of the first target; the others live in `additionalTargets`. */
const FIRST_TARGET_FIELDS: Readonly<Record<string, string>> = {
  targetEntity: 'measure.metric',
  targetType: 'measure.metric',
  eventName: 'measure.scope',
  extendedFieldInfo: 'measure.scope',
  enrolmentMethod: 'extensions.capillary.target',
  targetMilestoneTriggers: 'extensions.capillary.target',
  active: 'extensions.capillary.target',
};

/** The Goal field that holds `field` of target number `index` (the target itself without a field). */
function targetField(index: number, field?: string): string {
  if (index > 0) return `extensions.capillary.additionalTargets.${index - 1}`;
  return field === undefined ? 'measure' : (FIRST_TARGET_FIELDS[field] ?? 'measure');
}

function matchTarget(
  target: PlannedTarget,
  index: number,
  current: readonly CapillaryTarget[],
): CapillaryTarget | undefined {
  if (index === 0) return current[0];
  const others = current.slice(1);
  return (
    others.find((item) => target.details.id !== undefined && item.id === target.details.id) ??
    others.find((item) => item.name.toLowerCase() === target.name.toLowerCase())
  );
}

/**
 * The goal `patch` asks for and its plan, checked against what the current goal alone shows: throws
 * ValidationError when Capillary would refuse that goal, UnsupportedError when its KPI or settings change.
 */
function planDesired(currentGoal: Goal, patch: GoalPatch) {
  const desired = desiredGoal(currentGoal, patch);
  // Periods without a value are allowed here; which may stay so is decided per target later.
  const checked = planCapillaryTargetGroup(desired, {
    allowMissingValues: true,
    namePeriods: (windows) => periodNames(windows, currentGoal.schedule.periods ?? []),
  });
  if (!checked.plan)
    throw new ValidationError(checked.issues, { subject: 'goal update for capillary', provider: PROVIDER });
  checkMeasureAndSettings(currentGoal, desired, checked.plan);
  return { desired, plan: checked.plan, warnings: checked.warnings };
}

/**
 * The edit call's body, when the title, description or an expression changes. The title is compared with
 * the one the goal was read with: a blank name reads as `Target group <id>` (see the reader), and that must
 * not become its name. Unchanged, the name sent is the group's own, left out when blank.
 */
function planEdit(
  current: CapillaryTargetGroup,
  currentTitle: string,
  desired: GoalInput,
  expressionEdits: readonly Record<string, unknown>[],
): Record<string, unknown> | undefined {
  const retitled = desired.title !== currentTitle;
  const described = (desired.description ?? '') !== (current.description ?? '');
  if (!retitled && !described && expressionEdits.length === 0) return undefined;
  const name = retitled ? desired.title : current.name;
  return compact({
    id: current.id,
    name: name.trim() === '' ? undefined : name,
    description: desired.description ?? '',
    preferredTillId: current.preferredTillId ?? undefined,
    targets: expressionEdits.length > 0 ? expressionEdits : undefined,
  });
}

/**
 * The calls that turn `current` into the goal `patch` asks for. Throws ValidationError (Capillary would
 * refuse the result) or UnsupportedError (no endpoint makes this change) before anything is sent.
 * `currentGoal` is `current` as a Goal, when the caller has it already.
 */
export function planCapillaryUpdate(
  current: CapillaryTargetGroup,
  patch: GoalPatch,
  today: IsoDate,
  currentGoal: Goal = capillaryTargetGroupToGoal(current).value,
): CapillaryUpdatePlan {
  const { desired, plan, warnings } = planDesired(currentGoal, patch);
  const { periods } = plan;
  const currentPeriods = current.periods ?? [];
  // Where each current period stands: it names a period without a refCode (Cycle_n) and finds its values.
  const position = new Map(currentPeriods.map((period, index) => [period, index]));
  const refOf = (period: CapillaryPeriod) => periodRef(period, position.get(period) as number);
  const { matches, removed } = matchPeriods(periods, currentPeriods, capillaryPeriodKey);
  if (removed.length > 0) {
    unsupported(
      'schedule.periods',
      `remove periods (${removed.map(refOf).join(', ')}): the API has no call for it`,
    );
  }
  const changedPeriods: PeriodChange[] = [];
  const newPeriods: PlannedPeriod[] = [];
  periods.forEach((period, index) => {
    const match = matches[index];
    if (!match) {
      newPeriods.push(period);
      return;
    }
    const ref = refOf(match);
    const changed = changedPeriodFields(match, ref, period);
    checkPeriodChange(match, ref, changed, today);
    if (changed.length > 0) changedPeriods.push({ id: match.id, period });
  });

  const currentTargets = current.targets ?? [];
  const expressionEdits: Record<string, unknown>[] = [];
  const changedTargets: TargetChange[] = [];
  const matchedTargets = new Set<CapillaryTarget>();
  plan.targets.forEach((target, index) => {
    const match = matchTarget(target, index, currentTargets);
    if (!match) unsupported(targetField(index), `add target ${target.name} to an existing group`);
    matchedTargets.add(match);
    const wanted = targetRequest(target) as Record<string, unknown>;
    const existing = currentTargetRequest(match);
    const differs = (field: string) => !sameJson(wanted[field] ?? null, existing[field] ?? null);
    const fixed = FIXED_TARGET_FIELDS.filter(differs);
    if (fixed.length > 0)
      unsupported(targetField(index, fixed[0]), `change ${fixed.join(', ')} of target ${match.name}`);
    if ((wanted.active ?? true) !== (existing.active ?? true))
      unsupported(targetField(index, 'active'), `change whether target ${match.name} is active`);
    if (EXPRESSION_FIELDS.some(differs)) {
      expressionEdits.push(
        compact({
          id: match.id,
          name: match.name,
          targetType: match.targetType,
          expression: wanted.expression,
          expressionJson: wanted.expressionJson,
        }),
      );
    }
    const byCurrentPeriod = targetValuesByPeriod(match, currentPeriods);
    const { values, changed } = planTargetValues(target, index, {
      periods,
      matches,
      current: matches.map((period) =>
        period ? byCurrentPeriod[position.get(period) as number] : undefined,
      ),
    });
    if (changed || TARGET_PUT_FIELDS.some(differs)) {
      changedTargets.push({ targetId: match.id, target, values, valueIds: valueIdsByPeriod(match) });
    }
  });
  const dropped = currentTargets.filter((target) => !matchedTargets.has(target));
  if (dropped.length > 0)
    unsupported(
      'extensions.capillary.additionalTargets',
      `remove targets (${dropped.map((target) => target.name).join(', ')}) from a group`,
    );

  const edit = planEdit(current, currentGoal.title, desired, expressionEdits);

  const wasActive = current.active !== false;
  if (!wasActive && desired.status === 'active')
    unsupported('status', 'reactivate a deactivated target group');
  // Writes to a deactivated group are answered 310017, "not found or deactivated" (reference §4.5).
  const writes = edit || changedPeriods.length + newPeriods.length + changedTargets.length > 0;
  if (!wasActive && writes) unsupported('status', `change target group ${current.id}: it is deactivated`);
  return {
    edit,
    changedPeriods,
    newPeriods,
    changedTargets,
    periods,
    deactivate: wasActive && desired.status === 'inactive',
    warnings,
  };
}

/**
 * The group a goal was read from, as far as planning an update looks at it: periods with their ids, dates,
 * names, settings and status (see {@link statusByDates}), and targets with their ids, fields and values
 * by period id. `undefined` for a goal that does not carry them (not read from Capillary, or a group
 * Capillary could not take back as it is).
 */
function groupAsRead(goal: Goal, today: IsoDate): CapillaryTargetGroup | undefined {
  const { plan } = planCapillaryTargetGroup(toGoalInput(goal), { allowMissingValues: true });
  if (!plan || plan.targets.some((target) => target.details.id === undefined)) return undefined;
  // A goal read without periods is planned with periods from its recurrence: those are not the group's.
  const read = goal.schedule.periods?.length ? plan.periods : [];
  const periodIds = read.map((period) => Number(period.id));
  if (!periodIds.every(Number.isSafeInteger)) return undefined;
  return {
    id: Number(goal.id),
    name: goal.title,
    description: goal.description ?? null,
    active: goal.status === 'active',
    preferredTillId: plan.extension.preferredTillId ?? null,
    periods: read.map((period, index) => ({
      id: periodIds[index] as number,
      startDate: period.start,
      endDate: period.end,
      refCode: period.ref,
      // Within a day of today the update decides, against the status Capillary serves then.
      periodStatus: statusByDates(period.start, period.end, today, 1),
      description: period.details?.description ?? null,
      active: period.details?.active ?? null,
    })),
    targets: plan.targets.map((target) => ({
      ...targetRequest(target),
      id: target.details.id as number,
      defaultValues: read.flatMap((_, index) => {
        const value = target.values[index];
        return value === undefined ? [] : [{ periodId: periodIds[index] as number, defaultValue: value }];
      }),
    })),
  } as CapillaryTargetGroup;
}

/**
 * What an update of `current` (as listed) would be refused for, found by planning it against the group the
 * goal was read from: a plan marks it invalid instead of every run failing it. The update itself plans
 * against the group as Capillary serves it then, and refuses the same way.
 */
export function capillaryUpdateIssues(current: Goal, patch: GoalPatch, today: IsoDate): ValidationIssue[] {
  const group = groupAsRead(current, today);
  try {
    // Without the group (one Capillary could not take back as it is), what the desired goal alone shows.
    if (group) planCapillaryUpdate(group, patch, today, current);
    else planDesired(current, patch);
    return [];
  } catch (error) {
    const issues = refusalIssues(error);
    if (issues) return issues;
    throw error;
  }
}

/** Group-level settings and the KPI are fixed once a group exists. */
function checkMeasureAndSettings(currentGoal: Goal, desired: GoalInput, plan: CapillaryPlan): void {
  if (
    desired.measure.metric !== currentGoal.measure.metric ||
    desired.measure.kind !== currentGoal.measure.kind
  ) {
    unsupported(
      'measure',
      `change what a target group measures (${currentGoal.measure.metric} to ${desired.measure.metric})`,
    );
  }
  const before = CapillaryExtensionSchema.parse(currentGoal.extensions.capillary ?? {});
  const after = plan.extension;
  const settings = [
    'trackingType',
    'targetEvaluationType',
    'preferredTillId',
    'userCreated',
    'leaderboardEnabled',
    'timeZoneName',
    'combinationType',
    'unifiedTargetExpression',
    'extra',
  ] as const;
  const changed: string[] = settings.filter((key) => !sameJson(before[key] ?? null, after[key] ?? null));
  const streakShape = (streaks: typeof before.streaks) =>
    (streaks ?? []).map(({ id: _id, ...streak }) => streak);
  if (!sameJson(streakShape(before.streaks), streakShape(after.streaks))) changed.push('streaks');
  // A schedule without a recurrence keeps the current one; the frequency fields follow the recurrence.
  const recurrence = desired.schedule.recurrence;
  const recurrenceChanged = recurrence !== undefined && recurrence !== currentGoal.schedule.recurrence;
  const frequencyChanged = ['frequencyType', 'frequency'].some(
    (key) => !sameJson(before[key as 'frequency'] ?? null, after[key as 'frequency'] ?? null),
  );
  if (recurrenceChanged || frequencyChanged) changed.push('schedule.recurrence');
  if (changed.length > 0) {
    const field =
      changed.length === 1 && changed[0] === 'schedule.recurrence'
        ? 'schedule.recurrence'
        : 'extensions.capillary';
    unsupported(field, `change ${changed.join(', ')} of an existing target group`);
  }
}

/** `PUT /targetGroups/{id}/targetPeriods` items (description is required there, per the OpenAPI schema). */
export function periodUpdateBody(changes: readonly PeriodChange[]) {
  return changes.map(({ id, period }) =>
    compact({
      id,
      startDate: periodStartDateTime(period.start),
      endDate: periodEndDateTime(period.end),
      refCode: period.ref,
      description: period.details?.description ?? '',
      active: period.details?.active ?? true,
    }),
  );
}

/** `POST /targetGroups/{id}/targetPeriods` items. */
export function newPeriodBody(periods: readonly PlannedPeriod[]) {
  return periods.map((period) =>
    compact({
      startDate: periodStartDateTime(period.start),
      endDate: periodEndDateTime(period.end),
      refCode: period.ref,
      description: period.details?.description ?? '',
      active: period.details?.active ?? true,
    }),
  );
}

/**
 * The PUT target body: the whole target, with a default value per period addressed by period id. A period
 * that has no value and keeps none is left out, as it is from the group.
 */
export function targetUpdateBody(
  change: TargetChange,
  periods: readonly PlannedPeriod[],
  periodIds: ReadonlyMap<string, number>,
) {
  return {
    ...targetRequest(change.target),
    id: change.targetId,
    defaultValues: periods.flatMap((period, index) => {
      const value = change.values[index];
      if (value === undefined) return [];
      const periodId = periodIds.get(period.ref.toLowerCase());
      if (periodId === undefined) {
        throw new InvalidResponseError(`capillary did not list period ${period.ref} after adding it`, {
          provider: PROVIDER,
        });
      }
      return [compact({ id: change.valueIds.get(periodId), periodId, defaultValue: wireDecimal(value) })];
    }),
  };
}
