/**
 * Pure mappers between Pipedrive goals and the normalized Goal, exported for ETL use. Raw → Goal → raw is
 * lossless up to server-owned fields (`id`, `owner_id`, `is_active`, `report_ids`) and two documented
 * normalizations: a numeric-string `target` comes back as a number, and a blank or null `title` as no title.
 */
import {
  decimalToJson,
  ExtensionsSchema,
  type Goal,
  type GoalInput,
  type GoalPatch,
  isCurrencyCode,
  isIsoDate,
  isVisibleText,
  LIMITS,
  type Mapped,
  parseDecimal,
  RECURRENCES,
  type Recurrence,
  readMappedGoal,
  WarningList,
} from '@goalbridge/core';
import {
  ACTIVITY_GOAL_TYPES,
  PIPEDRIVE_INTERVALS,
  type PipedriveGoal,
  type PipedriveGoalBody,
  type PipedriveGoalParams,
  type PipedriveInterval,
  PROVIDER,
} from './pipedrive-api.ts';
import type { PipedriveCurrencyTable } from './pipedrive-currencies.ts';
import {
  extractExtra,
  type JsonObject,
  mergeExtraAt,
  type PipedriveGoalExtensions,
  readPipedriveExtensions,
} from './pipedrive-extensions.ts';

/** Any subset of a Goal input's fields, as a patch carries them. */
export type GoalFields = { [K in keyof GoalInput]?: GoalInput[K] | undefined };

export interface PipedriveMappingOptions {
  /** Currency id ⇄ ISO code. Without it, `currency_id` is kept in `extensions.pipedrive.currencyId`. */
  currencies?: PipedriveCurrencyTable | undefined;
  /** Interval for goals without `schedule.recurrence` (Pipedrive requires one); reported as a warning. */
  defaultInterval?: PipedriveInterval | undefined;
}

/** `measure.scope` of a Pipedrive goal: `type.params` in camelCase; `null` means "all". */
export interface PipedriveGoalScope {
  pipelineIds?: number[] | null;
  stageId?: number | null;
  activityTypeIds?: number[] | null;
}

/** The title given to a goal that has none, so the Goal model (which requires one) can carry it. */
export function untitledGoalTitle(metric: string, owner: { type: string; id: string } | undefined): string {
  return owner ? `Untitled ${metric} goal (${owner.type} ${owner.id})` : `Untitled ${metric} goal`;
}

function paramsToScope(params: PipedriveGoalParams | null | undefined): PipedriveGoalScope | undefined {
  if (!params) return undefined;
  const scope: PipedriveGoalScope = {};
  if (params.pipeline_id !== undefined) scope.pipelineIds = params.pipeline_id;
  if (params.stage_id !== undefined && params.stage_id !== null) scope.stageId = params.stage_id;
  if (params.activity_type_id !== undefined) scope.activityTypeIds = params.activity_type_id;
  return scope;
}

function scopeToParams(
  scope: Record<string, unknown>,
): NonNullable<NonNullable<PipedriveGoalBody['type']>['params']> {
  const { pipelineIds, stageId, activityTypeIds } = scope as PipedriveGoalScope;
  return {
    ...(pipelineIds === undefined ? {} : { pipeline_id: pipelineIds }),
    ...(stageId === undefined ? {} : { stage_id: stageId }),
    ...(activityTypeIds === undefined ? {} : { activity_type_id: activityTypeIds }),
  };
}

function intervalToRecurrence(interval: string): { recurrence: Recurrence; custom?: string } {
  return (RECURRENCES as readonly string[]).includes(interval)
    ? { recurrence: interval as Recurrence }
    : { recurrence: 'custom', custom: interval };
}

