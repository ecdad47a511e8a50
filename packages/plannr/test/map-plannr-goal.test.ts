/** Plannr goal ⇄ Goal: documented examples, exact money, every warning and issue, and round-trip properties. */
import {
  type GoalInputDraft,
  GoalInputSchema,
  GoalSchema,
  readMappedGoal,
  toGoalInput,
  ValidationError,
} from '@goalbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertGoalPatchToPlannr,
  convertGoalToPlannr,
  goalPatchToPlannrGoalWrite,
  goalToPlannrGoalWrite,
  PLANNR_MEASURE,
  type PlannrGoal,
  PlannrGoalSchema,
  plannrFieldToGoalPath,
  plannrGoalToGoal,
  unwrapResource,
} from '../src/index.ts';

const parse = (raw: unknown): PlannrGoal => PlannrGoalSchema.parse(raw);
const toGoal = (raw: unknown) => plannrGoalToGoal(parse(raw));

/** The documented 200 answer of PUT /api/v2/goals/{uuid} [S1], money placeholder collapsed (reference §1.4). */
const documentedResponse = {
  uuid: '50436bb4-5120-4569-81d6-4c3b27de48a3',
  created_at: '2026-04-29T12:53:00+01:00',
  updated_at: '2026-04-29T12:53:00+01:00',
  name: 'Reduced Mileage',
  description: 'Reduce the amount of gas spent yearly.',
  target_amount: { amount: '4000', formatted: '£40.00', currency: 'GBP' },
  progress: '68',
  timeframe: 'Within the year.',
  complete_goal_by: '2027-04-29T12:53:00+01:00',
  priority: '4',
  shared_owner_type: 'individual',
  shared_owner: {
    uuid: 'ecdeabf7-43b0-482b-977b-c29259480484',
    type: 'client',
    role: 'client',
    first_name: 'Gareth',
    last_name: 'Thompson',
    name: 'Gareth Thompson',
    firm: 'App\\Http\\Resources\\FirmResource',
  },
};

