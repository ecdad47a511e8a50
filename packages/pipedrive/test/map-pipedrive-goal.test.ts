import { type GoalInput, GoalInputSchema, type GoalPatch, GoalSchema, toGoalInput } from '@goalbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCurrencyTable,
  goalPatchToPipedriveUpdate,
  goalToPipedriveGoal,
  type PipedriveGoal,
  PipedriveGoalSchema,
  pipedriveGoalToGoal,
  pipedriveInputIssues,
} from '../src/index.ts';
import { KNOWN_GOAL_FIELDS } from '../src/pipedrive-api.ts';
import { SANDBOX_CURRENCIES } from '../src/testing/index.ts';

const currencies = createCurrencyTable(SANDBOX_CURRENCIES);
const SERVER_OWNED = ['id', 'owner_id', 'is_active', 'report_ids'];

/** The reference's example goal (§1.4), with type.name in snake_case. */
const example = {
  id: '5665cef556ddff22606fc8f6c0004807',
  owner_id: 987654,
  title: 'Some example goal',
  type: { name: 'deals_started', params: { pipeline_id: [5, 2], activity_type_id: [9] } },
  assignee: { type: 'company', id: 123456 },
  interval: 'weekly',
  duration: { start: '2019-11-01', end: '2020-10-30' },
  expected_outcome: { target: 100, tracking_metric: 'quantity' },
  is_active: false,
  report_ids: ['f37bd66a2ab64d28ff6a9b6d2289813a'],
};

function parse(raw: unknown): PipedriveGoal {
  return PipedriveGoalSchema.parse(raw);
}

function withoutServerOwned(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !SERVER_OWNED.includes(key)));
}