/** A Pipedrive goal (as parsed by `PipedriveGoalSchema`) as a Goal. */
export function pipedriveGoalToGoal(raw: PipedriveGoal, options: PipedriveMappingOptions = {}): Mapped<Goal> {
  const warnings = new WarningList();
  const extension: PipedriveGoalExtensions = {};
  const owners = raw.assignee ? [{ type: raw.assignee.type, id: String(raw.assignee.id) }] : [];
  const scope = paramsToScope(raw.type.params);
  if (raw.type.params?.stage_id === null) {
    // Undocumented (a stage is one id, §1.2), and refused on a write: read as no stage, so the goal writes back.
    warnings.add('measure.scope.stageId', 'Pipedrive sent a null stage', 'read as no stage');
  }
  const outcome = raw.expected_outcome;
  const kind = outcome.tracking_metric === 'sum' ? 'money' : 'count';

  const hasTitle = typeof raw.title === 'string' && raw.title.trim() !== '';
  if (!hasTitle) {
    extension.untitled = true;
    warnings.add('title', 'Pipedrive goal has no title', 'generated one', raw.id);
  }

  const value =
    outcome.target === undefined || outcome.target === null ? undefined : parseDecimal(outcome.target);
  warnings.addIfRounded('target.value', outcome.target, 'a Pipedrive target');
  let currency: string | undefined;
  if (typeof outcome.currency_id === 'number') {
    currency =
      kind === 'money' && value !== undefined ? options.currencies?.codeOf(outcome.currency_id) : undefined;
    if (currency === undefined) {
      extension.currencyId = outcome.currency_id;
      warnings.add(
        'target.currency',
        'Pipedrive currency id could not be resolved to an ISO 4217 code',
        'kept its id in extensions.pipedrive.currencyId',
        String(outcome.currency_id),
      );
    }
  }

  const schedule: Goal['schedule'] = {};
  if (raw.duration?.start !== undefined) schedule.start = raw.duration.start;
  if (raw.duration?.end !== undefined) schedule.end = raw.duration.end;
  if (typeof raw.interval === 'string') {
    const { recurrence, custom } = intervalToRecurrence(raw.interval);
    schedule.recurrence = recurrence;
    if (custom !== undefined) extension.interval = custom;
  }

  if (raw.owner_id !== undefined) extension.ownerId = raw.owner_id;
  if (raw.report_ids !== undefined) extension.reportIds = raw.report_ids;
  const extra = extractExtra(raw);
  if (extra) extension.extra = extra;

  const metric = raw.type.name;
  const goal: Goal = {
    id: raw.id,
    provider: PROVIDER,
    title: hasTitle ? (raw.title as string) : untitledGoalTitle(metric, owners[0]),
    owners,
    measure: scope ? { kind, metric, scope: scope as JsonObject } : { kind, metric },
    target: value === undefined ? null : currency ? { value, currency } : { value },
    schedule,
    status: raw.is_active === false ? 'inactive' : 'active',
    extensions: { pipedrive: extension as JsonObject },
  };
  // Parsing the whole goal costs more than mapping it. A goal that passes the checks below is valid as built
  // (property-tested against GoalSchema); any other goal is parsed, for the same error as ever.
  if (isValidAsBuilt(goal)) return warnings.result(goal);
  return readMappedGoal(warnings.result(goal), { provider: PROVIDER, what: `goal ${raw.id}` });
}

const isDateOrNull = (value: unknown) => value === undefined || value === null || isIsoDate(value);

/** `measure.scope` as paramsToScope builds it from a parsed goal: id lists, ids or null. */
function isPlainScope(scope: PipedriveGoalScope | undefined): boolean {
  if (scope === undefined) return true;
  for (const value of [scope.pipelineIds, scope.stageId, scope.activityTypeIds]) {
    if (value === undefined || value === null || Number.isSafeInteger(value)) continue;
    if (!Array.isArray(value)) return false;
    for (let index = 0; index < value.length; index++) if (!Number.isSafeInteger(value[index])) return false;
  }
  return Object.getPrototypeOf(scope) === Object.prototype;
}

/**
 * True when a goal built by {@link pipedriveGoalToGoal} passes GoalSchema unchanged. What the mapper builds
 * is valid by construction (fixed keys, enums, canonical decimals, a recurrence); this checks what comes
 * from the raw goal and the schema does not promise: blank or long text, dates, a negative target, the
 * currency table's answer, the period order, and the extensions' JSON (with the schema's own check).
 */
export function isValidAsBuilt(goal: Goal): boolean {
  const { schedule, target, measure } = goal;
  return (
    isVisibleText(goal.id, LIMITS.id) &&
    isVisibleText(goal.title, LIMITS.title) &&
    goal.owners.every(
      (owner) => isVisibleText(owner.type, LIMITS.vocabulary) && isVisibleText(owner.id, LIMITS.id),
    ) &&
    isVisibleText(measure.metric, LIMITS.vocabulary) &&
    isPlainScope(measure.scope as PipedriveGoalScope | undefined) &&
    (target === null ||
      (!target.value.startsWith('-') &&
        (target.currency === undefined || isCurrencyCode(target.currency)))) &&
    isDateOrNull(schedule.start) &&
    isDateOrNull(schedule.end) &&
    !(schedule.start && schedule.end && schedule.end < schedule.start) &&
    ExtensionsSchema.safeParse(goal.extensions).success
  );
}

