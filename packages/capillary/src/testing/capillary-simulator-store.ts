/**
 * The simulated org's state and the server's rules for changing it: validation and error codes from the
 * reference (§4, §5, §6), derived values (period status, cycle dates) and soft delete. Rendering to JSON
 * lives in capillary-simulator-render.ts, HTTP in capillary-simulator.ts.
 */
import { type IsoDate, isIsoDate, parseDateTime, parseDecimal } from '@goalbridge/core';
import type * as z from 'zod';
import {
  CapillaryPeriodRequestSchema,
  CapillaryStreakRequestSchema,
  type CapillaryTargetGroupRequest,
  CapillaryTargetGroupRequestSchema,
  type CapillaryTargetRequest,
  CapillaryTargetRequestSchema,
  canonicalEnum,
  ENROLMENT_METHODS,
  EVALUATION_TYPES,
  FILTER_ENTITY_TYPES,
  FREQUENCY_TYPES,
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PERIODS,
  needsExtendedFieldInfo,
  TARGET_TYPES_BY_ENTITY,
  TRACKING_TYPES,
  TRANSACTION_EVENT,
} from '../capillary-api.ts';
import { CapillaryFault, invalidInput, notFound, periodChangeRefused } from './capillary-simulator-faults.ts';

export interface Actor {
  id: number;
  code: string;
}

export interface StoredAttribution {
  createdOn: number;
  lastUpdatedOn: number;
  createdBy: Actor;
  lastUpdatedBy: Actor;
}

export interface StoredPeriod {
  id: number;
  startDate: IsoDate;
  endDate: IsoDate;
  refCode: string;
  description: string | undefined;
  active: boolean;
  attribution: StoredAttribution;
}

export interface StoredValue {
  id: number;
  periodId: number;
  value: string;
}

export interface StoredTarget {
  id: number;
  name: string;
  targetEntity: string;
  targetType: string;
  eventName: string | null | undefined;
  description: string | undefined;
  active: boolean;
  expression: string | boolean | null | undefined;
  expressionJson: string | null | undefined;
  filters: CapillaryTargetRequest['filters'];
  enrolmentMethod: string;
  values: StoredValue[];
  extendedFieldInfo: Record<string, unknown> | null | undefined;
  triggers: Record<string, unknown>[];
  emfRuleSetId: number;
  attribution: StoredAttribution;
}

export interface StoredStreak {
  id: number;
  name: string;
  targetCountOfSequence: number;
  attribution: StoredAttribution;
}

export interface StoredGroup {
  id: number;
  name: string;
  description: string | undefined;
  active: boolean;
  preferredTillId: number | undefined;
  trackingType: string;
  targetEvaluationType: string;
  totalPeriods: number;
  frequencyType: string | undefined;
  frequency: number | undefined;
  recurringCycles: number | undefined;
  userCreated: boolean;
  leaderboardEnabled: boolean;
  timeZoneName: string | undefined;
  combinationType: string | undefined;
  unifiedTargetExpression: Record<string, unknown> | undefined;
  periods: StoredPeriod[];
  targets: StoredTarget[];
  streaks: StoredStreak[] | undefined;
  /** Epoch milliseconds. */
  createdOn: number;
  attribution: StoredAttribution;
}

export interface StoredEnrolment {
  groupId: number;
  targetId: number;
  /** Customers are enrolled from one period on, into every later one (reference §4.11). */
  fromPeriodId: number;
  enrolledOn: number;
  unEnrolled: boolean;
  /** Achieved value, row id and last change per period id. */
  achieved: Map<number, string>;
  rowIds: Map<number, number>;
  updatedOn: Map<number, number>;
}

export interface StoredCustomer {
  id: number;
  firstName: string;
  lastName: string;
  mobile: string;
  enrolments: Map<number, StoredEnrolment>;
}

export interface StoreOptions {
  now: () => number;
  /** Minutes east of UTC of the cluster's time zone: request datetimes become dates there (reference §10.11). */
  utcOffsetMinutes: number;
  /** HTTP status of "not found" answers: 200 with `errors` by default ([KV] NotFoundException). */
  notFoundStatus: number;
  /** Whether the org has leaderboards (310133 otherwise). */
  leaderboard: boolean;
}

