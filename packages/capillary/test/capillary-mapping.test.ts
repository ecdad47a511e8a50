import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Goal,
  type GoalInputDraft,
  GoalInputSchema,
  GoalSchema,
  ValidationError,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { CapillaryTargetGroupSchema, EXPRESSION_JSON_TRUE } from '../src/capillary-api.ts';
import { desiredGoal } from '../src/capillary-update.ts';
import {
  checkGoalForCapillary,
  goalToCapillaryTargetGroup,
} from '../src/convert-to-capillary-target-group.ts';
import { capillaryTargetGroupToGoal } from '../src/map-capillary-goal.ts';

const EXAMPLES = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'specs',
  'capillary',
  'examples',
);
const example = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

const goal = (draft: GoalInputDraft) => GoalInputSchema.parse(draft);
const toRequest = (draft: GoalInputDraft) => goalToCapillaryTargetGroup(goal(draft));
const issuesOf = (draft: GoalInputDraft) => checkGoalForCapillary(goal(draft)).issues;
const paths = (draft: GoalInputDraft) => issuesOf(draft).map((issue) => issue.path);

/** A Pipedrive monthly goal as the migration engine hands it over (lead guidance). */
const pipedriveMonthly: GoalInputDraft = {
  title: 'Deals won 2026',
  owners: [{ type: 'person', id: '42' }],
  measure: { kind: 'count', metric: 'TRANSACTION/COUNT' },
  target: { value: 50 },
  schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'monthly' },
  origin: { provider: 'pipedrive', id: 'abc' },
};