describe('Plannr goal → Goal', () => {
  it('maps the documented PUT response (seed 003, reference §1.4)', () => {
    const { value, warnings } = toGoal(documentedResponse);
    expect(warnings).toEqual([]);
    expect(value).toEqual({
      id: '50436bb4-5120-4569-81d6-4c3b27de48a3',
      provider: 'plannr',
      title: 'Reduced Mileage',
      description: 'Reduce the amount of gas spent yearly.',
      owners: [{ type: 'account', id: 'ecdeabf7-43b0-482b-977b-c29259480484' }],
      measure: { kind: 'money', metric: 'financial_goal' },
      target: { value: '40', currency: 'GBP' },
      schedule: { end: '2027-04-29', recurrence: 'none' },
      status: 'active',
      priority: 4,
      progress: { percent: '68' },
      createdAt: '2026-04-29T11:53:00.000Z',
      updatedAt: '2026-04-29T11:53:00.000Z',
      extensions: { plannr: { timeframe: 'Within the year.', sharedOwnerType: 'individual' } },
    });
    expect(GoalSchema.safeParse(value).success).toBe(true);
  });

  it('reads money exactly, whatever its size or currency exponent (reference §1.0.1)', () => {
    const money = (amount: string | number, currency: string) =>
      toGoal({ ...documentedResponse, target_amount: { amount, formatted: '', currency } }).value.target;
    expect(money('900719925474099312345', 'GBP')).toEqual({
      value: '9007199254740993123.45',
      currency: 'GBP',
    });
    expect(money('500000', 'GBP')).toEqual({ value: '5000', currency: 'GBP' });
    expect(money('1', 'GBP')).toEqual({ value: '0.01', currency: 'GBP' });
    expect(money(1234, 'KWD')).toEqual({ value: '1.234', currency: 'KWD' });
    expect(money('4000', 'JPY')).toEqual({ value: '4000', currency: 'JPY' });
    expect(toGoal({ ...documentedResponse, target_amount: null }).value.target).toBeNull();
  });

  it('takes complete_goal_by as the date written in its own offset, the time being an artifact (reference §1.0)', () => {
    const end = (value: string | null) =>
      toGoal({ ...documentedResponse, complete_goal_by: value }).value.schedule;
    expect(end('2027-04-29T00:00:00+01:00')).toEqual({ end: '2027-04-29', recurrence: 'none' });
    expect(end('2027-01-05T00:00:00+00:00')).toEqual({ end: '2027-01-05', recurrence: 'none' });
    expect(end('2027-04-29')).toEqual({ end: '2027-04-29', recurrence: 'none' });
    expect(end(null)).toEqual({ end: null, recurrence: 'none' });
  });

  it('reads progress and priority, strings on read [S1, S6], and tolerates numbers', () => {
    const { value } = toGoal({ ...documentedResponse, progress: 0, priority: 1 });
    expect(value.progress).toEqual({ percent: '0' });
    expect(value.priority).toBe(1);
    const cleared = toGoal({ ...documentedResponse, progress: null, priority: null }).value;
    expect(cleared.progress).toEqual({});
    expect(cleared.priority).toBeNull();
  });

  it('refuses values the mapping cannot trust, naming the field', () => {
    const problems = (raw: object) =>
      PlannrGoalSchema.safeParse(raw).error?.issues.map((issue) => issue.path.join('.'));
    expect(problems({ ...documentedResponse, priority: '7' })).toEqual(['priority']);
    expect(problems({ ...documentedResponse, progress: 'most' })).toEqual(['progress']);
    expect(problems({ ...documentedResponse, target_amount: { amount: '40.00', currency: 'GBP' } })).toEqual([
      'target_amount.amount',
    ]);
    expect(
      problems({ ...documentedResponse, target_amount: { amount: '4000', currency: 'POUNDS' } }),
    ).toEqual(['target_amount.currency']);
    expect(problems({ ...documentedResponse, created_at: '2026-04-29 12:53:00' })).toEqual(['created_at']);
  });

  it('reads owners from the accounts relation, raw account_uuids, or shared_owner, and says when it has none', () => {
    const accounts = [
      { uuid: 'fb2b93ef-ab52-4c0c-8ba5-ca284af71200' },
      { uuid: '99ec751b-b1eb-4f5f-b201-835b2bd8f555' },
    ];
    const owners = (raw: object) =>
      toGoal({ ...documentedResponse, ...raw }).value.owners.map((owner) => owner.id);
    expect(owners({ accounts })).toEqual(accounts.map((account) => account.uuid));
    expect(owners({ account_uuids: [accounts[1]?.uuid] })).toEqual([accounts[1]?.uuid]);
    expect(owners({})).toEqual(['ecdeabf7-43b0-482b-977b-c29259480484']);
    const shared = toGoal({ ...documentedResponse, shared_owner_type: 'shared', shared_owner: undefined });
    expect(shared.value.owners).toEqual([]);
    expect(shared.warnings).toEqual([
      {
        field: 'owners',
        reason: 'Plannr did not return the owners of this goal',
        action: 'left empty',
        detail: 'shared_owner_type shared',
      },
    ]);
  });

  it('reads the circle flag under both documented spellings (reference §1.2) and the circles relation', () => {
    const plannr = (raw: object) => toGoal({ ...documentedResponse, ...raw }).value.extensions.plannr;
    expect(plannr({ shown_on_circles: true })).toMatchObject({ shownOnCircles: true });
    expect(plannr({ show_on_circles: false })).toMatchObject({ shownOnCircles: false });
    expect(plannr({ shown_on_circles: 1 })).toMatchObject({ shownOnCircles: true });
    const circle = '3d2a1c6c-b5d1-4832-bc9a-c8a52b6ed625';
    expect(plannr({ visible_to_circles: [{ uuid: circle, name: 'Jones Family' }] })).toMatchObject({
      visibleToCirclesUuids: [circle],
    });
    expect(plannr({ visible_to_circles_uuids: null })).toMatchObject({ visibleToCirclesUuids: [] });
  });

  it('keeps unknown fields verbatim in extensions.plannr.extra; keys the Goal refuses are dropped on reading, with a warning', () => {
    const raw = JSON.parse(
      '{"status":"on_track","__proto__":{"admin":true},"notes":[{"by":"adviser","__proto__":{"admin":true}}]}',
    );
    const mapped = toGoal({ ...documentedResponse, ...raw });
    // The mapper copies what it is given as own keys, never as a prototype: nothing is polluted.
    const extra = mapped.value.extensions.plannr?.extra as { notes: Record<string, unknown>[] };
    const note = extra.notes[0];
    expect(Object.getPrototypeOf(note)).toBe(Object.prototype);
    expect(Object.hasOwn(note as object, '__proto__')).toBe(true);
    // The top-level key never survives parsing; the nested one is dropped when the goal is read, which says so.
    const { value, warnings } = readMappedGoal(mapped, { provider: 'plannr', what: 'goal' });
    expect(value.extensions.plannr?.extra).toEqual({ status: 'on_track', notes: [{ by: 'adviser' }] });
    expect(warnings.map((warning) => warning.field)).toEqual(['extensions.plannr.extra.notes.0.__proto__']);
    expect(GoalSchema.safeParse(value).success).toBe(true);

    // Top-level fields the Goal refuses as keys are dropped the same way, so the goal (and its page) reads.
    const named = readMappedGoal(
      toGoal({ ...documentedResponse, constructor: { a: 1 }, prototype: 1, status: 'ok' }),
      { provider: 'plannr', what: 'goal' },
    );
    expect(named.value.extensions.plannr?.extra).toEqual({ status: 'ok' });
    expect(named.warnings.map((warning) => warning.field)).toEqual([
      'extensions.plannr.extra.constructor',
      'extensions.plannr.extra.prototype',
    ]);
    expect(GoalSchema.safeParse(named.value).success).toBe(true);
  });

  it('unwraps a single goal sent in `data` as Laravel does by default, and leaves a bare one (reference §1.2)', () => {
    expect(unwrapResource({ data: documentedResponse })).toBe(documentedResponse);
    expect(unwrapResource(documentedResponse)).toBe(documentedResponse);
    expect(unwrapResource({ data: [documentedResponse] })).toEqual({ data: [documentedResponse] });
  });
});