describe('pipedriveGoalToGoal', () => {
  it('warns of a target JSON cannot hold exactly, keeping the rounded number', () => {
    // JSON.parse of 12345678901234567890 rounds it to this number.
    const huge = {
      ...example,
      expected_outcome: { target: Number('12345678901234567890'), tracking_metric: 'quantity' },
    };
    const { value, warnings } = pipedriveGoalToGoal(parse(huge), { currencies });
    expect(value.target).toEqual({ value: '12345678901234567000' });
    expect(warnings).toMatchObject([{ field: 'target.value', action: 'kept the rounded number' }]);
    expect(pipedriveGoalToGoal(parse(example), { currencies }).warnings).toEqual([]);
  });

  it('maps every field of the reference example goal (§1.4)', () => {
    const { value, warnings } = pipedriveGoalToGoal(parse(example), { currencies });
    expect(value).toEqual({
      id: '5665cef556ddff22606fc8f6c0004807',
      provider: 'pipedrive',
      title: 'Some example goal',
      owners: [{ type: 'company', id: '123456' }],
      measure: {
        kind: 'count',
        metric: 'deals_started',
        scope: { pipelineIds: [5, 2], activityTypeIds: [9] },
      },
      target: { value: '100' },
      schedule: { start: '2019-11-01', end: '2020-10-30', recurrence: 'weekly' },
      status: 'inactive',
      extensions: { pipedrive: { ownerId: 987654, reportIds: ['f37bd66a2ab64d28ff6a9b6d2289813a'] } },
    });
    expect(warnings).toEqual([]);
  });

  it('maps a sum goal: currency_id to its ISO code, a decimal target exactly, an open end, null pipelines', () => {
    const raw = parse({
      ...example,
      type: { name: 'deals_won', params: { pipeline_id: null } },
      duration: { start: '2025-01-01', end: null },
      expected_outcome: { target: 250000.75, tracking_metric: 'sum', currency_id: 3 },
    });
    const { value } = pipedriveGoalToGoal(raw, { currencies });
    expect(value.measure).toEqual({ kind: 'money', metric: 'deals_won', scope: { pipelineIds: null } });
    expect(value.target).toEqual({ value: '250000.75', currency: 'GBP' });
    expect(value.schedule).toEqual({ start: '2025-01-01', end: null, recurrence: 'weekly' });
  });

  it('drops unknown data nested too deep with a warning naming where, instead of overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    const { value, warnings } = pipedriveGoalToGoal(parse({ ...example, extra: deep }), { currencies });
    // What fits in the Goal's 64 levels is kept; the goal reads, valid, and says what it dropped.
    expect(value.extensions.pipedrive?.extra).toHaveProperty(`extra${'.a'.repeat(60)}`);
    expect(value.extensions.pipedrive?.extra).not.toHaveProperty(`extra${'.a'.repeat(61)}`);
    expect(warnings).toEqual([
      {
        field: `extensions.pipedrive.extra.extra${'.a'.repeat(61)}`,
        reason: 'the answer holds JSON nested more than 64 levels deep',
        action: 'dropped',
      },
    ]);
    expect(GoalSchema.safeParse(value).success).toBe(true);
  });

  it('keeps a custom currency (no ISO code) as extensions.pipedrive.currencyId, with a warning', () => {
    const raw = parse({
      ...example,
      expected_outcome: { target: 500, tracking_metric: 'sum', currency_id: 30 },
    });
    const { value, warnings } = pipedriveGoalToGoal(raw, { currencies });
    expect(value.target).toEqual({ value: '500' });
    expect(value.extensions.pipedrive?.currencyId).toBe(30);
    expect(warnings).toEqual([
      {
        field: 'target.currency',
        reason: 'Pipedrive currency id could not be resolved to an ISO 4217 code',
        action: 'kept its id in extensions.pipedrive.currencyId',
        detail: '30',
      },
    ]);
    expect(goalToPipedriveGoal(toGoalInput(value), { currencies }).value.expected_outcome).toEqual({
      target: 500,
      tracking_metric: 'sum',
      currency_id: 30,
    });
  });

  it('keeps stage_id, unknown fields at every level, and an unknown interval', () => {
    const raw = parse({
      ...example,
      type: {
        name: 'deals_progressed',
        params: { pipeline_id: [1], stage_id: 3, product_id: 7 },
        label: 'x',
      },
      interval: 'biweekly',
      seasonality: { intervals: [{ start: '2019-11-01', end: '2019-11-30', target: 10 }] },
      expected_outcome: { target: 5, tracking_metric: 'quantity', rounding: 'up', valueOf: 2 },
      toString: 'a',
    });
    const { value } = pipedriveGoalToGoal(raw, { currencies });
    expect(value.measure.scope).toEqual({ pipelineIds: [1], stageId: 3 });
    expect(value.schedule.recurrence).toBe('custom');
    expect(value.extensions.pipedrive).toMatchObject({
      interval: 'biweekly',
      extra: {
        seasonality: { intervals: [{ start: '2019-11-01', end: '2019-11-30', target: 10 }] },
        type: { label: 'x', params: { product_id: 7 } },
        expected_outcome: { rounding: 'up', valueOf: 2 },
        toString: 'a',
      },
    });
    const back = goalToPipedriveGoal(toGoalInput(value), { currencies }).value;
    expect(back).toEqual(withoutServerOwned(raw));
  });

  it('reads a null stage as none, with a warning, so the goal writes back', () => {
    const raw = parse({
      ...example,
      type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: null } },
    });
    const { value, warnings } = pipedriveGoalToGoal(raw, { currencies });
    expect(value.measure.scope).toEqual({ pipelineIds: [1] });
    expect(warnings.map((warning) => warning.field)).toEqual(['measure.scope.stageId']);
    expect(pipedriveInputIssues(toGoalInput(value))).toEqual([]);
  });

  it('generates a title for an untitled goal and does not write it back', () => {
    for (const title of [undefined, null, '', '   ']) {
      const raw = parse({ ...example, title });
      const { value, warnings } = pipedriveGoalToGoal(raw, { currencies });
      expect(value.title).toBe('Untitled deals_started goal (company 123456)');
      expect(value.extensions.pipedrive?.untitled).toBe(true);
      expect(warnings.map((warning) => warning.field)).toEqual(['title']);
      expect(goalToPipedriveGoal(toGoalInput(value)).value).not.toHaveProperty('title');
      // A real title given later is written.
      expect(goalToPipedriveGoal({ ...toGoalInput(value), title: 'Named' }).value.title).toBe('Named');
    }
  });

  it('refuses a payload that cannot be a goal with an InvalidResponseError naming the path', () => {
    const raw = parse({ ...example, duration: { start: '2020-01-01', end: '2019-01-01' } });
    expect(() => pipedriveGoalToGoal(raw)).toThrowError(/schedule\.end: must not be before schedule\.start/);
    expect(
      PipedriveGoalSchema.safeParse({
        ...example,
        expected_outcome: { target: 'ten', tracking_metric: 'sum' },
      }).success,
    ).toBe(false);
  });
});