describe('target group → Goal (seed 004 edit answer)', () => {
  const group = CapillaryTargetGroupSchema.parse(
    example('update-target-group.response.200.Result.json').data,
  );
  const { value, warnings } = capillaryTargetGroupToGoal(group);

  it('keeps unknown data nested too deep as it is, for the Goal schema to refuse, instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const read = capillaryTargetGroupToGoal({ ...group, extra: deep } as typeof group);
    const checked = GoalSchema.safeParse(read.value);
    expect(checked.error?.issues[0]?.message).toMatch(/nested more than 64 levels deep$/);
  });

  it('maps every field the way the README mapping table says', () => {
    expect(warnings).toEqual([]);
    expect(GoalSchema.parse(value)).toEqual(value);
    expect(value).toEqual({
      id: '18044',
      provider: 'capillary',
      title: 'non-cont-streakTest13',
      description: 'non-cont-streaks group',
      owners: [],
      measure: {
        kind: 'count',
        metric: 'TRANSACTION/COUNT',
        scope: {
          eventName: 'TransactionAdd',
          expression: 'true',
          expressionJson: EXPRESSION_JSON_TRUE,
          filters: [],
        },
      },
      target: { value: '1' },
      schedule: {
        start: '2024-02-19',
        end: '2024-11-20',
        recurrence: 'custom',
        periods: [
          { start: '2024-02-19', end: '2024-11-17', ref: 'period44', id: '22057' },
          { start: '2024-11-18', end: '2024-11-20', ref: 'period45', id: '22058' },
        ],
      },
      status: 'active',
      extensions: {
        capillary: {
          trackingType: 'NON_CONTINUOUS_STREAKS',
          recurringCycles: 0,
          preferredTillId: 50698511,
          userCreated: null,
          leaderboardEnabled: null,
          streaks: [
            { id: 1415, name: 'streakTest13test124', targetCountOfSequence: 1 },
            { id: 1416, name: 'streakTestt13', targetCountOfSequence: 2 },
          ],
          target: {
            id: 33502,
            emfRuleSetId: 1279391,
            name: 'streaksnoncontTarget13',
            description: 'string',
            enrolmentMethod: 'TRANSACTION',
          },
          periods: { period44: { description: 'p1' }, period45: { description: 'p1' } },
          attribution: {
            createdOn: '2024-04-01T16:04:29.145+0530',
            lastUpdatedOn: '2024-04-01T16:04:29.145+0530',
            lastUpdatedBy: { id: 50698511, code: null, description: null, name: null, type: null },
            createdBy: { id: 50698511, code: null, description: null, name: null, type: null },
          },
        },
      },
      createdAt: '2024-04-01T10:33:46.000Z',
      updatedAt: '2024-04-01T10:34:29.145Z',
    });
  });

  it('reads createdOn as epoch milliseconds and +0530 attribution offsets (reference §1.3)', () => {
    expect(new Date(group.createdOn as number).toISOString()).toBe(value.createdAt);
    expect(group.attribution?.lastUpdatedOn).toBe('2024-04-01T16:04:29.145+0530');
    expect(value.updatedAt).toBe('2024-04-01T10:34:29.145Z');
  });

  it.each([
    [
      'offsets of either sign',
      '2026-01-01T10:00:00+05:30',
      '2026-01-01T09:00:00-05:30',
      '2026-01-01T14:30:00.000Z',
    ],
    [
      'a bad date in a part',
      '2026-01-15T10:00:00.000+0000',
      '2026-02-30T10:00:00.000+0000',
      '2026-01-15T10:00:00.000Z',
    ],
    [
      'a bad date in the group',
      '2026-02-30T10:00:00.000+0000',
      '2026-01-15T10:00:00.000+0000',
      '2026-01-15T10:00:00.000Z',
    ],
    ['a space for the T', '2026-01-01T10:00:00Z', '2026-01-01 11:00:00Z', '2026-01-01T11:00:00.000Z'],
    ['a comma for the point', '2026-01-01T10:00:00.1Z', '2026-01-01T10:00:00,9Z', '2026-01-01T10:00:00.900Z'],
    [
      'Z and +0000, with and without ms',
      '2026-01-01T10:00:00Z',
      '2026-01-01T10:00:00.500+0000',
      '2026-01-01T10:00:00.500Z',
    ],
  ])('updatedAt is the latest stamp of the group and its parts, with %s', (_name, own, part, updatedAt) => {
    const raw = structuredClone(example('update-target-group.response.200.Result.json').data);
    raw.attribution = { ...raw.attribution, lastUpdatedOn: own };
    // Periods as the group: only the targets' stamps differ, in the case's way.
    for (const period of raw.periods) period.attribution = { ...period.attribution, lastUpdatedOn: own };
    for (const target of raw.targets) target.attribution = { ...target.attribution, lastUpdatedOn: part };
    const { value: read } = capillaryTargetGroupToGoal(CapillaryTargetGroupSchema.parse(raw));
    expect(read.updatedAt).toBe(updatedAt);
  });

  it('writes it back as the create body: date-only periods become datetimes, server fields are dropped', () => {
    const { value: request } = goalToCapillaryTargetGroup(value);
    expect(request.periods).toEqual([
      {
        startDate: '2024-02-19T00:00:00.000',
        endDate: '2024-11-17T23:59:59.999',
        refCode: 'period44',
        description: 'p1',
        active: true,
      },
      {
        startDate: '2024-11-18T00:00:00.000',
        endDate: '2024-11-20T23:59:59.999',
        refCode: 'period45',
        description: 'p1',
        active: true,
      },
    ]);
    expect(request.targets[0]?.defaultValues).toEqual([{ defaultValue: 1 }, { defaultValue: 1 }]);
    expect(request).toMatchObject({
      name: 'non-cont-streakTest13',
      trackingType: 'NON_CONTINUOUS_STREAKS',
      frequencyType: 'CUSTOM',
      frequency: 0,
      recurringCycles: 0,
      totalPeriods: 2,
      streaks: [
        { name: 'streakTest13test124', targetCountOfSequence: 1 },
        { name: 'streakTestt13', targetCountOfSequence: 2 },
      ],
    });
    expect(request).not.toHaveProperty('userCreated');
    expect(JSON.stringify(request)).not.toMatch(/"id"|attribution|periodStatus|emfRuleSetId|targetGroupId/);
  });
});