const gareth = 'ecdeabf7-43b0-482b-977b-c29259480484';
const circle = '7bae90db-51eb-42ca-aa46-73ff24a03b3b';
const base: GoalInputDraft = {
  title: 'Reduced Mileage',
  owners: [{ type: 'account', id: gareth }],
  measure: { kind: 'money', metric: 'financial_goal' },
};
const baseInput = GoalInputSchema.parse(base);

describe('Goal → Plannr write', () => {
  it('produces the documented POST body [S2], with the formal shown_on_circles name (reference §1.2)', () => {
    const { value, warnings } = goalToPlannrGoalWrite({
      ...base,
      owners: [{ type: 'account', id: '26600f83-c545-42f9-a2b9-a4c1b17d41b5' }],
      description: 'Reduce the amount of gas spent yearly.',
      target: { value: '50', currency: 'GBP' },
      progress: { percent: 68 },
      schedule: { end: '2027-04-28' },
      priority: 4,
      extensions: {
        plannr: { timeframe: 'Within the year.', shownOnCircles: false, visibleToCirclesUuids: [circle] },
      },
    });
    expect(warnings).toEqual([]);
    expect(value).toEqual({
      account_uuids: ['26600f83-c545-42f9-a2b9-a4c1b17d41b5'],
      name: 'Reduced Mileage',
      description: 'Reduce the amount of gas spent yearly.',
      target_amount: 5000,
      progress: 68,
      timeframe: 'Within the year.',
      complete_goal_by: '2027-04-28',
      priority: 4,
      shown_on_circles: false,
      visible_to_circles_uuids: [circle],
    });
  });

  it('sends integer pennies exactly, never via float (19.99 × 100 is 1998.9999999999998 in floating point)', () => {
    const pennies = (value: string) =>
      goalToPlannrGoalWrite({ ...base, target: { value, currency: 'GBP' } }).value.target_amount;
    expect(pennies('19.99')).toBe(1999);
    expect(pennies('0.1')).toBe(10);
    expect(pennies('90071992547409.91')).toBe(9_007_199_254_740_991);
    expect(pennies('0')).toBe(0);
  });

  it('refuses what Plannr would refuse, naming the Goal field, before any request', () => {
    const issues = (input: object) => convertGoalToPlannr({ ...baseInput, ...input }).issues;
    expect(issues({ title: 'x'.repeat(256) })).toEqual([
      { path: 'title', message: 'must be at most 255 characters for Plannr' },
    ]);
    // Laravel counts characters, not UTF-16 units: 255 emoji fit.
    expect(issues({ title: '😀'.repeat(255) })).toEqual([]);
    expect(issues({ target: { value: '10.001', currency: 'GBP' } })).toEqual([
      { path: 'target.value', message: 'must have at most 2 decimal places for a GBP target in Plannr' },
    ]);
    expect(issues({ target: { value: '90071992547409.92', currency: 'GBP' } })).toEqual([
      { path: 'target.value', message: 'is too large for Plannr' },
    ]);
    expect(issues({ target: { value: '10', currency: 'EUR' } })[0]?.path).toBe('target.currency');
    expect(issues({ progress: { percent: '100.5' } })[0]?.path).toBe('progress.percent');
    expect(issues({ owners: [] })[0]).toEqual({
      path: 'owners',
      message: 'Plannr needs at least one client account as owner',
    });
    expect(
      issues({
        owners: [
          { type: 'account', id: gareth },
          { type: 'account', id: gareth },
        ],
      }),
    ).toEqual([{ path: 'owners.1.id', message: 'is listed twice' }]);
    expect(issues({ owners: [{ type: 'account', id: 'gareth' }] })).toEqual([
      { path: 'owners.0.id', message: 'must be a Plannr account UUID' },
    ]);
    expect(issues({ extensions: { plannr: { visibleToCirclesUuids: [circle, circle] } } })).toEqual([
      { path: 'extensions.plannr.visibleToCirclesUuids.1', message: 'is listed twice' },
    ]);
    expect(issues({ extensions: { plannr: { visibleToCirclesUuids: ['jones'] } } })).toEqual([
      { path: 'extensions.plannr.visibleToCirclesUuids.0', message: 'must be a Plannr circle UUID' },
    ]);
    expect(() => goalToPlannrGoalWrite({ ...base, title: 'x'.repeat(256) })).toThrow(ValidationError);
  });

  it('refuses a UUID not in lower case, naming the lower-case form, instead of changing it', () => {
    // Plannr answers lower case and a sync compares ids exactly: an id sent in upper case never matches again.
    const upper = { type: 'account', id: gareth.toUpperCase() } as const;
    const lowerCaseOnly = (path: string, uuid: string) => ({
      path,
      message: `must be a lower-case UUID, as Plannr writes it: ${uuid}`,
    });
    const create = convertGoalToPlannr({ ...baseInput, owners: [{ type: 'account', id: gareth }, upper] });
    expect(create.issues).toEqual([lowerCaseOnly('owners.1.id', gareth)]);
    expect(create.value.account_uuids).toEqual([gareth]);
    expect(convertGoalPatchToPlannr({ owners: [upper] }).issues).toEqual([
      lowerCaseOnly('owners.0.id', gareth),
    ]);
    const circles = { extensions: { plannr: { visibleToCirclesUuids: [circle.toUpperCase()] } } };
    expect(convertGoalPatchToPlannr(circles).issues).toEqual([
      lowerCaseOnly('extensions.plannr.visibleToCirclesUuids.0', circle),
    ]);
    expect(() => goalToPlannrGoalWrite({ ...base, owners: [upper] })).toThrow(ValidationError);
  });

  it('converts with the account currency given, in its minor units', () => {
    const { value, issues } = convertGoalToPlannr(
      { ...baseInput, target: { value: '12.34', currency: 'EUR' } },
      { currency: 'EUR' },
    );
    expect(issues).toEqual([]);
    expect(value.target_amount).toBe(1234);
  });

  it('warns about everything Plannr cannot hold, and says what it did instead', () => {
    const { warnings, issues, value } = convertGoalToPlannr({
      ...baseInput,
      title: '  Padded  ',
      description: '',
      owners: [{ type: 'account', id: gareth, name: 'Gareth Thompson' }],
      measure: { kind: 'count', metric: 'deals_won', scope: { pipelineIds: [1] } },
      target: { value: '10' },
      schedule: {
        start: '2025-01-01',
        end: '2025-12-31',
        recurrence: 'monthly',
        periods: [{ start: '2025-01-01', end: '2025-01-31' }],
      },
      status: 'inactive',
      progress: {
        achieved: '4',
        asOf: '2025-06-01T00:00:00.000Z',
        period: { start: '2025-01-01', end: '2025-01-31' },
      },
      origin: { provider: 'pipedrive', id: '42' },
      extensions: { pipedrive: { reportIds: [1] } },
    });
    expect(issues).toEqual([]);
    expect(warnings.map(({ field, action }) => `${field}: ${action}`)).toEqual([
      'owners.0.name: ignored',
      'title: trimmed',
      'description: sent as null',
      'measure.kind: stored as a money goal',
      'measure.metric: dropped',
      'measure.scope: dropped',
      'target: dropped',
      'progress.achieved: dropped',
      'progress.period: dropped',
      'progress.asOf: dropped',
      'schedule.start: dropped',
      'schedule.recurrence: dropped',
      'schedule.periods: dropped',
      'status: ignored; Plannr goals are active',
      'origin: dropped',
      'extensions.pipedrive: dropped',
    ]);
    expect(value).toEqual({ account_uuids: [gareth], name: 'Padded', complete_goal_by: '2025-12-31' });
    const moneyWithoutCurrency = convertGoalToPlannr({ ...baseInput, target: { value: '10' } });
    expect(moneyWithoutCurrency.warnings).toEqual([
      {
        field: 'target.currency',
        reason: 'Plannr keeps targets in the account currency',
        action: 'stored as GBP',
      },
    ]);
    expect(moneyWithoutCurrency.value.target_amount).toBe(1000);
  });

  it('updates send only what the patch holds; null and empty clear (ASSUMPTION partial update, reference §1.4)', () => {
    expect(goalPatchToPlannrGoalWrite({ title: 'New' }).value).toEqual({ name: 'New' });
    expect(
      goalPatchToPlannrGoalWrite({
        description: null,
        target: null,
        priority: null,
        progress: {},
        schedule: {},
      }).value,
    ).toEqual({
      description: null,
      target_amount: null,
      priority: null,
      progress: null,
      complete_goal_by: null,
    });
    expect(goalPatchToPlannrGoalWrite({ extensions: { plannr: { timeframe: null } } }).value).toEqual({
      timeframe: null,
    });
    expect(goalPatchToPlannrGoalWrite({ extensions: { plannr: { shownOnCircles: true } } }).value).toEqual({
      shown_on_circles: true,
    });
    expect(convertGoalPatchToPlannr({ owners: [] }).issues.map((issue) => issue.path)).toEqual(['owners']);
    expect(() => goalPatchToPlannrGoalWrite({ priority: 9 })).toThrow(ValidationError);
  });

  it("names Plannr's 422 fields by Goal path", () => {
    expect(plannrFieldToGoalPath('name')).toBe('title');
    expect(plannrFieldToGoalPath('account_uuids')).toBe('owners');
    expect(plannrFieldToGoalPath('account_uuids.2')).toBe('owners.2.id');
    expect(plannrFieldToGoalPath('target_amount')).toBe('target.value');
    expect(plannrFieldToGoalPath('complete_goal_by')).toBe('schedule.end');
    expect(plannrFieldToGoalPath('show_on_circles')).toBe('extensions.plannr.shownOnCircles');
    expect(plannrFieldToGoalPath('visible_to_circles_uuids.0')).toBe(
      'extensions.plannr.visibleToCirclesUuids.0',
    );
    expect(plannrFieldToGoalPath('colour')).toBe('colour');
    expect(plannrFieldToGoalPath('constructor')).toBe('constructor');
    expect(plannrFieldToGoalPath('toString.0')).toBe('toString.0');
  });
});