function warnUnheld(input: GoalFields, extension: PipedriveGoalExtensions, warnings: WarningList): void {
  if (input.description) warnings.add('description', 'Pipedrive goals have no description', 'dropped');
  if (input.priority !== undefined && input.priority !== null)
    warnings.add('priority', 'Pipedrive goals have no priority', 'dropped', String(input.priority));
  if (input.progress !== undefined)
    warnings.add('progress', 'Pipedrive computes progress itself', 'dropped; read it with progress()');
  if (input.origin !== undefined)
    warnings.add(
      'origin',
      'Pipedrive goals cannot record their origin',
      'dropped',
      `${input.origin.provider}:${input.origin.id}`,
    );
  if (input.status === 'inactive')
    warnings.add('status', 'Pipedrive derives is_active from the goal dates', 'ignored');
  if (input.schedule?.periods?.length)
    warnings.add(
      'schedule.periods',
      'Pipedrive goals have no explicit periods',
      'dropped',
      `${input.schedule.periods.length} periods`,
    );
  const owners = input.owners ?? [];
  if (owners.length > 1)
    warnings.add(
      'owners',
      'Pipedrive goals have exactly one assignee',
      'kept the first owner',
      `${owners.length} owners`,
    );
  if (owners[0]?.name !== undefined)
    warnings.add('owners.0.name', 'Pipedrive assignees carry no name', 'dropped');
  for (const namespace of Object.keys(input.extensions ?? {})) {
    if (namespace !== PROVIDER)
      warnings.add(
        `extensions.${namespace}`,
        "Pipedrive cannot hold another provider's extensions",
        'dropped',
      );
  }
  if (extension.ownerId !== undefined)
    warnings.add('extensions.pipedrive.ownerId', 'Pipedrive sets the goal creator itself', 'ignored');
  if (extension.reportIds !== undefined)
    warnings.add('extensions.pipedrive.reportIds', 'Pipedrive creates the goal reports itself', 'ignored');
}

interface Parts {
  input: GoalFields;
  extension: PipedriveGoalExtensions;
  options: PipedriveMappingOptions;
  warnings: WarningList;
}

function assigneeOf({ input, extension }: Parts): PipedriveGoalBody['assignee'] {
  const owner = input.owners?.[0];
  if (!owner) return undefined;
  const assignee: Record<string, unknown> = { id: Number(owner.id), type: owner.type };
  mergeExtraAt(assignee, extension.extra, ['assignee']);
  return assignee as PipedriveGoalBody['assignee'];
}

/**
 * The params an update sends: the scope's filters, and `null` ("all", reference §1.2) for the list filter of
 * the goal's type that the scope leaves out. Pipedrive may keep the current filters unless new ones are
 * supplied (§1.7, unverified), so leaving one out might not clear it; an explicit null clears it either way.
 */
function updateParams(metric: string, scope: Record<string, unknown> | undefined) {
  const filter = ACTIVITY_GOAL_TYPES.has(metric) ? 'activity_type_id' : 'pipeline_id';
  return { [filter]: null, ...scopeToParams(scope ?? {}) };
}

function typeOf({ input, extension }: Parts, forUpdate: boolean): PipedriveGoalBody['type'] {
  const measure = input.measure;
  if (!measure) return undefined;
  const params = forUpdate
    ? updateParams(measure.metric, measure.scope)
    : measure.scope && scopeToParams(measure.scope);
  if (params) mergeExtraAt(params, extension.extra, ['type', 'params']);
  const type: Record<string, unknown> = { name: measure.metric, ...(params ? { params } : {}) };
  mergeExtraAt(type, extension.extra, ['type']);
  return type as PipedriveGoalBody['type'];
}

function outcomeOf({ input, extension, options }: Parts): PipedriveGoalBody['expected_outcome'] {
  const { measure, target } = input;
  if (!measure || !target) return undefined;
  const money = measure.kind === 'money';
  const currencyId = target.currency ? options.currencies?.idOf(target.currency) : extension.currencyId;
  const outcome: Record<string, unknown> = {
    target: decimalToJson(target.value),
    tracking_metric: money ? 'sum' : 'quantity',
    ...(money && currencyId !== undefined ? { currency_id: currencyId } : {}),
  };
  mergeExtraAt(outcome, extension.extra, ['expected_outcome']);
  return outcome as PipedriveGoalBody['expected_outcome'];
}

function durationOf({ input, extension, warnings }: Parts): PipedriveGoalBody['duration'] {
  const schedule = input.schedule;
  if (!schedule || (schedule.start === undefined && schedule.end === undefined)) return undefined;
  if (schedule.end === undefined)
    warnings.add(
      'schedule.end',
      'the goal has no end date',
      'sent as an open-ended Pipedrive goal (end: null)',
    );
  const duration: Record<string, unknown> = { start: schedule.start, end: schedule.end ?? null };
  mergeExtraAt(duration, extension.extra, ['duration']);
  return duration as PipedriveGoalBody['duration'];
}

