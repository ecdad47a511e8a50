/**
 * Round trips. raw → Goal → raw: a group as the server answers it reads as a Goal that writes back as the
 * create body the group came from (less server-owned fields). Goal → raw → Goal: a goal written through the
 * adapter to the simulator reads back with every writable field unchanged.
 */
import { addDays, type GoalInputDraft, GoalInputSchema, GoalSchema } from '@goalbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CapillaryTargetGroupSchema,
  ENROLMENT_METHODS,
  EVALUATION_TYPES,
  FREQUENCY_TYPES,
  TARGET_TYPES_BY_ENTITY,
} from '../src/capillary-api.ts';
import { goalToCapillaryTargetGroup } from '../src/convert-to-capillary-target-group.ts';
import { createCapillaryAdapter } from '../src/index.ts';
import { capillaryTargetGroupToGoal } from '../src/map-capillary-goal.ts';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '../src/testing/index.ts';

type Json = Record<string, unknown>;

const KPIS = Object.entries(TARGET_TYPES_BY_ENTITY).flatMap(([entity, types]) =>
  types.map((type) => [entity, type] as const),
);
const words = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,30}$/).filter((text) => text.trim().length > 0);
const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
const extraFields = fc.dictionary(
  fc.stringMatching(/^x[A-Z][a-z]{1,6}$/),
  fc.oneof(scalar, fc.array(fc.integer(), { maxLength: 3 })),
  { maxKeys: 2, noNullPrototype: true },
);
/** A value with at most 3 decimals that a JSON number carries exactly. */
const value = fc.integer({ min: 0, max: 10_000_000_000 }).map((units) => units / 1000);
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

const defined = (object: Json): Json =>
  Object.fromEntries(Object.entries(object).filter(([, item]) => item !== undefined));

/** Consecutive, non-overlapping periods with distinct refs, as request and as answer. */
const periodsArbitrary = fc
  .record({
    start: fc.integer({ min: 0, max: 3000 }).map((days) => addDays('2022-01-01', days)),
    lengths: fc.array(
      fc.record({ days: fc.integer({ min: 0, max: 40 }), gap: fc.integer({ min: 0, max: 3 }) }),
      { minLength: 1, maxLength: 6 },
    ),
    descriptions: fc.array(optional(fc.constantFrom('', 'p1', 'second cycle')), {
      minLength: 6,
      maxLength: 6,
    }),
    inactive: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    extras: fc.array(extraFields, { minLength: 6, maxLength: 6 }),
  })
  .map(({ start, lengths, descriptions, inactive, extras }) => {
    let cursor = start;
    return lengths.map(({ days, gap }, index) => {
      const window = { start: cursor, end: addDays(cursor, days) };
      cursor = addDays(window.end, 1 + gap);
      return {
        ...window,
        ref: `Cycle_${index + 1}`,
        description: descriptions[index],
        active: !inactive[index],
        extra: extras[index] ?? {},
      };
    });
  });

const targetArbitrary = (periodCount: number) =>
  fc
    .record({
      kpi: fc.constantFrom(...KPIS),
      name: words,
      description: optional(fc.constantFrom('', 'counts bills')),
      active: optional(fc.boolean()),
      eventName: optional(fc.constantFrom('TransactionAdd', 'ReturnBill')),
      expression: optional(fc.constantFrom('true', 'currentTxn.value>500', true)),
      expressionJson: optional(fc.constant('{"arity":"literal","value":"true","type":"boolean:primitive"}')),
      filters: optional(
        fc.array(
          fc.record({
            entityType: fc.constantFrom('STORE', 'ZONE', 'CONCEPT'),
            entityIds: fc.array(fc.integer({ min: 1, max: 9e7 }), { maxLength: 3 }),
          }),
          { maxLength: 2 },
        ),
      ),
      enrolmentMethod: optional(fc.constantFrom(...ENROLMENT_METHODS)),
      triggers: fc.array(
        fc.record({
          triggerName: fc.constant('targetAchieved'),
          triggerValue: fc.integer({ min: 1, max: 100 }),
        }),
        { maxLength: 1 },
      ),
      values: fc.array(value, { minLength: periodCount, maxLength: periodCount }),
      extra: extraFields,
    })
    .map((target) => {
      const [entity, type] = target.kpi;
      const needsInfo =
        type === 'EXTENDED_FIELD' || type === 'EVENT_ATTRIBUTE' || entity === 'ALTERNATE_CURRENCIES';
      return {
        ...target,
        eventName: entity === 'EVENT' ? (target.eventName ?? 'AppCheckIn') : target.eventName,
        extendedFieldInfo: needsInfo ? { name: 'tax_amount', aggregateFunction: 'SUM' } : undefined,
      };
    });