// ---- Properties ---------------------------------------------------------------------------------------------

const uuid = fc.uuid().map((value) => value.toLowerCase());
/** Text as Plannr stores it: trimmed (Laravel TrimStrings), not empty, within a character limit. */
const storedText = (max: number) =>
  fc
    .string({ minLength: 1, maxLength: Math.min(max, 40), unit: 'grapheme' })
    .map((text) => text.trim())
    .filter((text) => text.length > 0 && [...text].length <= max);
const londonTime = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) })
  .map((ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00'));
const date = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));
const unknownKey = fc
  .stringMatching(/^[a-z][a-z_]{2,12}$/)
  .filter((key) => !PlannrGoalSchema.shape[key as 'uuid']);

/** JSON without the prototype-polluting keys the mapper drops (tested on their own above). */
const safeJson = fc
  .jsonValue({ maxDepth: 2 })
  .filter((value) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(value)));

/** A goal as Plannr could send it, with the relations an include loads, and unknown fields. */
const rawGoal = fc
  .record(
    {
      uuid,
      created_at: londonTime,
      updated_at: londonTime,
      name: storedText(255),
      description: fc.option(storedText(5000)),
      target_amount: fc.option(
        fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map((pennies) => ({
          amount: String(pennies),
          formatted: `£${pennies}`,
          currency: 'GBP',
        })),
      ),
      progress: fc.option(fc.integer({ min: 0, max: 100 }).map(String)),
      timeframe: fc.option(storedText(255)),
      complete_goal_by: fc.option(date.map((day) => `${day}T00:00:00+01:00`)),
      priority: fc.option(fc.integer({ min: 1, max: 5 }).map(String)),
      shared_owner_type: fc.constantFrom('individual', 'shared'),
      accounts: fc
        .uniqueArray(uuid, { minLength: 1, maxLength: 4 })
        .map((ids) => ids.map((id) => ({ uuid: id, type: 'client' }))),
      shown_on_circles: fc.boolean(),
      visible_to_circles: fc
        .uniqueArray(uuid, { maxLength: 3 })
        .map((ids) => ids.map((id) => ({ uuid: id, name: 'Circle' }))),
      extra: fc.dictionary(unknownKey, safeJson, { maxKeys: 3 }),
    },
    { requiredKeys: ['uuid', 'created_at', 'updated_at', 'name', 'shared_owner_type', 'accounts', 'extra'] },
  )
  .map(({ extra, ...goal }) => ({ ...JSON.parse(JSON.stringify(extra)), ...goal }));