function intervalOf(
  { input, extension, options, warnings }: Parts,
  whenAbsent: 'default' | 'keep',
): string | undefined {
  const recurrence = input.schedule?.recurrence;
  if (recurrence === undefined) {
    if (whenAbsent === 'keep') {
      warnings.add(
        'schedule.recurrence',
        'Pipedrive goals always have an interval',
        'kept the current interval',
      );
      return undefined;
    }
    if (options.defaultInterval)
      warnings.add(
        'schedule.recurrence',
        'Pipedrive goals need an interval',
        'used the default interval',
        options.defaultInterval,
      );
    return options.defaultInterval;
  }
  if (recurrence === 'custom' && extension.interval) return extension.interval;
  return (PIPEDRIVE_INTERVALS as readonly string[]).includes(recurrence) ? recurrence : undefined;
}

function titleOf({ input, extension }: Parts): string | undefined {
  if (input.title === undefined) return undefined;
  const generated = input.measure && untitledGoalTitle(input.measure.metric, input.owners?.[0]);
  return extension.untitled && input.title === generated ? undefined : input.title;
}

function topLevel(body: Record<string, unknown>, extension: PipedriveGoalExtensions): PipedriveGoalBody {
  mergeExtraAt(body, extension.extra, []);
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body as PipedriveGoalBody;
}

/**
 * A Goal input as the body of `POST /goals`. The mapping never refuses: what Pipedrive would refuse is
 * reported by `pipedriveGoalIssues` (the adapter checks before any request); what it cannot hold is a warning.
 */
export function goalToPipedriveGoal(
  input: GoalInput,
  options: PipedriveMappingOptions = {},
): Mapped<PipedriveGoalBody> {
  const warnings = new WarningList();
  const extension = readPipedriveExtensions(input.extensions);
  warnUnheld(input, extension, warnings);
  const parts: Parts = { input, extension, options, warnings };
  const body = topLevel(
    {
      title: titleOf(parts),
      assignee: assigneeOf(parts),
      type: typeOf(parts, false),
      expected_outcome: outcomeOf(parts),
      duration: durationOf(parts),
      interval: intervalOf(parts, 'default'),
    },
    parts.extension,
  );
  return warnings.result(body);
}

/**
 * A Goal patch as the body of `PUT /goals/{id}`: only the changed fields, each nested object complete. The
 * expected outcome pairs the target with the measure's kind, so a patch that changes one of them needs the
 * current goal for the other (`current`).
 */
export function goalPatchToPipedriveUpdate(
  patch: GoalPatch,
  current: Goal | undefined,
  options: PipedriveMappingOptions = {},
): Mapped<PipedriveGoalBody> {
  const warnings = new WarningList();
  const own = readPipedriveExtensions(patch.extensions);
  warnUnheld(patch, own, warnings);
  // A patch without extensions keeps the current goal's settings.
  const extension = patch.extensions !== undefined ? own : readPipedriveExtensions(current?.extensions);
  const outcomeChanged = patch.measure !== undefined || patch.target !== undefined;
  const merged: GoalFields = {
    ...patch,
    measure: patch.measure ?? current?.measure,
    owners: patch.owners ?? current?.owners,
  };
  if (outcomeChanged) merged.target = patch.target !== undefined ? patch.target : current?.target;
  const parts: Parts = { input: merged, extension, options, warnings };
  const body = {
    title: patch.title === undefined ? undefined : titleOf(parts),
    assignee: patch.owners === undefined ? undefined : assigneeOf(parts),
    type: patch.measure === undefined ? undefined : typeOf(parts, true),
    expected_outcome: outcomeChanged ? outcomeOf(parts) : undefined,
    duration: patch.schedule === undefined ? undefined : durationOf(parts),
    interval: patch.schedule === undefined ? undefined : intervalOf(parts, 'keep'),
  };
  // Unknown top-level fields go out only when the extensions themselves change.
  return warnings.result(
    patch.extensions === undefined
      ? topLevel(body, withExtra(extension, pickNested(extension.extra)))
      : topLevel(body, extension),
  );
}

function withExtra(
  extension: PipedriveGoalExtensions,
  extra: JsonObject | undefined,
): PipedriveGoalExtensions {
  const { extra: _dropped, ...rest } = extension;
  return extra ? { ...rest, extra } : rest;
}

/** `extra` without its unknown top-level fields (nested ones travel with their objects). */
function pickNested(extra: JsonObject | undefined): JsonObject | undefined {
  if (!extra) return undefined;
  const nested: JsonObject = {};
  for (const key of ['type', 'assignee', 'duration', 'expected_outcome']) {
    const value = extra[key];
    if (value !== undefined) nested[key] = value;
  }
  return nested;
}
