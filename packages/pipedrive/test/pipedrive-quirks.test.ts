/** One test per known quirk of the Pipedrive Goals API, named after its entry in reference §6. */
import { type Goal, InvalidResponseError, toGoalInput, ValidationError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { createPipedriveAdapter, PipedriveGoalSchema, pipedriveGoalToGoal } from '../src/index.ts';
import { createPipedriveSimulator, PIPEDRIVE_SANDBOX, type PipedriveGoalSeed } from '../src/testing/index.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function setup() {
  const sim = createPipedriveSimulator({
    now: () => NOW,
    users: [
      { id: 1, name: 'Admin', apiToken: PIPEDRIVE_SANDBOX.apiToken },
      { id: 2, name: 'Rep', apiToken: 'rep-token' },
    ],
  });
  const urls: URL[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    urls.push(new URL(request.url));
    return sim.fetch(request);
  };
  const adapter = createPipedriveAdapter({
    apiToken: PIPEDRIVE_SANDBOX.apiToken,
    fetch,
    currencies: { EUR: 1, USD: 2 },
  });
  return { sim, urls, adapter };
}

const seed = (overrides: Partial<PipedriveGoalSeed> = {}): PipedriveGoalSeed => ({
  title: 'mine',
  assignee: { id: 1, type: 'person' },
  type: { name: 'deals_won', params: { pipeline_id: [1] } },
  expected_outcome: { target: 10, tracking_metric: 'quantity' },
  duration: { start: '2026-01-01', end: null },
  interval: 'monthly',
  ...overrides,
});

async function titles(goals: AsyncIterable<Goal> | Promise<Goal[]>): Promise<string[]> {
  const all: string[] = [];
  if (Symbol.asyncIterator in goals) for await (const goal of goals) all.push(goal.title);
  else for (const goal of await goals) all.push(goal.title);
  return all.sort();
}

const example = {
  id: '5665cef556ddff22606fc8f6c0004807',
  owner_id: 987654,
  title: 'Some example goal',
  type: { name: 'deals_started', params: { pipeline_id: [5, 2] } },
  assignee: { type: 'company', id: 123456 },
  interval: 'weekly',
  duration: { start: '2019-11-01', end: '2020-10-30' },
  expected_outcome: { target: 100, tracking_metric: 'quantity' },
  is_active: false,
  report_ids: ['f37bd66a2ab64d28ff6a9b6d2289813a'],
};