const groupArbitrary = periodsArbitrary.chain((periods) =>
  fc.record({
    periods: fc.constant(periods),
    name: words,
    description: optional(fc.constantFrom('', 'UAT group', 'Spend more')),
    active: fc.boolean(),
    preferredTillId: optional(fc.integer({ min: 1, max: 2 ** 40 })),
    tracking: fc.constantFrom('DEFAULT', 'CAPPING', 'UNIFIED', 'STREAKS', 'NON_CONTINUOUS_STREAKS'),
    // Required by the create schema (reference §4.1): a create body always has them.
    evaluation: fc.constantFrom(...EVALUATION_TYPES),
    frequencyType: fc.constantFrom(...FREQUENCY_TYPES),
    frequency: fc.integer({ min: 0, max: 3 }),
    recurringCycles: fc.integer({ min: -1, max: 100 }),
    totalPeriods: fc.integer({ min: 0, max: 100 }),
    userCreated: optional(fc.boolean()),
    leaderboardEnabled: optional(fc.constant(false)),
    targets: fc.array(targetArbitrary(periods.length), { minLength: 2, maxLength: 3 }),
    streaks: fc.array(fc.record({ name: words, targetCountOfSequence: fc.integer({ min: 1, max: 5 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    extra: extraFields,
  }),
);

type Generated = typeof groupArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** What a client sends for the generated group, in the adapter's canonical form. */
function requestOf(group: Generated): Json {
  const streaky = group.tracking === 'STREAKS' || group.tracking === 'NON_CONTINUOUS_STREAKS';
  const fixedOnly = streaky || group.tracking === 'UNIFIED';
  const targets =
    group.tracking === 'UNIFIED' ? group.targets : group.targets.slice(0, 1 + (group.targets.length % 2));
  return defined({
    name: group.name,
    description: group.description,
    active: group.active,
    preferredTillId: group.preferredTillId,
    trackingType: group.tracking,
    targetEvaluationType: fixedOnly ? 'FIXED_CALENDAR_WINDOW' : group.evaluation,
    frequencyType: group.frequencyType,
    frequency: group.frequency,
    recurringCycles: group.recurringCycles,
    totalPeriods: group.totalPeriods,
    userCreated: group.userCreated,
    leaderboardEnabled: group.leaderboardEnabled,
    periods: group.periods.map((period) =>
      defined({
        startDate: `${period.start}T00:00:00.000`,
        endDate: `${period.end}T23:59:59.999`,
        refCode: period.ref,
        description: period.description,
        active: period.active,
        ...period.extra,
      }),
    ),
    targets: targets.map((target, index) =>
      defined({
        name: `${target.name} ${index}`,
        description: target.description,
        active: target.active,
        targetEntity: target.kpi[0],
        targetType: target.kpi[1],
        eventName: target.eventName,
        expression: target.expression,
        expressionJson: target.expressionJson,
        filters: target.filters,
        extendedFieldInfo: target.extendedFieldInfo,
        enrolmentMethod: target.enrolmentMethod,
        defaultValues: target.values.map((amount) => ({ defaultValue: amount })),
        targetMilestoneTriggers: target.triggers.length > 0 ? target.triggers : undefined,
        ...target.extra,
      }),
    ),
    streaks: streaky ? group.streaks : undefined,
    combinationType: group.tracking === 'UNIFIED' ? 'ALL' : undefined,
    ...group.extra,
  });
}

/** The server's answer for a request: ids, attribution, date-only periods, values by period id (shuffled). */
function answerOf(request: Json, seed: number): Json {
  const attribution = {
    createdOn: '2024-02-19T15:41:53.000+0530',
    lastUpdatedOn: '2024-02-19T15:41:53.000+0530',
    createdBy: { id: 5, type: 'TILL' },
  };
  const periods = (request.periods as Json[]).map((period, index) => ({
    ...period,
    id: 900 + index,
    attribution,
    startDate: String(period.startDate).slice(0, 10),
    endDate: String(period.endDate).slice(0, 10),
    periodStatus: 'ENDED',
    targetGroupId: 77,
  }));
  const targets = (request.targets as Json[]).map((target, index) => {
    const values = (target.defaultValues as Json[]).map((item, position) => ({
      id: 5000 + position,
      periodId: 900 + position,
      defaultValue: item.defaultValue,
    }));
    const ordered = seed % 2 === 0 ? values : [...values].reverse();
    return {
      ...target,
      id: 300 + index,
      attribution,
      emfRuleSetId: 1279391 + index,
      targetGroupId: 77,
      defaultValues: ordered,
      targetPeriodDefaultValuesMap: Object.fromEntries(values.map((item) => [String(item.periodId), item])),
      ...(target.targetMilestoneTriggers
        ? {
            targetMilestoneTriggers: (target.targetMilestoneTriggers as Json[]).map((trigger, position) => ({
              id: 10 + position,
              ...trigger,
              targetRuleId: 300 + index,
            })),
          }
        : {}),
    };
  });
  return {
    ...request,
    id: 77,
    attribution,
    orgId: 100737,
    createdOn: 1711967626000,
    fromDate: periods[0]?.startDate,
    targetCycleStartDate: `${periods[0]?.startDate}T00:00:00.000Z`,
    periods,
    activePeriod: periods[0],
    targets,
    ...(request.streaks
      ? {
          streaks: (request.streaks as Json[]).map((streak, index) => ({
            ...streak,
            id: 1415 + index,
            targetGroupId: 77,
          })),
        }
      : {}),
  };
}

describe('property: raw → Goal → raw', () => {
  it('a group read as a Goal writes back as the body it was created from', () => {
    fc.assert(
      fc.property(groupArbitrary, fc.nat(), (group, seed) => {
        const request = requestOf(group);
        const raw = CapillaryTargetGroupSchema.parse(answerOf(request, seed));
        const { value: goal } = capillaryTargetGroupToGoal(raw);
        expect(GoalSchema.safeParse(goal).error?.issues ?? []).toEqual([]);
        const { value: written } = goalToCapillaryTargetGroup(goal);
        expect(written).toEqual(request);
      }),
      { numRuns: 300 },
    );
  });
});

const METRICS = [
  ['money', 'TRANSACTION/SALES'],
  ['money', 'LINEITEM/GROSS_SALES'],
  ['count', 'TRANSACTION/COUNT'],
  ['count', 'TRANSACTION/VISIT'],
  ['count', 'LINEITEM/QUANTITY'],
  ['count', 'POINTS/REGULAR_POINTS'],
] as const;

const goalArbitrary = fc.record({
  title: words,
  description: optional(fc.string({ maxLength: 100 })),
  metric: fc.constantFrom(...METRICS),
  scope: fc.record(
    {
      eventName: fc.constant('TransactionAdd'),
      expression: fc.constantFrom('true', 'currentTxn.value>100'),
      filters: fc.array(
        fc.record(
          {
            entityType: fc.constantFrom('STORE', 'ZONE'),
            entityIds: fc.array(fc.integer({ min: 1, max: 9e7 }), { maxLength: 2 }),
          },
          { noNullPrototype: true },
        ),
        { maxLength: 1 },
      ),
    },
    { noNullPrototype: true },
  ),
  target: value.map(String),
  recurrence: fc.constantFrom('weekly', 'monthly', 'quarterly', 'none', 'explicit'),
  start: fc.integer({ min: 0, max: 1500 }).map((days) => addDays('2024-01-01', days)),
  spanDays: fc.integer({ min: 0, max: 400 }),
  // At most one period differs from the goal's target: the goal target reads back as the value most periods share.
  exception: fc.record({ period: fc.integer({ min: 0, max: 3 }), target: value.map(String) }),
  status: fc.constantFrom('active', 'inactive'),
  enrolmentMethod: optional(fc.constantFrom(...ENROLMENT_METHODS)),
  // Settings equal to their default (DEFAULT) are not kept on read, so a goal names them only when they differ.
  tracking: fc.constantFrom(undefined, 'CAPPING'),
});

function draftOf(
  generated: typeof goalArbitrary extends fc.Arbitrary<infer T> ? T : never,
  n: number,
): GoalInputDraft {
  const end = addDays(generated.start, generated.spanDays);
  const explicit = generated.recurrence === 'explicit';
  return {
    title: `${generated.title} #${n}`,
    ...(generated.description === undefined ? {} : { description: generated.description }),
    measure: { kind: generated.metric[0], metric: generated.metric[1], scope: generated.scope },
    target: { value: generated.target },
    schedule: explicit
      ? {
          start: generated.start,
          end: addDays(generated.start, 29),
          periods: [0, 1, 2].map((index) => {
            const { period, target } = generated.exception;
            const own = period === index && target !== generated.target;
            return {
              start: addDays(generated.start, index * 10),
              end: addDays(generated.start, index * 10 + 9),
              ref: `P${index + 1}`,
              ...(own ? { target } : {}),
            };
          }),
        }
      : { start: generated.start, end, recurrence: generated.recurrence as 'weekly' },
    status: generated.status as 'active',
    extensions: {
      capillary: {
        ...(generated.tracking ? { trackingType: generated.tracking } : {}),
        preferredTillId: 75155297,
        ...(generated.enrolmentMethod ? { target: { enrolmentMethod: generated.enrolmentMethod } } : {}),
      },
    },
  };
}

describe('property: Goal → raw → Goal through the simulator', () => {
  it('every writable field reads back unchanged, and periods keep their dates, refs and targets', async () => {
    const simulator = createCapillarySimulator({ rateLimit: false });
    const adapter = createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.basic,
      fetch: simulator.fetch,
      rateLimits: false,
      retry: false,
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(goalArbitrary, async (generated) => {
        const draft = draftOf(generated, ++n);
        const input = GoalInputSchema.parse(draft);
        const { goal } = await adapter.create(draft);
        const read = await adapter.get(goal.id);
        for (const field of ['title', 'description', 'measure', 'target', 'status'] as const) {
          expect(read[field], field).toEqual(input[field]);
        }
        const { periods: _periods, ...schedule } = read.schedule;
        if (input.schedule.periods) {
          expect(read.schedule.periods?.map(({ id: _id, ...period }) => period)).toEqual(
            input.schedule.periods,
          );
          expect(schedule).toEqual({
            start: input.schedule.start,
            end: input.schedule.end,
            recurrence: 'custom',
          });
        } else {
          expect(schedule.start).toBe(input.schedule.start);
          expect(schedule.end).toBe(input.schedule.end);
          expect(read.schedule.periods?.every((period) => period.target === undefined)).toBe(true);
          expect(schedule.recurrence).toBe(input.schedule.recurrence);
        }
        expect(read.extensions).toMatchObject(input.extensions);
      }),
      { numRuns: 60 },
    );
  });
});
