/**
 * pipedriveGoalToGoal returns a valid Goal without parsing every goal with GoalSchema: a targeted check
 * (`isValidAsBuilt`) accepts the goal as built, anything else is parsed as before. These properties hold the
 * check to the schema: whatever it accepts, GoalSchema accepts too and gives back unchanged (so the answer is
 * the one the parse would have given); goals it refuses still get the schema's error.
 */
import { type Goal, GoalSchema, InvalidResponseError } from '@goalbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCurrencyTable,
  type PipedriveCurrencyTable,
  PipedriveGoalSchema,
  pipedriveGoalToGoal,
} from '../src/index.ts';
import { isValidAsBuilt } from '../src/map-pipedrive-goal.ts';
import { PipedriveGoalExtensionsSchema, readPipedriveExtensions } from '../src/pipedrive-extensions.ts';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  SANDBOX_CURRENCIES,
} from '../src/testing/index.ts';

const currencies = createCurrencyTable(SANDBOX_CURRENCIES);
/** A table passed by a user that answers codes the Goal model does not know. */
const looseTable: PipedriveCurrencyTable = { codeOf: (id) => (id === 1 ? 'EUR' : 'eur'), idOf: () => 1 };

/** The goal GoalSchema makes of `goal`, or its issues. */
function schemaOutcome(goal: unknown) {
  const parsed = GoalSchema.safeParse(goal);
  return parsed.success ? { goal: parsed.data } : { issues: parsed.error.issues };
}

/** Accepted as built ⇒ the schema accepts it and gives back the same goal, key for key and in the same order. */
function expectSchemaAgrees(goal: Goal): void {
  const outcome = schemaOutcome(goal);
  expect(outcome).toHaveProperty('goal');
  expect((outcome as { goal: Goal }).goal).toStrictEqual(goal);
  expect(JSON.stringify((outcome as { goal: Goal }).goal)).toBe(JSON.stringify(goal));
}

/** A list with a hole at its end, which JSON cannot write but code can. */
function withHole<T>(items: T[]): T[] {
  const list = [...items];
  list.length += 1;
  return list;
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

// Text the Goal refuses or barely accepts: blank, invisible format characters only, over the limits.
const awkwardText = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', '\u200B', '\uFEFF', '\u2060\u200D', ' x ', '\u200Bx'),
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.integer({ min: 100, max: 1100 }).map((length) => 'a'.repeat(length)),
  fc.integer({ min: 120, max: 300 }).map((length) => `${'\u200B'.repeat(length)}x`),
);
/** Mostly `good`, sometimes `bad`: every field can break the goal, yet many goals stay valid. */
const usually = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const goodText = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,30}$/);
const day = usually(
  fc
    .date({
      min: new Date('2015-01-01T00:00:00Z'),
      max: new Date('2035-12-31T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString().slice(0, 10)),
  fc.constantFrom('2025-02-30', '2025-1-01', '0050-01-01', '2025-01-01T00:00:00Z', '', 'soon', '2024-02-29'),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary }, fc.constant(null), fc.constant(undefined));
const idList = fc.oneof(
  fc.array(fc.integer({ min: -5, max: 2_000_000_000 }), { maxLength: 3 }),
  fc.constant(null),
);
const extraValue = fc.oneof(
  { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  fc.constant(deeplyNested(70)),
  fc.constant(JSON.parse('{"__proto__": {"x": 1}}')),
  fc.constant(JSON.parse('{"ok": [1, {"constructor": 2}]}')),
);
const extras = fc.dictionary(
  fc.constantFrom('seasonality', 'label', 'x', 'rounding', 'product_id'),
  extraValue,
  {
    maxKeys: 2,
  },
);
const target = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -10, max: 10_000_000 }) },
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('50', '-5', '-0', '12.500', '1e3', '1e99999', '.5'),
);

const rawGoal = fc
  .record({
    id: usually(fc.stringMatching(/^[0-9a-f]{32}$/), awkwardText),
    owner_id: usually(fc.oneof(fc.integer(), fc.constant(undefined)), fc.constant('9'.repeat(400))),
    title: maybe(usually(goodText, awkwardText)),
    name: usually(fc.constantFrom('deals_won', 'deals_progressed', 'activities_added'), awkwardText),
    params: maybe(
      fc.record(
        { pipeline_id: idList, stage_id: maybe(fc.integer()), activity_type_id: idList },
        { requiredKeys: [] },
      ),
    ),
    assignee: maybe(
      fc.record({ id: fc.oneof(fc.integer(), fc.constant('12')), type: usually(goodText, awkwardText) }),
    ),
    interval: maybe(fc.oneof(fc.constantFrom('weekly', 'yearly', 'biweekly', ''), fc.string())),
    duration: maybe(fc.record({ start: maybe(day), end: maybe(day) }, { requiredKeys: [] })),
    outcome: fc.record(
      {
        target: maybe(target),
        tracking_metric: fc.constantFrom('quantity', 'sum'),
        currency_id: maybe(fc.constantFrom(1, 2, 3, 30, 99)),
      },
      { requiredKeys: ['tracking_metric'] },
    ),
    is_active: fc.option(fc.boolean(), { nil: undefined }),
    report_ids: fc.option(fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 2 }), {
      nil: undefined,
    }),
    extra: extras,
    typeExtra: extras,
    outcomeExtra: extras,
  })
  .map(({ name, params, outcome, extra, typeExtra, outcomeExtra, ...goal }) => ({
    ...extra,
    ...goal,
    type: { ...typeExtra, name, params },
    expected_outcome: { ...outcomeExtra, ...outcome },
  }));