describe('Goal → target group', () => {
  describe('a Capillary frequency carried in the goal, against its recurrence', () => {
    const frequencyWarnings = (draft: GoalInputDraft) =>
      checkGoalForCapillary(goal(draft)).warnings.filter(
        (warning) => warning.field === 'extensions.capillary.frequencyType',
      );

    it('is replaced, with a warning, when the recurrence changed since it was read', () => {
      const carried = { capillary: { frequencyType: 'MONTHLY', frequency: 1 } };
      const quarterly = {
        ...pipedriveMonthly,
        schedule: { ...pipedriveMonthly.schedule, recurrence: 'quarterly' as const },
      };
      expect(frequencyWarnings({ ...quarterly, extensions: carried })).toMatchObject([
        { detail: 'MONTHLY every 1', action: 'sent the frequency of schedule.recurrence' },
      ]);
      expect(toRequest({ ...quarterly, extensions: carried }).value).toMatchObject({
        frequencyType: 'QUARTERLY',
        frequency: 1,
      });
    });

    it.each([
      ['no end date', { start: '2026-01-01', recurrence: 'none' }],
      ['no recurrence', { start: '2026-01-01', end: '2026-06-30', recurrence: 'none' }],
      ['a monthly one', pipedriveMonthly.schedule],
    ] as const)('is not there to disagree in a goal from another provider (%s)', (_name, schedule) => {
      expect(frequencyWarnings({ ...pipedriveMonthly, schedule })).toEqual([]);
    });
  });

  it('turns a Pipedrive monthly goal into 12 monthly periods, each with the per-period value (lead guidance)', () => {
    const { value, warnings } = toRequest(pipedriveMonthly);
    expect(value.periods).toHaveLength(12);
    expect(value.periods[1]).toEqual({
      startDate: '2026-02-01T00:00:00.000',
      endDate: '2026-02-28T23:59:59.999',
      refCode: 'Cycle_2',
      description: '',
      active: true,
    });
    expect(value.periods.at(-1)?.endDate).toBe('2026-12-31T23:59:59.999');
    expect(value.targets[0]?.defaultValues).toEqual(Array(12).fill({ defaultValue: 50 }));
    expect(value).toMatchObject({
      frequencyType: 'MONTHLY',
      frequency: 1,
      recurringCycles: 12,
      totalPeriods: 12,
    });
    expect(value.targets[0]).toMatchObject({
      name: 'Deals won 2026',
      targetEntity: 'TRANSACTION',
      targetType: 'COUNT',
      eventName: 'TransactionAdd',
      expression: 'true',
      expressionJson: EXPRESSION_JSON_TRUE,
      filters: [],
    });
    expect(warnings.map((warning) => warning.field)).toEqual(['owners', 'origin']);
  });

  it.each([
    ['weekly', '2026-01-05', '2026-02-01', 4, '2026-01-12', '2026-01-18'],
    ['quarterly', '2026-01-01', '2026-12-31', 4, '2026-04-01', '2026-06-30'],
    ['half_yearly', '2026-01-01', '2026-12-31', 2, '2026-07-01', '2026-12-31'],
    ['yearly', '2026-01-01', '2028-12-31', 3, '2027-01-01', '2027-12-31'],
    ['daily', '2026-03-01', '2026-03-10', 10, '2026-03-02', '2026-03-02'],
  ] as const)(
    'expands %s into one period per interval',
    (recurrence, start, end, count, secondStart, secondEnd) => {
      const { value } = toRequest({ ...pipedriveMonthly, schedule: { start, end, recurrence } });
      expect(value.periods).toHaveLength(count);
      expect(value.periods[1]).toMatchObject({
        startDate: `${secondStart}T00:00:00.000`,
        endDate: `${secondEnd}T23:59:59.999`,
      });
    },
  );

  it('keeps month ends from drifting (Jan 31 monthly) and shortens a last period the schedule cuts, with a warning', () => {
    const { value, warnings } = toRequest({
      ...pipedriveMonthly,
      schedule: { start: '2026-01-31', end: '2026-04-15', recurrence: 'monthly' },
    });
    expect(
      value.periods.map((period) => [period.startDate.slice(0, 10), period.endDate.slice(0, 10)]),
    ).toEqual([
      ['2026-01-31', '2026-02-27'],
      ['2026-02-28', '2026-03-30'],
      ['2026-03-31', '2026-04-15'],
    ]);
    expect(warnings).toContainEqual({
      field: 'schedule.periods',
      reason: 'the schedule ends inside an interval, so the last period is shorter',
      action: 'shortened the last period',
      detail: '2026-03-31 to 2026-04-15',
    });
  });

  it('caps an open-ended recurring goal at 100 periods with a warning; Capillary allows at most 100 cycles', () => {
    const { value, warnings } = toRequest({
      ...pipedriveMonthly,
      schedule: { start: '2026-01-01', end: null, recurrence: 'monthly' },
    });
    expect(value.periods).toHaveLength(100);
    expect(value.periods.at(-1)?.endDate).toBe('2034-04-30T23:59:59.999');
    expect(warnings).toContainEqual({
      field: 'schedule.end',
      reason: 'Capillary target groups end; an open-ended goal is cut at 100 periods',
      action: 'created 100 periods',
      detail: 'monthly from 2026-01-01 to 2034-04-30',
    });
  });

  it('refuses a bounded schedule with more than 100 periods, and open-ended goals without recurrence', () => {
    expect(
      issuesOf({
        ...pipedriveMonthly,
        schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'daily' },
      }),
    ).toEqual([
      {
        path: 'schedule.end',
        message: "daily periods from 2026-01-01 to 2026-12-31 are more than Capillary's 100",
      },
    ]);
    expect(paths({ ...pipedriveMonthly, schedule: { start: '2026-01-01', end: null } })).toEqual([
      'schedule.end',
    ]);
    expect(
      paths({ ...pipedriveMonthly, schedule: { start: '2026-01-01', end: null, recurrence: 'none' } }),
    ).toEqual(['schedule.end']);
  });

  it('writes a goal without recurrence as one CUSTOM period', () => {
    const { value } = toRequest({
      ...pipedriveMonthly,
      schedule: { start: '2026-05-01', end: '2026-08-31' },
    });
    expect(value).toMatchObject({
      frequencyType: 'CUSTOM',
      frequency: 0,
      recurringCycles: 1,
      totalPeriods: 1,
    });
    expect(value.periods).toEqual([
      {
        startDate: '2026-05-01T00:00:00.000',
        endDate: '2026-08-31T23:59:59.999',
        refCode: 'Cycle_1',
        description: '',
        active: true,
      },
    ]);
  });

  it('maps SALES and GROSS_SALES to money and COUNT, VISIT, QUANTITY to count', () => {
    for (const metric of ['TRANSACTION/SALES', 'TRANSACTION/GROSS_SALES', 'LINEITEM/SALES']) {
      expect(issuesOf({ ...pipedriveMonthly, measure: { kind: 'money', metric } })).toEqual([]);
      expect(paths({ ...pipedriveMonthly, measure: { kind: 'count', metric } })).toEqual(['measure.kind']);
    }
    for (const metric of [
      'TRANSACTION/COUNT',
      'TRANSACTION/VISIT',
      'LINEITEM/QUANTITY',
      'POINTS/REGULAR_POINTS',
    ]) {
      expect(issuesOf({ ...pipedriveMonthly, measure: { kind: 'count', metric } })).toEqual([]);
    }
  });

  it('stores money without its currency, with a warning, and never routes values through rounding', () => {
    const { value, warnings } = toRequest({
      ...pipedriveMonthly,
      measure: { kind: 'money', metric: 'TRANSACTION/SALES' },
      target: { value: '250000.505', currency: 'EUR' },
      schedule: { start: '2026-01-01', end: '2026-01-31' },
    });
    expect(value.targets[0]?.defaultValues).toEqual([{ defaultValue: 250000.505 }]);
    expect(warnings).toContainEqual({
      field: 'target.currency',
      reason: 'Capillary stores target values without a currency',
      action: 'currency not stored',
      detail: 'EUR',
    });
    const huge = toRequest({
      ...pipedriveMonthly,
      target: { value: '123456789012345678.5' },
      schedule: { start: '2026-01-01', end: '2026-01-31' },
    });
    expect(huge.value.targets[0]?.defaultValues).toEqual([{ defaultValue: '123456789012345678.5' }]);
  });

  it('refuses values with more than 3 decimal places (BigDecimal scale 3, reference §1.3)', () => {
    expect(paths({ ...pipedriveMonthly, target: { value: '1.0005' } })).toEqual(['target.value']);
  });

  it('accepts measure.metric <targetEntity>/<targetType> only, naming the accepted values', () => {
    const [issue] = issuesOf({ ...pipedriveMonthly, measure: { kind: 'count', metric: 'deals_won' } });
    expect(issue?.path).toBe('measure.metric');
    expect(issue?.message).toContain('TRANSACTION/SALES, TRANSACTION/GROSS_SALES');
    expect(issue?.message).toContain('got "deals_won"');
    expect(paths({ ...pipedriveMonthly, measure: { kind: 'count', metric: 'LINEITEM/VISIT' } })).toEqual([
      'measure.metric',
    ]);
  });

  it('accepts both spellings where docs and payloads differ, and sends the payload one (STREAK/STREAKS, REWARDS/POINTS)', () => {
    const { value } = toRequest({
      ...pipedriveMonthly,
      measure: { kind: 'count', metric: 'REWARDS/REGULAR_POINTS' },
      extensions: {
        capillary: { trackingType: 'STREAK', streaks: [{ name: 'Two in a row', targetCountOfSequence: 2 }] },
      },
    });
    expect(value.trackingType).toBe('STREAKS');
    expect(value.targets[0]?.targetEntity).toBe('POINTS');
    const read = capillaryTargetGroupToGoal(
      CapillaryTargetGroupSchema.parse({
        id: 1,
        name: 'x',
        trackingType: 'STREAK',
        targets: [{ id: 2, name: 'x', targetEntity: 'REWARDS', targetType: 'REGULAR_POINTS' }],
      }),
    ).value;
    expect(read.measure.metric).toBe('REWARDS/REGULAR_POINTS');
    expect(read.extensions.capillary?.trackingType).toBe('STREAK');
  });

  it('uses the goal scope as given, and "every transaction counts" when there is none', () => {
    const scope = {
      eventName: 'ReturnBill',
      expression: 'currentTxn.value>500',
      filters: [{ entityType: 'STORE', entityIds: [50679757] }],
    };
    const { value } = toRequest({
      ...pipedriveMonthly,
      measure: { kind: 'count', metric: 'TRANSACTION/COUNT', scope },
    });
    expect(value.targets[0]).toMatchObject(scope);
    expect(value.targets[0]).not.toHaveProperty('expressionJson');
    expect(paths({ ...pipedriveMonthly, measure: { kind: 'count', metric: 'EVENT/COUNT' } })).toEqual([
      'measure.scope.eventName',
    ]);
    expect(
      paths({ ...pipedriveMonthly, measure: { kind: 'count', metric: 'LINEITEM/EXTENDED_FIELD' } }),
    ).toEqual(['measure.scope.extendedFieldInfo']);
    expect(
      paths({
        ...pipedriveMonthly,
        measure: { kind: 'count', metric: 'TRANSACTION/COUNT', scope: { evntName: 'x' } },
      }),
    ).toEqual(['measure.scope.evntName']);
  });

  it('gives periods their own value where they differ from the goal target, and reads them back the same way', () => {
    const draft: GoalInputDraft = {
      ...pipedriveMonthly,
      target: { value: 10 },
      schedule: {
        start: '2026-01-01',
        end: '2026-03-31',
        recurrence: 'monthly',
        periods: [
          { start: '2026-01-01', end: '2026-01-31', ref: 'jan' },
          { start: '2026-02-01', end: '2026-02-28', ref: 'feb', target: '12.5' },
          { start: '2026-03-01', end: '2026-03-31', ref: 'mar' },
        ],
      },
    };
    const { value } = toRequest(draft);
    expect(value.targets[0]?.defaultValues).toEqual([
      { defaultValue: 10 },
      { defaultValue: 12.5 },
      { defaultValue: 10 },
    ]);
    expect(value.periods.map((period) => period.refCode)).toEqual(['jan', 'feb', 'mar']);
  });

  it('keeps several targets in one group: the first is the goal, the others live in extensions.capillary.additionalTargets', () => {
    const draft: GoalInputDraft = {
      ...pipedriveMonthly,
      measure: { kind: 'money', metric: 'TRANSACTION/SALES' },
      target: { value: 5000 },
      schedule: { start: '2026-01-01', end: '2026-02-28', recurrence: 'monthly' },
      extensions: {
        capillary: {
          trackingType: 'UNIFIED',
          combinationType: 'ALL',
          additionalTargets: [
            {
              name: 'Visits',
              metric: 'TRANSACTION/VISIT',
              values: { Cycle_1: '4', Cycle_2: '5' },
              enrolmentMethod: 'TRANSACTION',
            },
          ],
        },
      },
    };
    const { value } = toRequest(draft);
    expect(value.targets).toHaveLength(2);
    expect(value.targets[1]).toMatchObject({
      name: 'Visits',
      targetEntity: 'TRANSACTION',
      targetType: 'VISIT',
      enrolmentMethod: 'TRANSACTION',
      defaultValues: [{ defaultValue: 4 }, { defaultValue: 5 }],
    });
    expect(value.combinationType).toBe('ALL');
  });
});