describe('goalToPipedriveGoal', () => {
  const input = (draft: Record<string, unknown>): GoalInput =>
    GoalInputSchema.parse({
      title: 'Team revenue 2025',
      owners: [{ type: 'team', id: '7' }],
      measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: null } },
      target: { value: '250000', currency: 'EUR' },
      schedule: { start: '2025-01-01', end: null, recurrence: 'quarterly' },
      ...draft,
    });

  it('writes the reference example add body (§1.6)', () => {
    expect(goalToPipedriveGoal(input({}), { currencies })).toEqual({
      value: {
        title: 'Team revenue 2025',
        assignee: { id: 7, type: 'team' },
        type: { name: 'deals_won', params: { pipeline_id: null } },
        expected_outcome: { target: 250000, tracking_metric: 'sum', currency_id: 1 },
        duration: { start: '2025-01-01', end: null },
        interval: 'quarterly',
      },
      warnings: [],
    });
  });

  it('sends a target that no double holds exactly as the numeric string the request docs show', () => {
    const body = goalToPipedriveGoal(input({ target: { value: '12345678901234567.89', currency: 'EUR' } }), {
      currencies,
    });
    expect(body.value.expected_outcome?.target).toBe('12345678901234567.89');
  });

  it('warns about everything Pipedrive cannot hold, with stable reasons', () => {
    const { warnings } = goalToPipedriveGoal(
      input({
        description: 'text',
        priority: 2,
        status: 'inactive',
        owners: [
          { type: 'team', id: '7', name: 'EMEA' },
          { type: 'person', id: '3' },
        ],
        schedule: { start: '2025-01-01', periods: [{ start: '2025-01-01', end: '2025-03-31', target: '5' }] },
        origin: { provider: 'plannr', id: 'u-1' },
        extensions: { plannr: { circle: 'a' }, pipedrive: { ownerId: 5, reportIds: ['x'] } },
      }),
      { currencies, defaultInterval: 'monthly' },
    );
    expect(warnings.map((warning) => [warning.field, warning.action])).toEqual([
      ['description', 'dropped'],
      ['priority', 'dropped'],
      ['origin', 'dropped'],
      ['status', 'ignored'],
      ['schedule.periods', 'dropped'],
      ['owners', 'kept the first owner'],
      ['owners.0.name', 'dropped'],
      ['extensions.plannr', 'dropped'],
      ['extensions.pipedrive.ownerId', 'ignored'],
      ['extensions.pipedrive.reportIds', 'ignored'],
      ['schedule.end', 'sent as an open-ended Pipedrive goal (end: null)'],
      ['schedule.recurrence', 'used the default interval'],
    ]);
    for (const warning of warnings) expect(warning.reason).not.toMatch(/\d/);
  });
});