/** Whatever pipedriveGoalToGoal does with a payload: its goal, or the error it throws. */
function mapOutcome(raw: unknown, table: PipedriveCurrencyTable) {
  const parsed = PipedriveGoalSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  try {
    return { goal: pipedriveGoalToGoal(parsed.data, { currencies: table }).value };
  } catch (error) {
    return { error };
  }
}

describe('pipedriveGoalToGoal output validity (property)', () => {
  it('every goal it returns is one GoalSchema accepts unchanged; what it refuses is an InvalidResponseError', () => {
    let returned = 0;
    let refused = 0;
    fc.assert(
      fc.property(rawGoal, fc.constantFrom(currencies, looseTable), (raw, table) => {
        const outcome = mapOutcome(raw, table);
        if (outcome === undefined) return;
        if ('goal' in outcome) {
          returned++;
          expectSchemaAgrees(outcome.goal);
        } else {
          refused++;
          expect(InvalidResponseError.isInstance(outcome.error), String(outcome.error)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
    // Both branches were exercised, or the property says little.
    expect(returned).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('isValidAsBuilt accepts only goals GoalSchema gives back unchanged', () => {
    fc.assert(
      fc.property(rawGoal, fc.constantFrom(currencies, looseTable), (raw, table) => {
        const outcome = mapOutcome(raw, table);
        if (outcome === undefined || !('goal' in outcome)) return;
        // Damage the valid goal the way raw data could, and ask the check again.
        for (const damaged of damages(outcome.goal)) {
          if (isValidAsBuilt(damaged)) expectSchemaAgrees(damaged);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the fast path for every goal of the sandbox data generator', () => {
    const dataset = generatePipedriveDataset({ goals: 500, seed: 7, deals: 0, activities: 0 });
    const raws = createPipedriveSimulator({ dataset }).goals();
    for (const raw of raws) {
      const { value } = pipedriveGoalToGoal(PipedriveGoalSchema.parse(raw), { currencies });
      expect(isValidAsBuilt(value)).toBe(true);
      expectSchemaAgrees(value);
    }
  });
});

/** Variants of a valid goal, each broken in one way raw data could break it (some stay valid). */
function damages(goal: Goal): Goal[] {
  const pipedrive = goal.extensions.pipedrive ?? {};
  const variants: Partial<Goal>[] = [
    { id: '\u200B' },
    { id: 'x'.repeat(257) },
    { title: '\u2060' },
    { title: 't'.repeat(1025) },
    { owners: [{ type: '', id: '1' }] },
    { owners: [{ type: 'team', id: 'x'.repeat(300) }] },
    { owners: [{ type: 'team', id: '1', name: 'n' }] },
    { measure: { ...goal.measure, metric: 'm'.repeat(129) } },
    // Holes, infinities, strings and objects where ids belong.
    { measure: { ...goal.measure, scope: { pipelineIds: withHole([1, 2]) } } },
    { measure: { ...goal.measure, scope: { pipelineIds: [Number.POSITIVE_INFINITY] } } },
    { measure: { ...goal.measure, scope: { stageId: '2' } } },
    { measure: { ...goal.measure, scope: { pipelineIds: [{}] as unknown as number[] } } },
    { target: { value: '-1' } },
    { target: { value: '1', currency: 'XYZ' } },
    { schedule: { ...goal.schedule, start: '2025-02-30' } },
    { schedule: { ...goal.schedule, start: '2026-01-02', end: '2026-01-01' } },
    { schedule: { ...goal.schedule, end: '2026-1-1' } },
    { extensions: { pipedrive: { ...pipedrive, ownerId: Number.POSITIVE_INFINITY } } },
    { extensions: { pipedrive: { ...pipedrive, extra: JSON.parse('{"__proto__": 1}') } } },
    { extensions: { pipedrive: { ...pipedrive, extra: deeplyNested(70) as Record<string, never> } } },
    { extensions: { Pipedrive: pipedrive } },
  ];
  return variants.map((variant) => ({ ...goal, ...variant }) as Goal);
}

/** `extensions.pipedrive` values: valid ones, each field sometimes of the wrong type, unknown keys, non-objects. */
const extensionValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        ownerId: fc.oneof(fc.integer(), fc.constantFrom(2 ** 60, -1, 1.5, '5', undefined)),
        reportIds: fc.oneof(
          fc.array(fc.string(), { maxLength: 2 }),
          fc.constantFrom(withHole(['a']), [1], 'x', undefined),
        ),
        currencyId: fc.oneof(
          fc.integer({ min: 1, max: 99 }),
          fc.constantFrom(0, -1, 2 ** 60, 2.5, undefined),
        ),
        interval: fc.oneof(fc.constantFrom('biweekly', '', 5, undefined)),
        untitled: fc.constantFrom(true, false, 'true', undefined),
        extra: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
          fc.constant('x'),
        ),
        other: fc.constantFrom(1, 'x'),
      },
      { requiredKeys: [] },
    ),
  },
  fc.constantFrom(
    null,
    undefined,
    [],
    'x',
    JSON.parse('{"__proto__": 1}'),
    JSON.parse('{"toString": 1}'),
    Object.assign(Object.create(null), { ownerId: 1 }),
    new (class Extension {
      ownerId = 1;
    })(),
  ),
);

describe('readPipedriveExtensions', () => {
  it('reads what PipedriveGoalExtensionsSchema reads, with or without the fast path', () => {
    fc.assert(
      fc.property(extensionValue, (value) => {
        const parsed = PipedriveGoalExtensionsSchema.safeParse(value);
        expect(readPipedriveExtensions({ pipedrive: value })).toStrictEqual(
          parsed.success ? parsed.data : {},
        );
      }),
      { numRuns: 3000 },
    );
  });
});