const STREAK_TRACKING = new Set(['STREAKS', 'NON_CONTINUOUS_STREAKS']);
/** Group fields the create schema requires besides the name, periods and targets (reference §4.1, [OAS]). */
const REQUIRED_GROUP_FIELDS = [
  'trackingType',
  'targetEvaluationType',
  'totalPeriods',
  'frequencyType',
  'frequency',
  'recurringCycles',
] as const;

/**
 * Refuses a create body without a field the create schema requires. Checked on the API's create only: a group
 * seeded as held already may lack them, as legacy groups do (edit-streaks example 9919: no frequency).
 */
export function checkCreateFields(body: unknown): void {
  if (typeof body !== 'object' || body === null) return; // the body's schema refuses it
  for (const field of REQUIRED_GROUP_FIELDS)
    if ((body as Record<string, unknown>)[field] === undefined)
      throw invalidInput(`body.${field} is required`);
}

type IdKind = 'group' | 'period' | 'target' | 'value' | 'streak' | 'emf' | 'row' | 'trigger';

function parseOrFault<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [what, ...(issue?.path ?? []).map(String)].join('.');
  throw invalidInput(`${path} ${issue?.message ?? 'is invalid'}`);
}

function checkEnum(value: string | undefined, allowed: readonly string[], field: string): void {
  if (value !== undefined && !allowed.includes(value))
    throw invalidInput(`${field} ${value} is not one of ${allowed.join(', ')}`);
}

/** Group names in lower case, computed once per name: every create compares against every group. */
const lowerNames = new WeakMap<StoredGroup, { name: string; lower: string }>();

function lowerName(group: StoredGroup): string {
  let cached = lowerNames.get(group);
  if (cached?.name !== group.name) {
    cached = { name: group.name, lower: group.name.toLowerCase() };
    lowerNames.set(group, cached);
  }
  return cached.lower;
}

function checkName(name: string | undefined, field: string, code = 300004): string {
  if (!name || name.trim() === '') throw invalidInput(`${field} is required`);
  if (name.length > MAX_NAME_LENGTH) {
    throw code === 310008
      ? new CapillaryFault(400, 310008, 'Length of Target rule name cannot exceed 200')
      : invalidInput(`${field} is longer than 200 characters`);
  }
  return name;
}

function checkDescription(description: string | undefined, field: string): string | undefined {
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH)
    throw invalidInput(`${field} is longer than 255 characters`);
  return description;
}

function overlapping(periods: readonly { startDate: IsoDate; endDate: IsoDate }[]): boolean {
  const sorted = [...periods].sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
  return sorted.some(
    (period, index) => index > 0 && period.startDate <= (sorted[index - 1] as StoredPeriod).endDate,
  );
}

/** What `PUT …/targetPeriods` sets of a period. */
const PERIOD_SETTINGS = ['startDate', 'endDate', 'refCode', 'description', 'active'] as const;
/** What a period may change by its status (reference §4.8); a NOT_STARTED one may change anything. */
const CHANGEABLE_BY_STATUS: Readonly<Record<string, readonly string[]>> = {
  ENDED: [],
  RUNNING: ['endDate'],
};

/** Refuses a change §4.8 forbids. A missing description reads as "": the PUT requires one (OAS). */
function checkPeriodRules(period: StoredPeriod, next: StoredPeriod, status: string): void {
  const changeable = CHANGEABLE_BY_STATUS[status];
  if (!changeable) return;
  const changed = PERIOD_SETTINGS.filter((field) => (next[field] ?? '') !== (period[field] ?? ''));
  const refused = changed.filter((field) => !changeable.includes(field));
  if (refused.length > 0)
    throw periodChangeRefused(`period ${period.refCode} is ${status}: ${refused.join(', ')} cannot change`);
}