describe('bad input is a validation error naming the field, before any request (issue: "Bad input")', () => {
  const base: GoalInputDraft = { ...pipedriveMonthly, owners: [], origin: undefined };

  it.each<[string, GoalInputDraft, string]>([
    ['a group without a target', { ...base, target: null }, 'target'],
    [
      'overlapping periods',
      {
        ...base,
        schedule: {
          periods: [
            { start: '2026-01-01', end: '2026-01-31' },
            { start: '2026-01-15', end: '2026-02-15' },
          ],
        },
      },
      'schedule.periods.1.start',
    ],
    [
      'a period outside start–end',
      {
        ...base,
        schedule: {
          start: '2026-01-01',
          end: '2026-01-31',
          periods: [{ start: '2026-01-01', end: '2026-02-15' }],
        },
      },
      'schedule.periods.0.end',
    ],
    [
      'a default value for an unknown period',
      {
        ...base,
        extensions: {
          capillary: {
            additionalTargets: [{ name: 'x', metric: 'TRANSACTION/COUNT', values: { Cycle_13: '1' } }],
          },
        },
      },
      'extensions.capillary.additionalTargets.0.values.Cycle_13',
    ],
    [
      // Settings are found by the exact ref; one differing only in case would be dropped without a word.
      "period settings under a ref that differs from the period's in case",
      { ...base, extensions: { capillary: { periods: { cycle_1: { description: 'x' } } } } },
      'extensions.capillary.periods.cycle_1',
    ],
    [
      // A period named like an Object member must not find Object.prototype's member as its value.
      'a further target without a value for a period named "constructor"',
      {
        ...base,
        schedule: {
          periods: [
            { start: '2026-01-01', end: '2026-01-31', ref: 'constructor' },
            { start: '2026-02-01', end: '2026-02-28', ref: 'Cycle_2' },
          ],
        },
        extensions: {
          capillary: {
            additionalTargets: [{ name: 'x', metric: 'TRANSACTION/COUNT', values: { Cycle_2: '1' } }],
          },
        },
      },
      'extensions.capillary.additionalTargets.0.values',
    ],
    [
      'an unknown enum value',
      { ...base, extensions: { capillary: { targetEvaluationType: 'ROLLING' } } },
      'extensions.capillary.targetEvaluationType',
    ],
    [
      'an unknown enrolment method',
      { ...base, extensions: { capillary: { target: { enrolmentMethod: 'ALL' } } } },
      'extensions.capillary.target.enrolmentMethod',
    ],
    ['a name over 200 characters', { ...base, title: 'n'.repeat(201) }, 'title'],
    [
      'two periods with one name',
      {
        ...base,
        schedule: {
          periods: [
            { start: '2026-01-01', end: '2026-01-02', ref: 'P' },
            { start: '2026-01-03', end: '2026-01-04', ref: 'p' },
          ],
        },
      },
      'schedule.periods.1.ref',
    ],
  ])('%s', (_name, draft, path) => {
    const parsed = GoalInputSchema.safeParse(draft);
    const found = parsed.success
      ? checkGoalForCapillary(parsed.data).issues
      : parsed.error.issues.map((issue) => ({ path: issue.path.join('.') }));
    expect(found.map((issue) => issue.path)).toContain(path);
    if (parsed.success) expect(() => goalToCapillaryTargetGroup(parsed.data)).toThrow(ValidationError);
  });
});