describe('Pipedrive quirks (reference §6)', () => {
  it("§6.1 find returns only your own goals without a filter; list() still returns everyone's", async () => {
    const { sim, adapter } = setup();
    sim.seedGoals([
      seed(),
      seed({ title: 'rep', assignee: { id: 2, type: 'person' } }),
      seed({ title: 'team', assignee: { id: 3, type: 'team' } }),
    ]);
    expect(await titles(adapter.find())).toEqual(['mine']);
    expect(await titles(adapter.find({ assigneeType: 'person' }))).toEqual(['mine', 'rep']);
    expect(await titles(adapter.list())).toEqual(['mine', 'rep', 'team']);
  });

  it('§6.2 is_active defaults to true, hiding past goals; list() asks for both states', async () => {
    const { sim, urls, adapter } = setup();
    sim.seedGoals([seed(), seed({ title: 'past', duration: { start: '2025-01-01', end: '2025-12-31' } })]);
    expect(await titles(adapter.find())).toEqual(['mine']);
    expect(await titles(adapter.find({ isActive: false }))).toEqual(['past']);
    urls.length = 0;
    expect(await titles(adapter.list())).toEqual(['mine', 'past']);
    expect(new Set(urls.map((url) => url.searchParams.get('is_active')))).toEqual(new Set(['true', 'false']));
  });

  it('§6.3 period.start and period.end come in pairs, and a results period must lie within the goal', async () => {
    const { sim, urls, adapter } = setup();
    const [goal] = sim.seedGoals([seed({ duration: { start: '2026-01-01', end: '2026-06-30' } })]);
    const findError = await adapter
      .find({ period: { start: '2026-01-01' } })
      .catch((error: unknown) => error);
    expect((findError as ValidationError).issues?.map((issue) => issue.path)).toEqual(['period.end']);
    const server = await sim.fetch(`https://api.pipedrive.com/v1/goals/find?period.end=2026-01-31`, {
      headers: { 'x-api-token': PIPEDRIVE_SANDBOX.apiToken },
    });
    expect(server.status).toBe(400);
    await adapter.get(goal?.id as string);
    urls.length = 0;
    const outside = await adapter
      .progress(goal?.id as string, { period: { start: '2026-06-01', end: '2026-07-31' } })
      .catch((error: unknown) => error);
    expect((outside as ValidationError).issues).toEqual([
      { path: 'period.end', message: 'is after the goal ends (2026-06-30)' },
    ]);
    expect(urls).toEqual([]);
  });

  it('§6.4 type.params ids are arrays since 2022-12-16; a legacy scalar pipeline_id is read as a list', () => {
    const legacy = PipedriveGoalSchema.parse({
      ...example,
      type: { name: 'deals_won', params: { pipeline_id: 5, activity_type_id: 9 } },
    });
    expect(pipedriveGoalToGoal(legacy).value.measure.scope).toEqual({
      pipelineIds: [5],
      activityTypeIds: [9],
    });
  });

  it('§6.5 a target sent as a string ("50") reads as the number; fractional progress is kept exactly', async () => {
    const raw = PipedriveGoalSchema.parse({
      ...example,
      expected_outcome: { target: '50', tracking_metric: 'quantity' },
    });
    expect(pipedriveGoalToGoal(raw).value.target).toEqual({ value: '50' });
    const { sim, adapter } = setup();
    sim.seedDeals([
      {
        id: 1,
        userId: 1,
        pipelineId: 1,
        stageId: 1,
        status: 'won',
        value: '100.5',
        currencyId: 1,
        addTime: '2026-01-02',
        wonTime: '2026-01-03',
      },
      {
        id: 2,
        userId: 1,
        pipelineId: 1,
        stageId: 1,
        status: 'won',
        value: '0.25',
        currencyId: 1,
        addTime: '2026-01-02',
        wonTime: '2026-01-04',
      },
    ]);
    const [goal] = sim.seedGoals([
      seed({ expected_outcome: { target: '1000.5', tracking_metric: 'sum', currency_id: 1 } }),
    ]);
    expect((await adapter.get(goal?.id as string)).target).toEqual({ value: '1000.5', currency: 'EUR' });
    expect(
      (await adapter.progress(goal?.id as string, { period: { start: '2026-01-01', end: '2026-01-31' } }))
        .achieved,
    ).toBe('100.75');
  });

  it('§6.6 type drift: owner_id as a string and report_ids as numbers (before Oct 2022) are read', () => {
    const drifted = PipedriveGoalSchema.parse({ ...example, owner_id: '987654', report_ids: [12, 13] });
    expect(pipedriveGoalToGoal(drifted).value.extensions.pipedrive).toEqual({
      ownerId: 987654,
      reportIds: ['12', '13'],
    });
  });

  it('§6.7 fields missing from the response schema (currency_id, stage_id, seasonality) are read; revenue_forecast can be found', async () => {
    const { sim, adapter } = setup();
    sim.seedGoals([
      seed({
        title: 'progressed',
        type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: 3 } },
        expected_outcome: { target: 5, tracking_metric: 'sum', currency_id: 2 },
        seasonality: { intervals: [{ start: '2026-01-01', end: '2026-01-31', target: 1 }] },
      }),
      seed({ title: 'forecast', type: { name: 'revenue_forecast', params: {} } }),
    ]);
    const [progressed] = await adapter.find({ typeName: 'deals_progressed' });
    expect(progressed?.measure.scope).toEqual({ pipelineIds: [1], stageId: 3 });
    expect(progressed?.target).toEqual({ value: '5', currency: 'USD' });
    expect(progressed?.extensions.pipedrive?.extra).toEqual({
      seasonality: { intervals: [{ start: '2026-01-01', end: '2026-01-31', target: 1 }] },
    });
    expect(await titles(adapter.find({ typeName: 'revenue_forecast' }))).toEqual(['forecast']);
    // The spec example's human label is carried as an open metric, and refused on write.
    const labelled = pipedriveGoalToGoal(
      PipedriveGoalSchema.parse({ ...example, type: { name: 'Deals started', params: {} } }),
    ).value;
    expect(labelled.measure.metric).toBe('Deals started');
    expect(adapter.check(toGoalInput(labelled)).issues.map((issue) => issue.path)).toContain(
      'measure.metric',
    );
  });

  it('§6.8 the SDK hides rate-limit headers; this adapter reads them and exposes the state', async () => {
    const { sim, adapter } = setup();
    sim.setDailyBudget({ remaining: 5000 });
    await adapter.find();
    expect(adapter.rateLimitState().find((state) => state.rule === 'daily')?.remaining).toBe(4980);
  });

  it('§6.9 a payload shaped like the legacy (pre-2019) Goals API is refused, not misread', async () => {
    const legacy = {
      success: true,
      data: [
        {
          id: 12,
          user_id: 3,
          goal_type: 'deals_won',
          expected: 5,
          expected_sum: 0,
          currency: 'EUR',
          period: 'month',
          active_goal_id: 1,
        },
      ],
    };
    const adapter = createPipedriveAdapter({
      apiToken: PIPEDRIVE_SANDBOX.apiToken,
      retry: false,
      fetch: async () => Response.json(legacy),
    });
    const error = await adapter.find().catch((reason: unknown) => reason);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidResponseError).issues.map((issue) => issue.path)).toEqual(['data']);
  });

  it("§6.10 Activepieces' claims: every find the list sends has a filter; open ends, all pipelines and no stage are not refused; a sum needs a currency", async () => {
    const { urls, adapter } = setup();
    for await (const _goal of adapter.list()) {
      // only the queries matter
    }
    for (const url of urls) expect([...url.searchParams.keys()].length).toBeGreaterThan(0);
    const { goal } = await adapter.create({
      title: 'no stage, all pipelines, open end',
      owners: [{ type: 'person', id: '1' }],
      measure: { kind: 'count', metric: 'deals_progressed', scope: { pipelineIds: null } },
      target: { value: '4' },
      schedule: { start: '2026-01-01', end: null, recurrence: 'monthly' },
    });
    expect([goal.measure.scope, goal.schedule.end]).toEqual([{ pipelineIds: null }, null]);
    const sum = {
      ...toGoalInput(goal),
      measure: { kind: 'money', metric: 'deals_won' },
      target: { value: '4' },
    } as const;
    const refused = adapter.check(sum);
    expect(refused.issues).toEqual([
      { path: 'target.currency', message: 'a Pipedrive sum goal needs a currency' },
    ]);
    expect(ValidationError.isInstance(await adapter.create(sum).catch((error: unknown) => error))).toBe(true);
  });
});