describe('goalPatchToPipedriveUpdate', () => {
  const current = pipedriveGoalToGoal(
    parse({ ...example, expected_outcome: { target: 100, tracking_metric: 'sum', currency_id: 2 } }),
    { currencies },
  ).value;

  it('sends only the changed fields, each nested object complete', () => {
    expect(goalPatchToPipedriveUpdate({ title: 'New' }, undefined).value).toEqual({ title: 'New' });
    expect(
      goalPatchToPipedriveUpdate({ target: { value: '150', currency: 'USD' } }, current, { currencies })
        .value,
    ).toEqual({
      expected_outcome: { target: 150, tracking_metric: 'sum', currency_id: 2 },
    });
    expect(
      goalPatchToPipedriveUpdate(
        { schedule: { start: '2020-01-01', end: '2020-06-30', recurrence: 'monthly' } },
        undefined,
      ).value,
    ).toEqual({ duration: { start: '2020-01-01', end: '2020-06-30' }, interval: 'monthly' });
  });

  it("states every filter of the type on update: null ('all') for the one the scope leaves out (§1.2, §1.7)", () => {
    const typeFor = (measure: GoalPatch['measure']) =>
      goalPatchToPipedriveUpdate({ measure }, current, { currencies }).value.type;
    expect(typeFor({ kind: 'count', metric: 'activities_added' })).toEqual({
      name: 'activities_added',
      params: { activity_type_id: null },
    });
    expect(typeFor({ kind: 'count', metric: 'deals_progressed', scope: { stageId: 3 } })).toEqual({
      name: 'deals_progressed',
      params: { pipeline_id: null, stage_id: 3 },
    });
    expect(typeFor({ kind: 'count', metric: 'deals_won', scope: { pipelineIds: [4] } })).toEqual({
      name: 'deals_won',
      params: { pipeline_id: [4] },
    });
  });

  it('clears type.params when the new measure has no scope, and keeps the interval when recurrence is absent', () => {
    const { value, warnings } = goalPatchToPipedriveUpdate(
      {
        measure: { kind: 'money', metric: 'revenue_forecast' },
        schedule: { start: '2020-01-01', end: null },
      },
      current,
      { currencies },
    );
    expect(value).toEqual({
      type: { name: 'revenue_forecast', params: { pipeline_id: null } },
      expected_outcome: { target: 100, tracking_metric: 'sum', currency_id: 2 },
      duration: { start: '2020-01-01', end: null },
    });
    expect(warnings).toEqual([
      {
        field: 'schedule.recurrence',
        reason: 'Pipedrive goals always have an interval',
        action: 'kept the current interval',
      },
    ]);
  });
});

// --- Property tests -------------------------------------------------------------------------------------------

const positiveId = fc.integer({ min: 1, max: 2_000_000_000 });
const ids = fc.array(positiveId, { minLength: 1, maxLength: 4 });
const idsOrAll = fc.oneof(ids, fc.constant(null));
const day = fc
  .date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const title = fc.string({ minLength: 1, maxLength: 80 }).filter((text) => text.trim() !== '');
/** Every field name the mapper knows, at any level, and keys an object already has: none may be an extra. */
const KNOWN = new Set<string>([...Object.values(KNOWN_GOAL_FIELDS).flat(), 'constructor', 'prototype']);
// Names of Object.prototype members too: an unknown field named like one must survive like any other.
const extraKey = fc
  .oneof(fc.stringMatching(/^[a-z][a-z_]{0,10}$/), fc.constantFrom('toString', 'valueOf', 'isPrototypeOf'))
  .filter((key) => !KNOWN.has(key));
const extraValue = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(extraKey, fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);
const extras = fc.dictionary(extraKey, extraValue, { maxKeys: 2 });
const target = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true }).map((value) => value + 0),
);