describe('reading quirks', () => {
  it('reads legacy frequency values (recurringCycles -1, frequency 0) and writes them back unchanged', () => {
    const group = CapillaryTargetGroupSchema.parse(
      example('get-target-groups-id.response.200.Without_UC_Targets.json').data,
    );
    const { value } = capillaryTargetGroupToGoal(group);
    expect(value.schedule).toEqual({
      start: '2021-11-18',
      end: '2022-01-17',
      recurrence: 'monthly',
      periods: [],
    });
    expect(value.extensions.capillary).toMatchObject({ frequency: 0, recurringCycles: -1, totalPeriods: 2 });
    expect(value.target).toBeNull();
    expect(value.measure).toEqual({ kind: 'count', metric: 'none' });
  });

  it('reads a frequencyType named like an Object member as an unknown one (no recurrence)', () => {
    const { value } = capillaryTargetGroupToGoal(
      CapillaryTargetGroupSchema.parse({
        id: 8,
        name: 'Odd frequency',
        frequencyType: 'constructor',
        periods: [{ id: 11, startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'a' }],
      }),
    );
    expect(value.schedule.recurrence).toBeUndefined();
    expect(GoalSchema.safeParse(value).success).toBe(true);
  });

  it('keeps a further target\'s value for a period refCode "__proto__" as a key the Goal refuses by name, never drops it', () => {
    const target = (id: number, value: number) => ({
      id,
      name: `t${id}`,
      targetEntity: 'TRANSACTION',
      targetType: 'COUNT',
      defaultValues: [{ periodId: 11, defaultValue: value }],
    });
    const { value } = capillaryTargetGroupToGoal(
      CapillaryTargetGroupSchema.parse({
        id: 9,
        name: 'Odd ref',
        periods: [{ id: 11, startDate: '2026-01-01', endDate: '2026-01-31', refCode: '__proto__' }],
        targets: [target(1, 5), target(2, 7)],
      }),
    );
    const [further] = (value.extensions.capillary as { additionalTargets: { values: object }[] })
      .additionalTargets;
    expect(Object.entries(further?.values ?? {})).toEqual([['__proto__', '7']]);
    expect(GoalSchema.safeParse(value).error?.issues[0]?.message).toContain(
      'forbidden key "capillary.additionalTargets.0.values.__proto__"',
    );
  });

  it('matches default values to periods by periodId, whatever their order', () => {
    const { value } = capillaryTargetGroupToGoal(
      CapillaryTargetGroupSchema.parse({
        id: 7,
        name: 'Ordered',
        periods: [
          { id: 11, startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'a' },
          { id: 12, startDate: '2026-02-01', endDate: '2026-02-28', refCode: 'b' },
        ],
        targets: [
          {
            id: 3,
            name: 'Ordered',
            targetEntity: 'TRANSACTION',
            targetType: 'SALES',
            defaultValues: [
              { periodId: 12, defaultValue: 20 },
              { periodId: 11, defaultValue: 10.5 },
            ],
          },
        ],
      }),
    );
    expect(value.target).toEqual({ value: '10.5' });
    expect(value.schedule.periods?.map((period) => period.target)).toEqual([undefined, '20']);
    expect(value.measure.kind).toBe('money');
  });

  it('warns about a period without a value, a blank name and an id JSON cannot hold exactly', () => {
    const { value, warnings } = capillaryTargetGroupToGoal(
      CapillaryTargetGroupSchema.parse({
        id: 2256,
        name: ' ',
        // JSON.parse of the docs' 7998987987686876867 rounds it to this number.
        preferredTillId: Number('7998987987686876867'),
        periods: [
          { id: 1, startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'a' },
          { id: 2, startDate: '2026-02-01', endDate: '2026-02-28', refCode: 'b' },
        ],
        targets: [
          {
            id: 3,
            name: 'x',
            targetEntity: 'TRANSACTION',
            targetType: 'COUNT',
            // JSON.parse of 12345678901234567890 rounds it to this number.
            defaultValues: [{ periodId: 1, defaultValue: Number('12345678901234567890') }],
          },
        ],
      }),
    );
    expect(value.title).toBe('Target group 2256');
    expect(warnings.map((warning) => warning.field).sort()).toEqual([
      'extensions.capillary.preferredTillId',
      'schedule.periods',
      'target.value',
      'title',
    ]);
    expect(checkGoalForCapillary(value).issues.map((issue) => issue.path)).toEqual([
      'extensions.capillary.preferredTillId',
    ]);
  });
});