export class CapillaryStore {
  readonly groups = new Map<number, StoredGroup>();
  readonly customers = new Map<number, StoredCustomer>();
  readonly options: StoreOptions;
  readonly #ids: Record<IdKind, number> = {
    group: 2300,
    period: 21000,
    target: 2400,
    value: 23500,
    streak: 1400,
    emf: 126411000,
    row: 97266000,
    trigger: 10790,
  };

  constructor(options: StoreOptions) {
    this.options = options;
  }

  /** Separate id sequences per kind, starting near values seen in the docs' examples. */
  #next(kind: IdKind): number {
    this.#ids[kind]++;
    return this.#ids[kind];
  }

  #attribution(actor: Actor): StoredAttribution {
    const now = this.options.now();
    return { createdOn: now, lastUpdatedOn: now, createdBy: actor, lastUpdatedBy: actor };
  }

  #touch(attribution: StoredAttribution, actor: Actor): void {
    attribution.lastUpdatedOn = this.options.now();
    attribution.lastUpdatedBy = actor;
  }

  /** Today in the cluster's time zone. */
  today(): IsoDate {
    return new Date(this.options.now() + this.options.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  }

  /** Computed at read time from today's date (reference §4.1 mock rules). */
  periodStatus(period: Pick<StoredPeriod, 'startDate' | 'endDate'>): 'NOT_STARTED' | 'RUNNING' | 'ENDED' {
    const today = this.today();
    return period.startDate > today ? 'NOT_STARTED' : period.endDate < today ? 'ENDED' : 'RUNNING';
  }

  /** A request datetime as a cluster-local date: offset-less values are local already (reference §1.3). */
  clusterDate(value: string, field: string): IsoDate {
    const text: string = value;
    if (isIsoDate(value)) return value;
    const instant = parseDateTime(text);
    if (instant)
      return new Date(Date.parse(instant) + this.options.utcOffsetMinutes * 60_000)
        .toISOString()
        .slice(0, 10);
    const prefix = text.slice(0, 10);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) && isIsoDate(prefix)) return prefix;
    throw invalidInput(`${field} ${JSON.stringify(value)} is not a date`);
  }

  isNameTaken(name: string, exceptId?: number): boolean {
    const wanted = name.toLowerCase();
    for (const group of this.groups.values()) {
      if (group.id !== exceptId && lowerName(group) === wanted) return true;
    }
    return false;
  }

  /** A group; deactivated ones count as missing where `activeOnly` (310017 reads "not found or deactivated"). */
  findGroup(id: number | string, activeOnly = false): StoredGroup {
    const group = this.groups.get(Number(id));
    if (!group || (activeOnly && !group.active)) throw notFound(310017, this.options.notFoundStatus);
    return group;
  }

  findTarget(group: StoredGroup, targetId: number | string): StoredTarget {
    const target = group.targets.find((item) => item.id === Number(targetId));
    if (!target) throw notFound(310018, this.options.notFoundStatus);
    return target;
  }

  #newPeriods(raw: unknown[], existing: readonly StoredPeriod[], actor: Actor, what: string): StoredPeriod[] {
    const periods = raw.map((item, index) => {
      const request = parseOrFault(CapillaryPeriodRequestSchema, item, `${what}.${index}`);
      const period: StoredPeriod = {
        id: this.#next('period'),
        startDate: this.clusterDate(request.startDate, `${what}.${index}.startDate`),
        endDate: this.clusterDate(request.endDate, `${what}.${index}.endDate`),
        refCode: checkName(request.refCode, `${what}.${index}.refCode`),
        description: request.description,
        active: request.active ?? true,
        attribution: this.#attribution(actor),
      };
      if (period.endDate < period.startDate) throw invalidInput(`${what}.${index} ends before it starts`);
      return period;
    });
    this.#checkPeriodSet([...existing, ...periods]);
    return periods;
  }

  #checkPeriodSet(periods: readonly StoredPeriod[]): void {
    if (periods.length > MAX_PERIODS) throw invalidInput(`at most ${MAX_PERIODS} periods are allowed`);
    const refs = new Set<string>();
    for (const period of periods) {
      const ref = period.refCode.toLowerCase();
      if (refs.has(ref)) throw invalidInput(`period refCode ${period.refCode} is used twice`);
      refs.add(ref);
    }
    if (overlapping(periods)) throw invalidInput('periods overlap');
  }

  /** Default values: by `periodId` when given, else by position in the period list (§4.1 mock rules). */
  #values(request: CapillaryTargetRequest, periods: readonly StoredPeriod[], what: string): StoredValue[] {
    const values = request.defaultValues ?? [];
    const byId = values.some((value) => value.periodId !== undefined && value.periodId !== null);
    if (!byId && values.length > 0 && values.length !== periods.length) {
      throw invalidInput(`${what}.defaultValues has ${values.length} values for ${periods.length} periods`);
    }
    return values.map((value, index) => {
      const amount = parseDecimal(value.defaultValue);
      if (amount === undefined || amount.startsWith('-'))
        throw invalidInput(`${what}.defaultValues.${index} must not be negative`);
      const period = byId ? periods.find((item) => item.id === value.periodId) : periods[index];
      if (!period) throw notFound(310019, 400);
      return { id: this.#next('value'), periodId: period.id, value: amount };
    });
  }

  #newTarget(raw: unknown, periods: readonly StoredPeriod[], actor: Actor, what: string): StoredTarget {
    const request = parseOrFault(CapillaryTargetRequestSchema, raw, what);
    const entity = canonicalEnum(request.targetEntity);
    const types = TARGET_TYPES_BY_ENTITY[entity];
    if (!types) throw invalidInput(`${what}.targetEntity ${request.targetEntity} is not known`);
    if (!types.includes(request.targetType)) {
      throw new CapillaryFault(400, 310033, 'The target entity and target type combination are not valid');
    }
    if (needsExtendedFieldInfo(entity, request.targetType) && !request.extendedFieldInfo) {
      throw new CapillaryFault(
        400,
        310094,
        'Target rule metadata is required in case of EXTENDED_FIELD/ALTERNATE_CURRENCIES target type',
      );
    }
    if (entity === 'EVENT' && !request.eventName)
      throw invalidInput(`${what}.eventName is required for EVENT targets`);
    checkEnum(request.enrolmentMethod, ENROLMENT_METHODS, `${what}.enrolmentMethod`);
    for (const filter of request.filters ?? [])
      checkEnum(filter.entityType, FILTER_ENTITY_TYPES, `${what}.filters.entityType`);
    const id = this.#next('target');
    return {
      id,
      name: checkName(request.name, `${what}.name`, 310008),
      targetEntity: entity,
      targetType: request.targetType,
      // The server fills the event of transactional targets (§4.1 mock rules; payloads show it on points too).
      eventName: request.eventName ?? (entity === 'EVENT' ? undefined : TRANSACTION_EVENT),
      description: checkDescription(request.description, `${what}.description`),
      active: request.active ?? true,
      expression: request.expression,
      expressionJson: request.expressionJson,
      filters: structuredClone(request.filters),
      // No enrolmentMethod in the request reads back as IMPORT in the create example (§4.1, ASSUMPTION).
      enrolmentMethod: request.enrolmentMethod ?? 'IMPORT',
      values: this.#values(request, periods, what),
      extendedFieldInfo: structuredClone(request.extendedFieldInfo),
      triggers: (request.targetMilestoneTriggers ?? []).map((trigger) => ({
        id: this.#next('trigger'),
        ...structuredClone(trigger),
        targetRuleId: id,
      })),
      emfRuleSetId: this.#next('emf'),
      attribution: this.#attribution(actor),
    };
  }

  /** `POST /v3/targetGroups`. */
  createGroup(body: unknown, actor: Actor): StoredGroup {
    const request: CapillaryTargetGroupRequest = parseOrFault(
      CapillaryTargetGroupRequestSchema,
      body,
      'body',
    );
    const name = checkName(request.name, 'name');
    if (this.isNameTaken(name)) throw new CapillaryFault(400, 310069, 'Target group name already exists');
    const trackingType = canonicalEnum(request.trackingType ?? '');
    checkEnum(trackingType, TRACKING_TYPES, 'trackingType');
    const evaluation = request.targetEvaluationType ?? 'FIXED_CALENDAR_WINDOW';
    checkEnum(evaluation, EVALUATION_TYPES, 'targetEvaluationType');
    checkEnum(request.frequencyType, FREQUENCY_TYPES, 'frequencyType');
    if ((request.recurringCycles ?? 0) > MAX_PERIODS) throw invalidInput('recurringCycles is more than 100');
    if (request.leaderboardEnabled && !this.options.leaderboard) {
      throw new CapillaryFault(400, 310133, 'Leaderboard is not enabled for the org');
    }
    if (request.leaderboardEnabled && evaluation !== 'FIXED_CALENDAR_WINDOW') {
      throw new CapillaryFault(
        400,
        310132,
        'Target evaluation type not supported for leaderboard, currently only FIXED_CALENDER_WINDOW is supported',
      );
    }
    if (
      (STREAK_TRACKING.has(trackingType) || trackingType === 'UNIFIED') &&
      evaluation !== 'FIXED_CALENDAR_WINDOW'
    ) {
      throw invalidInput(`${trackingType} groups support FIXED_CALENDAR_WINDOW only`);
    }
    if (STREAK_TRACKING.has(trackingType) && !(request.streaks?.length ?? 0))
      throw invalidInput('streaks are required');
    const periods = this.#newPeriods(request.periods, [], actor, 'periods');
    const targets = request.targets.map((target, index) =>
      this.#newTarget(target, periods, actor, `targets.${index}`),
    );
    const streaks = request.streaks?.map((raw, index) => {
      const streak = parseOrFault(CapillaryStreakRequestSchema, raw, `streaks.${index}`);
      if (streak.targetCountOfSequence < 1)
        throw invalidInput(`streaks.${index}.targetCountOfSequence must be at least 1`);
      return {
        id: this.#next('streak'),
        name: checkName(streak.name, `streaks.${index}.name`),
        targetCountOfSequence: streak.targetCountOfSequence,
        attribution: this.#attribution(actor),
      };
    });
    const group: StoredGroup = {
      id: this.#next('group'),
      name,
      description: checkDescription(request.description, 'description'),
      active: request.active ?? true,
      preferredTillId: request.preferredTillId ?? actor.id,
      trackingType,
      targetEvaluationType: evaluation,
      // Echoed as sent: Capillary does not derive it from the periods (reference §10.8).
      totalPeriods: request.totalPeriods ?? periods.length,
      frequencyType: request.frequencyType,
      frequency: request.frequency,
      recurringCycles: request.recurringCycles,
      userCreated: request.userCreated ?? false,
      leaderboardEnabled: request.leaderboardEnabled ?? false,
      timeZoneName: request.timeZoneName,
      combinationType: request.combinationType,
      unifiedTargetExpression: structuredClone(request.unifiedTargetExpression),
      periods,
      targets,
      streaks,
      createdOn: this.options.now(),
      attribution: this.#attribution(actor),
    };
    this.groups.set(group.id, group);
    return group;
  }

  /** `PUT /v3/targetGroups/editTargetGroup/{id}`: name, description and target expressions only (seed 004). */
  editGroup(id: string, body: unknown, actor: Actor): StoredGroup {
    const group = this.findGroup(id, true);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalidInput('body must be an object');
    const request = body as Record<string, unknown>;
    if (request.name !== undefined) {
      const name = checkName(typeof request.name === 'string' ? request.name : undefined, 'name');
      if (this.isNameTaken(name, group.id))
        throw new CapillaryFault(400, 310069, 'Target group name already exists');
      group.name = name;
    }
    if (request.description !== undefined) {
      if (typeof request.description !== 'string') throw invalidInput('description must be text');
      group.description = checkDescription(request.description, 'description');
    }
    const targets = Array.isArray(request.targets) ? (request.targets as Record<string, unknown>[]) : [];
    for (const item of targets) {
      const target = this.findTarget(group, Number(item.id));
      if (item.expression !== undefined) target.expression = item.expression as string | boolean;
      if (item.expressionJson !== undefined) target.expressionJson = item.expressionJson as string;
      this.#touch(target.attribution, actor);
    }
    this.#touch(group.attribution, actor);
    return group;
  }

  /** `DELETE /v3/targetGroups/{id}`: deactivation (reference §4.5, ASSUMPTION soft delete). */
  deactivateGroup(id: string, actor: Actor): void {
    const group = this.findGroup(id, true);
    group.active = false;
    this.#touch(group.attribution, actor);
  }

  /** `POST /v3/targetGroups/{id}/targetPeriods`: new periods have no default values yet (reference §4.8). */
  addPeriods(id: string, body: unknown, actor: Actor): StoredGroup {
    const group = this.findGroup(id, true);
    if (!Array.isArray(body)) throw invalidInput('body must be an array of periods');
    for (const [index, item] of body.entries()) {
      if (typeof (item as { description?: unknown }).description !== 'string')
        throw invalidInput(`${index}.description is required`);
    }
    group.periods.push(...this.#newPeriods(body, group.periods, actor, 'body'));
    this.#touch(group.attribution, actor);
    return group;
  }

  /** `PUT /v3/targetGroups/{id}/targetPeriods`: RUNNING may change its end only; ENDED nothing (§4.8). */
  updatePeriods(id: string, body: unknown, actor: Actor): StoredPeriod[] {
    const group = this.findGroup(id, true);
    if (!Array.isArray(body)) throw invalidInput('body must be an array of periods');
    const changes = body.map((item, index) => {
      const request = parseOrFault(CapillaryPeriodRequestSchema, item, `body.${index}`);
      const period = group.periods.find((candidate) => candidate.id === request.id);
      if (!period) throw notFound(310019, 400);
      const next = {
        ...period,
        startDate: this.clusterDate(request.startDate, `body.${index}.startDate`),
        endDate: this.clusterDate(request.endDate, `body.${index}.endDate`),
        refCode: checkName(request.refCode, `body.${index}.refCode`),
        description: request.description ?? period.description,
        active: request.active ?? period.active,
      };
      checkPeriodRules(period, next, this.periodStatus(period));
      if (next.endDate < next.startDate) throw invalidInput(`period ${period.refCode} ends before it starts`);
      return { period, next };
    });
    const after = group.periods.map(
      (period) => changes.find((change) => change.period === period)?.next ?? period,
    );
    this.#checkPeriodSet(after);
    for (const { period, next } of changes) {
      Object.assign(period, next);
      this.#touch(period.attribution, actor);
    }
    return changes.map(({ period }) => period);
  }

  /** `POST /v3/targetGroups/{id}/targets`. */
  addTargets(id: string, body: unknown, actor: Actor): StoredTarget[] {
    const group = this.findGroup(id, true);
    if (!Array.isArray(body)) throw invalidInput('body must be an array of targets');
    const targets = body.map((item, index) => this.#newTarget(item, group.periods, actor, `body.${index}`));
    group.targets.push(...targets);
    return targets;
  }

  /**
   * `PUT /v3/targetGroups/{id}/targets/{targetId}`: expression, filters, default values, name, description
   * and active change; the KPI does not (§4.9). The live docs send an object, the OpenAPI example an array.
   */
  modifyTarget(id: string, targetId: string, body: unknown, actor: Actor): StoredTarget {
    const group = this.findGroup(id, true);
    const target = this.findTarget(group, targetId);
    const single = Array.isArray(body) ? (body.length === 1 ? body[0] : undefined) : body;
    const request = parseOrFault(CapillaryTargetRequestSchema, single, 'body');
    if (
      canonicalEnum(request.targetEntity) !== target.targetEntity ||
      request.targetType !== target.targetType
    ) {
      throw invalidInput('targetEntity and targetType cannot change');
    }
    for (const filter of request.filters ?? [])
      checkEnum(filter.entityType, FILTER_ENTITY_TYPES, 'body.filters.entityType');
    if (request.name !== undefined) target.name = checkName(request.name, 'body.name', 310008);
    if (request.description !== undefined)
      target.description = checkDescription(request.description, 'body.description');
    if (request.active !== undefined) target.active = request.active;
    if (request.expression !== undefined) target.expression = request.expression;
    if (request.expressionJson !== undefined) target.expressionJson = request.expressionJson;
    if (request.filters !== undefined) target.filters = structuredClone(request.filters);
    if (request.defaultValues) {
      const byPeriod = new Map(target.values.map((value) => [value.periodId, value]));
      for (const value of this.#values(request, group.periods, 'body')) {
        const existing = byPeriod.get(value.periodId);
        if (existing) existing.value = value.value;
        else target.values.push(value);
      }
    }
    this.#touch(target.attribution, actor);
    return target;
  }

  /** `DELETE /v3/targetGroups/{id}/targets/{targetId}`: deactivates the target (§4.9, ASSUMPTION). */
  deactivateTarget(id: string, targetId: string, actor: Actor): void {
    const target = this.findTarget(this.findGroup(id, true), targetId);
    target.active = false;
    this.#touch(target.attribution, actor);
  }

  addCustomer(customer: Omit<StoredCustomer, 'enrolments'>): StoredCustomer {
    const stored = { ...customer, enrolments: this.customers.get(customer.id)?.enrolments ?? new Map() };
    this.customers.set(customer.id, stored);
    return stored;
  }

  findCustomer(id: number | string): StoredCustomer {
    const customer = /^\d+$/.test(String(id)) ? this.customers.get(Number(id)) : undefined;
    if (!customer) throw notFound(310011, 400);
    return customer;
  }

  /**
   * `POST .../enroll` with `[{customerId, periodName, initialBalance}]`: enrols into that period and every
   * later one; `initialBalance` sets the achieved value, `null` on re-enrolment keeps it (reference §4.11).
   */
  enrol(groupId: string, targetId: string, body: unknown): number {
    const group = this.findGroup(groupId, true);
    const target = this.findTarget(group, targetId);
    if (!Array.isArray(body) || body.length !== 1) throw invalidInput('body must hold exactly one record');
    const record = body[0] as { customerId?: unknown; periodName?: unknown; initialBalance?: unknown };
    const customer = this.findCustomer(String(record.customerId ?? ''));
    const streaks = STREAK_TRACKING.has(group.trackingType);
    const period =
      typeof record.periodName === 'string'
        ? group.periods.find((item) => item.refCode.toLowerCase() === String(record.periodName).toLowerCase())
        : streaks
          ? group.periods[0]
          : undefined;
    if (!period) throw notFound(310019, 400);
    const existing = customer.enrolments.get(target.id);
    if (existing && !existing.unEnrolled)
      throw new CapillaryFault(400, 310119, 'User already enrolled for the target');
    const enrolment: StoredEnrolment = existing ?? {
      groupId: group.id,
      targetId: target.id,
      fromPeriodId: period.id,
      enrolledOn: this.options.now(),
      unEnrolled: false,
      achieved: new Map(),
      rowIds: new Map(),
      updatedOn: new Map(),
    };
    enrolment.fromPeriodId = period.id;
    enrolment.unEnrolled = false;
    enrolment.enrolledOn = this.options.now();
    if (record.initialBalance !== undefined && record.initialBalance !== null) {
      const balance = parseDecimal(record.initialBalance);
      if (balance === undefined) throw invalidInput('initialBalance must be a number');
      enrolment.achieved.set(period.id, balance);
      enrolment.updatedOn.set(period.id, this.options.now());
    }
    customer.enrolments.set(target.id, enrolment);
    return customer.id;
  }

  /** `POST .../unEnroll`: a customer who is not enrolled is HTTP 500 with 310126 (reference §4.11). */
  unenrol(groupId: string, targetId: string, body: unknown): number {
    const target = this.findTarget(this.findGroup(groupId, true), targetId);
    if (!Array.isArray(body) || body.length !== 1) throw invalidInput('body must hold exactly one record');
    const customer = this.findCustomer(String((body[0] as { customerId?: unknown }).customerId ?? ''));
    const enrolment = customer.enrolments.get(target.id);
    if (!enrolment || enrolment.unEnrolled)
      throw new CapillaryFault(500, 310126, 'User is not enrolled to this target');
    enrolment.unEnrolled = true;
    return customer.id;
  }

  /** Sets what a customer achieved in one period: the simulator's stand-in for real transactions (§5.7). */
  setProgress(
    customerId: number,
    targetId: number,
    period: number | string,
    achieved: number | string,
  ): void {
    const customer = this.findCustomer(customerId);
    const enrolment = customer.enrolments.get(targetId);
    if (!enrolment) throw new Error(`customer ${customerId} is not enrolled in target ${targetId}`);
    const group = this.findGroup(enrolment.groupId);
    const match = group.periods.find((item) => item.id === period || item.refCode === period);
    if (!match) throw new Error(`target group ${group.id} has no period ${period}`);
    const value = parseDecimal(achieved);
    if (value === undefined) throw new Error(`not a number: ${achieved}`);
    enrolment.achieved.set(match.id, value);
    enrolment.updatedOn.set(match.id, this.options.now());
  }

  /** A stable row id per customer, target and period (`targetId` of user-target rows). */
  rowId(enrolment: StoredEnrolment, periodId: number): number {
    let id = enrolment.rowIds.get(periodId);
    if (id === undefined) {
      id = this.#next('row');
      enrolment.rowIds.set(periodId, id);
    }
    return id;
  }
}