/** What a write of the goal must say: the raw goal in write shape, unset fields left out. */
function writeShapeOf(raw: Record<string, unknown>): Record<string, unknown> {
  const write: Record<string, unknown> = {
    account_uuids: (raw.accounts as { uuid: string }[]).map((account) => account.uuid),
    name: raw.name,
  };
  const set = (key: string, value: unknown) => {
    if (value !== null && value !== undefined) write[key] = value;
  };
  set('description', raw.description);
  set(
    'target_amount',
    raw.target_amount ? Number((raw.target_amount as { amount: string }).amount) : undefined,
  );
  set('progress', raw.progress == null ? undefined : Number(raw.progress));
  set('timeframe', raw.timeframe);
  set(
    'complete_goal_by',
    raw.complete_goal_by == null ? raw.complete_goal_by : String(raw.complete_goal_by).slice(0, 10),
  );
  set('priority', raw.priority == null ? undefined : Number(raw.priority));
  set('shown_on_circles', raw.shown_on_circles);
  set(
    'visible_to_circles_uuids',
    (raw.visible_to_circles as { uuid: string }[] | undefined)?.map((circle) => circle.uuid),
  );
  return write;
}

describe('round trips (properties)', () => {
  it('Plannr → Goal → Plannr gives back the goal in write shape, with no warning and no issue', () => {
    fc.assert(
      fc.property(rawGoal, (raw) => {
        const { value: goal, warnings: readWarnings } = toGoal(raw);
        expect(readWarnings).toEqual([]);
        expect(GoalSchema.safeParse(goal).error?.issues ?? []).toEqual([]);
        const { value, warnings, issues } = convertGoalToPlannr(toGoalInput(goal));
        expect(issues).toEqual([]);
        expect(warnings).toEqual([]);
        expect(value).toEqual(writeShapeOf(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('Plannr → Goal keeps every unknown field verbatim', () => {
    fc.assert(
      fc.property(rawGoal, (raw) => {
        const unknown = Object.fromEntries(
          Object.entries(raw).filter(([key]) => !(key in PlannrGoalSchema.shape)),
        );
        const extra = toGoal(raw).value.extensions.plannr?.extra;
        expect(extra ?? {}).toEqual(unknown);
      }),
      { numRuns: 200 },
    );
  });

  it('a patch with every field of a read goal sends every field, clearing what is unset', () => {
    fc.assert(
      fc.property(rawGoal, (raw) => {
        const { value } = goalPatchToPlannrGoalWrite(toGoalInput(toGoal(raw).value));
        const expected = writeShapeOf(raw);
        // A field Plannr sent as null is cleared; one it did not send is left alone. A Goal always has a
        // target and a schedule, so those two are always sent.
        for (const key of ['description', 'progress', 'timeframe', 'priority']) {
          if (raw[key] === null) expected[key] = null;
        }
        expected.target_amount ??= null;
        expected.complete_goal_by ??= null;
        expect(value).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('money survives decimal → pennies → decimal exactly for every GBP amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }), (pennies) => {
        const read = toGoal({
          ...documentedResponse,
          target_amount: { amount: String(pennies), currency: 'GBP' },
        });
        const target = read.value.target;
        expect(target?.currency).toBe('GBP');
        const written = goalToPlannrGoalWrite({ ...base, target: target ?? null }).value.target_amount;
        expect(written).toBe(Number(pennies));
      }),
      { numRuns: 500 },
    );
  });
});

it('PLANNR_MEASURE is the one measure Plannr goals have', () => {
  expect(PLANNR_MEASURE).toEqual({ kind: 'money', metric: 'financial_goal' });
});