const goalType = fc.oneof(
  fc.record({
    name: fc.constantFrom('deals_won', 'deals_started', 'revenue_forecast'),
    params: fc.record({ pipeline_id: idsOrAll }, { requiredKeys: [] }),
  }),
  fc.record({
    name: fc.constant('deals_progressed'),
    params: fc.record({ pipeline_id: idsOrAll, stage_id: positiveId }, { requiredKeys: [] }),
  }),
  fc.record({
    name: fc.constantFrom('activities_completed', 'activities_added'),
    params: fc.record({ activity_type_id: idsOrAll }, { requiredKeys: [] }),
  }),
);

const rawGoal = fc
  .record(
    {
      id: hex32,
      owner_id: positiveId,
      title,
      type: goalType,
      assignee: fc.record({ id: positiveId, type: fc.constantFrom('person', 'team', 'company') }),
      interval: fc.constantFrom('weekly', 'monthly', 'quarterly', 'yearly', 'biweekly'),
      duration: fc.tuple(day, fc.option(day, { nil: null })).map(([a, b]) => ({
        start: b !== null && b < a ? b : a,
        end: b !== null && b < a ? a : b,
      })),
      outcome: fc.oneof(
        fc.record({ target, tracking_metric: fc.constant('quantity') }),
        fc.record({
          target,
          tracking_metric: fc.constant('sum'),
          currency_id: fc.constantFrom(1, 2, 3, 6, 9, 30, 99),
        }),
      ),
      is_active: fc.boolean(),
      report_ids: fc.array(hex32, { maxLength: 2 }),
      extra: extras,
      typeExtra: extras,
      paramsExtra: extras,
      outcomeExtra: extras,
    },
    {
      requiredKeys: [
        'id',
        'type',
        'assignee',
        'interval',
        'duration',
        'outcome',
        'extra',
        'typeExtra',
        'paramsExtra',
        'outcomeExtra',
      ],
    },
  )
  .map(({ extra, typeExtra, paramsExtra, outcomeExtra, outcome, type, ...goal }) => ({
    ...extra,
    ...goal,
    type: { ...typeExtra, ...type, params: { ...paramsExtra, ...type.params } },
    expected_outcome: { ...outcomeExtra, ...outcome },
  }));

describe('lossless round trips (property)', () => {
  it('raw → Goal → raw gives back the raw goal less server-owned fields', () => {
    fc.assert(
      fc.property(rawGoal, (raw) => {
        const parsed = parse(raw);
        const { value: goal } = pipedriveGoalToGoal(parsed, { currencies });
        const input = toGoalInput(goal);
        const { value: body } = goalToPipedriveGoal(input, { currencies });
        expect(body).toEqual(withoutServerOwned(raw));
      }),
      { numRuns: 300 },
    );
  });

  const goalInput = rawGoal.map((raw) => {
    const goal = pipedriveGoalToGoal(parse(raw), { currencies }).value;
    const { ownerId: _owner, reportIds: _reports, ...extension } = goal.extensions.pipedrive ?? {};
    return { ...toGoalInput(goal), status: 'active' as const, extensions: { pipedrive: extension } };
  });

  it('Goal → raw → Goal gives back every writable field of goals Pipedrive accepts', () => {
    fc.assert(
      fc.property(goalInput, hex32, fc.boolean(), (input, id, active) => {
        expect(pipedriveInputIssues(input)).toEqual([]);
        const { value: body, warnings } = goalToPipedriveGoal(input, { currencies });
        expect(warnings).toEqual([]);
        const served = parse({ ...body, id, owner_id: 1, is_active: active, report_ids: ['r'] });
        const { value: goal } = pipedriveGoalToGoal(served, { currencies });
        const { ownerId, reportIds, ...extension } = goal.extensions.pipedrive ?? {};
        expect([ownerId, reportIds]).toEqual([1, ['r']]);
        expect({ ...toGoalInput(goal), status: 'active', extensions: { pipedrive: extension } }).toEqual(
          input,
        );
      }),
      { numRuns: 300 },
    );
  });
});