describe('updates', () => {
  it("keep the first target's name when the title changes: renaming a target can break promotions (reference §4.9)", () => {
    const group = CapillaryTargetGroupSchema.parse({
      id: 9,
      name: 'Spend 500',
      periods: [{ id: 1, startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'Cycle_1' }],
      targets: [
        {
          id: 3,
          name: 'Spend 500',
          targetEntity: 'TRANSACTION',
          targetType: 'SALES',
          defaultValues: [{ periodId: 1, defaultValue: 500 }],
        },
      ],
    });
    const current = capillaryTargetGroupToGoal(group).value as Goal;
    expect(current.extensions.capillary?.target).toEqual({ id: 3, description: null, active: null });
    const desired = desiredGoal(current, { title: 'Spend 600' });
    expect(goalToCapillaryTargetGroup(desired).value).toMatchObject({
      name: 'Spend 600',
      targets: [{ name: 'Spend 500' }],
    });
  });

  it('keep the current KPI rule and Capillary settings when a patch carries neither', () => {
    const group = CapillaryTargetGroupSchema.parse(
      example('update-target-group.response.200.Result.json').data,
    );
    const current = capillaryTargetGroupToGoal(group).value as Goal;
    const desired = desiredGoal(current, {
      measure: { kind: 'count', metric: 'TRANSACTION/COUNT' },
      extensions: { other: {} },
    });
    expect(desired.measure.scope).toEqual(current.measure.scope);
    expect(desired.extensions.capillary).toEqual(current.extensions.capillary);
  });
});
