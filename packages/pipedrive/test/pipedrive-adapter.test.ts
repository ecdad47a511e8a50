import {
  AuthError,
  type Goal,
  type GoalInputDraft,
  HttpClient,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  TransientError,
  ValidationError,
} from '@goalbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPipedriveAdapter, type PipedriveAdapterOptions } from '../src/index.ts';
import { PipedriveGoalsClient } from '../src/pipedrive-goals-client.ts';
import {
  createPipedriveSimulator,
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulatorOptions,
} from '../src/testing/index.ts';

const TOKEN = PIPEDRIVE_SANDBOX.apiToken;

interface Sent {
  method: string;
  url: URL;
  body: unknown;
  status: number;
}

/** An adapter over a fresh simulator, recording every request it sends and the status it got. */
function setup(
  adapterOptions: Partial<PipedriveAdapterOptions> = {},
  simulatorOptions: PipedriveSimulatorOptions = {},
) {
  const sim = createPipedriveSimulator({
    limits: { burstApiToken: 1000 },
    users: [
      { id: 1, name: 'Admin', apiToken: TOKEN },
      { id: 2, name: 'Rep', apiToken: 'rep-token' },
    ],
    ...simulatorOptions,
  });
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    const response = await sim.fetch(request);
    sent.push({
      method: request.method,
      url: new URL(request.url),
      body: text ? JSON.parse(text) : undefined,
      status: response.status,
    });
    return response;
  };
  const adapter = createPipedriveAdapter({
    apiToken: TOKEN,
    fetch,
    retry: { baseDelayMs: 1, jitter: false },
    ...adapterOptions,
  });
  return { sim, sent, adapter };
}

const input = (overrides: Partial<GoalInputDraft> = {}): GoalInputDraft => ({
  title: 'Q3 revenue',
  owners: [{ type: 'person', id: '1' }],
  measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [1, 2] } },
  target: { value: '25000.5', currency: 'EUR' },
  schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'quarterly' },
  ...overrides,
});

const seedBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'seeded',
  assignee: { id: 2, type: 'person' },
  type: { name: 'deals_started', params: { pipeline_id: null } },
  expected_outcome: { target: 10, tracking_metric: 'quantity' },
  duration: { start: '2026-01-01', end: null },
  interval: 'monthly',
  ...overrides,
});

async function collect(goals: AsyncIterable<Goal>): Promise<Goal[]> {
  const all: Goal[] = [];
  for await (const goal of goals) all.push(goal);
  return all;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const routes = (sent: Sent[]) => sent.map((each) => `${each.method} ${each.url.pathname}${each.url.search}`);

describe('list', () => {
  it("returns every goal the credentials can see: everyone's, active and inactive, never deleted ones", async () => {
    const { sim, sent, adapter } = setup();
    const seeded = sim.seedGoals([
      seedBody({ title: 'rep, open-ended' }),
      seedBody({
        title: 'team, past',
        assignee: { id: 3, type: 'team' },
        duration: { start: '2020-01-01', end: '2020-12-31' },
      }),
      seedBody({ title: 'company', assignee: { id: 9, type: 'company' } }),
      seedBody({ title: 'deleted', deleted: true }),
      seedBody({ title: 'pinned inactive', is_active: false }),
    ]);
    const goals = await collect(adapter.list());
    expect(goals.map((goal) => [goal.title, goal.status])).toEqual([
      ['rep, open-ended', 'active'],
      ['company', 'active'],
      ['pinned inactive', 'inactive'],
      ['team, past', 'inactive'],
    ]);
    expect(goals.map((goal) => goal.id).sort()).toEqual(
      seeded
        .filter((goal) => goal.title !== 'deleted')
        .map((goal) => goal.id)
        .sort(),
    );
    expect(routes(sent)).toEqual([
      'GET /v1/goals/find?assignee.type=person&is_active=true',
      'GET /v1/goals/find?assignee.type=company&is_active=true',
      'GET /v1/goals/find?assignee.type=team&is_active=true',
      'GET /v1/goals/find?assignee.type=person&is_active=false',
      'GET /v1/goals/find?assignee.type=company&is_active=false',
      'GET /v1/goals/find?assignee.type=team&is_active=false',
    ]);
    expect(sim.usage().tokens).toBe(120);
  });

  it('drops a goal seen twice (a goal that became inactive between two queries)', async () => {
    const { sim, adapter } = setup();
    const [goal] = sim.seedGoals([seedBody()]);
    const seen: string[] = [];
    for await (const each of adapter.list()) {
      seen.push(each.id);
      sim.clearGoals();
      sim.seedGoals([seedBody({ id: goal?.id, is_active: false })]);
    }
    expect(seen).toEqual([goal?.id]);
  });

  it('streams lazily: a consumer that stops after the first goal stops the queries', async () => {
    const { sim, sent, adapter } = setup();
    sim.seedGoals([seedBody(), seedBody()]);
    for await (const _goal of adapter.list()) break;
    expect(sent).toHaveLength(1);
  });
});

describe('read warnings', () => {
  it('reports what a read goal could not carry exactly through hooks.onWarning', async () => {
    const warnings: unknown[] = [];
    const { sim, adapter } = setup({ hooks: { onWarning: (event) => warnings.push(event) } });
    const [untitled] = sim.seedGoals([seedBody({ title: undefined, assignee: { id: 1, type: 'person' } })]);
    const goals = await collect(adapter.list());
    expect(goals.map((goal) => goal.id)).toContain(untitled?.id);
    expect(warnings).toEqual([
      {
        field: 'title',
        reason: 'Pipedrive goal has no title',
        action: 'generated one',
        detail: untitled?.id,
        provider: 'pipedrive',
        operation: 'read',
        goalId: untitled?.id,
      },
    ]);
  });
});

describe('get (no get-one endpoint)', () => {
  it("asks /results for the first day of a known goal's duration: one request, 20 tokens", async () => {
    const { sim, sent, adapter } = setup();
    const { goal } = await adapter.create(input());
    sent.length = 0;
    expect(await adapter.get(goal.id)).toEqual(goal);
    expect(routes(sent)).toEqual([
      `GET /v1/goals/${goal.id}/results?period.start=2026-01-01&period.end=2026-01-01`,
    ]);
    expect(sim.usage().byOperation.results).toEqual({ calls: 1, tokens: 20 });
  });

  it('looks an unknown goal up through the list queries, stopping when found', async () => {
    const { sim, sent, adapter } = setup();
    const [company] = sim.seedGoals([seedBody({ assignee: { id: 9, type: 'company' } })]);
    const goal = await adapter.get(company?.id as string);
    expect(goal.owners).toEqual([{ type: 'company', id: '9' }]);
    expect(sent).toHaveLength(2);
    await expect(adapter.get('0123456789abcdef0123456789abcdef')).rejects.toSatisfy((error) =>
      NotFoundError.isInstance(error),
    );
  });

  it('falls back to the list when the duration moved since the goal was seen', async () => {
    const { sim, sent, adapter } = setup();
    const { goal } = await adapter.create(input());
    const other = createPipedriveAdapter({ apiToken: TOKEN, fetch: sim.fetch, currencies: { EUR: 1 } });
    await other.update(goal.id, {
      schedule: { start: '2026-02-01', end: '2026-12-31', recurrence: 'quarterly' },
    });
    sent.length = 0;
    expect((await adapter.get(goal.id)).schedule.start).toBe('2026-02-01');
    expect(sent.map((each) => [each.url.pathname.endsWith('/results'), each.status])).toEqual([
      [true, 400],
      [false, 200],
    ]);
  });

  it('answers NotFoundError for a deleted goal', async () => {
    const { adapter } = setup();
    const { goal } = await adapter.create(input());
    await adapter.delete(goal.id);
    await expect(adapter.get(goal.id)).rejects.toSatisfy((error) => NotFoundError.isInstance(error));
  });
});

describe('create and update', () => {
  it('resolves currencies through GET /currencies once, and refuses one the account lacks before adding', async () => {
    const { sent, adapter } = setup();
    await adapter.create(input());
    await adapter.create(input({ target: { value: '10', currency: 'USD' } }));
    const error = (await rejection(
      adapter.create(input({ target: { value: '10', currency: 'NOK' } })),
    )) as ValidationError;
    expect(error.issues).toEqual([
      { path: 'target.currency', message: 'the Pipedrive account has no NOK currency' },
    ]);
    expect(routes(sent)).toEqual(['GET /v1/currencies', 'POST /v1/goals', 'POST /v1/goals']);
    expect(
      sent.map((each) => (each.body as { expected_outcome?: unknown } | undefined)?.expected_outcome),
    ).toEqual([
      undefined,
      { target: 25000.5, tracking_metric: 'sum', currency_id: 1 },
      { target: 10, tracking_metric: 'sum', currency_id: 2 },
    ]);
  });

  it('uses a currency table the user passes instead of asking', async () => {
    const { sent, adapter } = setup({ currencies: { EUR: 1 } });
    const { goal } = await adapter.create(input());
    expect(goal.target).toEqual({ value: '25000.5', currency: 'EUR' });
    expect(routes(sent)).toEqual(['POST /v1/goals']);
  });

  it('updates with one PUT when the patch says everything, and reads the goal first when target or kind is missing', async () => {
    const { sent, adapter } = setup({ currencies: { EUR: 1, USD: 2 } });
    const { goal } = await adapter.create(input());
    sent.length = 0;
    const renamed = await adapter.update(goal.id, { title: 'Renamed', owners: [{ type: 'team', id: '4' }] });
    expect([renamed.goal.title, renamed.goal.owners]).toEqual(['Renamed', [{ type: 'team', id: '4' }]]);
    expect(sent.map((each) => [each.method, each.body])).toEqual([
      ['PUT', { title: 'Renamed', assignee: { id: 4, type: 'team' } }],
    ]);
    sent.length = 0;
    const retargeted = await adapter.update(goal.id, { target: { value: '30000', currency: 'USD' } });
    expect(retargeted.goal.target).toEqual({ value: '30000', currency: 'USD' });
    expect(sent.map((each) => [each.method, each.url.pathname.split('/').at(-1), each.body])).toEqual([
      ['GET', 'results', undefined],
      ['PUT', goal.id, { expected_outcome: { target: 30000, tracking_metric: 'sum', currency_id: 2 } }],
    ]);
  });

  it('refuses an update that would leave a sum goal without a currency, before the PUT', async () => {
    const { sent, adapter } = setup({ currencies: { EUR: 1 } });
    const { goal } = await adapter.create(input());
    sent.length = 0;
    const error = (await rejection(adapter.update(goal.id, { target: { value: '5' } }))) as ValidationError;
    expect(error.issues).toEqual([
      { path: 'target.currency', message: 'a Pipedrive sum goal needs a currency' },
    ]);
    expect(sent.map((each) => each.method)).toEqual(['GET']);
  });
});

describe('progress (results)', () => {
  it('measures a period inside the goal, and its whole duration by default', async () => {
    const { sim, sent, adapter } = setup({ currencies: { EUR: 1 } });
    sim.seedDeals([
      {
        id: 1,
        userId: 1,
        pipelineId: 1,
        stageId: 1,
        status: 'won',
        value: '100.25',
        currencyId: 1,
        addTime: '2026-01-02',
        wonTime: '2026-02-03',
      },
      {
        id: 2,
        userId: 1,
        pipelineId: 2,
        stageId: 6,
        status: 'won',
        value: '50',
        currencyId: 1,
        addTime: '2026-01-02',
        wonTime: '2026-05-03',
      },
    ]);
    const { goal } = await adapter.create(input());
    sent.length = 0;
    expect(await adapter.progress(goal.id, { period: { start: '2026-02-01', end: '2026-02-28' } })).toEqual({
      achieved: '100.25',
      period: { start: '2026-02-01', end: '2026-02-28' },
      asOf: expect.any(String),
    });
    expect((await adapter.progress(goal.id)).achieved).toBe('150.25');
    expect(routes(sent)).toEqual([
      `GET /v1/goals/${goal.id}/results?period.start=2026-02-01&period.end=2026-02-28`,
      `GET /v1/goals/${goal.id}/results?period.start=2026-01-01&period.end=2026-12-31`,
    ]);
  });

  it("refuses a period with one end, out of order, or outside the goal's duration, before the results call", async () => {
    const { sent, adapter } = setup({ currencies: { EUR: 1 } });
    const { goal } = await adapter.create(input());
    sent.length = 0;
    const cases: [unknown, string[]][] = [
      [{ start: '2026-02-01' }, ['period.end']],
      [{ end: '2026-02-01' }, ['period.start']],
      [{ start: '2026-03-01', end: '2026-02-01' }, ['period.end']],
      [{ start: '2025-12-01', end: '2027-01-31' }, ['period.start', 'period.end']],
    ];
    for (const [period, paths] of cases) {
      const error = (await rejection(adapter.progress(goal.id, { period } as never))) as ValidationError;
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error.issues.map((issue) => issue.path)).toEqual(paths);
    }
    // Progress is per goal: a subject is refused, with a bad period beside it, and so is an unknown field.
    const queries: [unknown, string[]][] = [
      [{ subject: '1' }, ['subject']],
      [{ subject: '1', period: { start: 'nope', end: '2026-02-01' } }, ['period.start', 'subject']],
      [{ periods: { start: '2026-02-01', end: '2026-02-28' } }, ['periods']],
    ];
    for (const [query, paths] of queries) {
      const error = (await rejection(adapter.progress(goal.id, query as never))) as ValidationError;
      expect([ValidationError.isInstance(error), error.issues.map((issue) => issue.path)]).toEqual([
        true,
        paths,
      ]);
    }
    expect(sent).toEqual([]);
  });
});

describe('find', () => {
  it('sends every documented filter as the spec serializes it (arrays as repeated keys)', async () => {
    const { sent, adapter } = setup();
    await adapter.find({
      typeName: 'deals_progressed',
      title: 'Q3',
      isActive: false,
      assigneeId: 5,
      assigneeType: 'team',
      target: '250.5',
      trackingMetric: 'sum',
      currency: 'USD',
      pipelineIds: [1, 2],
      stageId: 3,
      activityTypeIds: null,
      period: { start: '2026-01-01', end: '2026-03-31' },
    });
    expect([...(sent.at(-1)?.url.searchParams ?? [])]).toEqual([
      ['type.name', 'deals_progressed'],
      ['title', 'Q3'],
      ['is_active', 'false'],
      ['assignee.id', '5'],
      ['assignee.type', 'team'],
      ['expected_outcome.target', '250.5'],
      ['expected_outcome.tracking_metric', 'sum'],
      ['expected_outcome.currency_id', '2'],
      ['type.params.pipeline_id', '1'],
      ['type.params.pipeline_id', '2'],
      ['type.params.stage_id', '3'],
      ['type.params.activity_type_id', 'null'],
      ['period.start', '2026-01-01'],
      ['period.end', '2026-03-31'],
    ]);
  });

  it('refuses a bad filter, naming it, before any request', async () => {
    const { sent, adapter } = setup();
    const error = (await rejection(
      adapter.find({ period: { start: '2026-01-01' }, pipelineIds: [], typeName: 'calls' as never }),
    )) as ValidationError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['period.end', 'pipelineIds', 'typeName']);
    expect(sent).toEqual([]);
  });

  it('refuses bad call options, naming them, before any request', async () => {
    const { sent, adapter } = setup();
    for (const [call, path] of [
      [{ timeoutMs: -5 }, 'timeoutMs'],
      [{ signal: {} }, 'signal'],
    ] as const) {
      const error = await rejection(adapter.find({}, call as never));
      expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(sent).toEqual([]);
  });
});

describe('bad input is refused before any request', () => {
  it('names the field: malformed ids, stage on a non-progressed type, sum without currency, missing interval', async () => {
    const { sent, adapter } = setup();
    for (const id of ['', ' ', '../deals', 'abc', '5665cef556ddff22606fc8f6c000480', `${'a'.repeat(32)}/x`]) {
      const error = (await rejection(adapter.delete(id))) as ValidationError;
      expect(error.issues.map((issue) => issue.path)).toEqual(['id']);
    }
    const cases: [Partial<GoalInputDraft>, string][] = [
      [
        { measure: { kind: 'count', metric: 'deals_won', scope: { stageId: 3 } }, target: { value: '5' } },
        'measure.scope.stageId',
      ],
      [
        {
          measure: { kind: 'count', metric: 'deals_progressed', scope: { stageId: null } },
          target: { value: '5' },
        },
        'measure.scope.stageId',
      ],
      [{ target: { value: '5' } }, 'target.currency'],
      [{ schedule: { start: '2026-01-01', end: null } }, 'schedule.recurrence'],
      [{ schedule: { end: '2026-12-31', recurrence: 'monthly' } }, 'schedule.start'],
      [{ owners: [] }, 'owners'],
      [{ owners: [{ type: 'account', id: '1' }] }, 'owners.0.type'],
      [{ measure: { kind: 'money', metric: 'TRANSACTION/SALES' } }, 'measure.metric'],
      [{ target: null }, 'target'],
    ];
    for (const [overrides, path] of cases) {
      const error = (await rejection(adapter.create(input(overrides)))) as ValidationError;
      expect(
        error.issues.map((issue) => issue.path),
        path,
      ).toContain(path);
      expect(adapter.check(input(overrides)).issues.map((issue) => issue.path)).toContain(path);
    }
    const patch = (await rejection(
      adapter.update('5665cef556ddff22606fc8f6c0004807', {
        measure: { kind: 'count', metric: 'deals_won', scope: { stageId: 1 } },
      }),
    )) as ValidationError;
    expect(patch.issues.map((issue) => issue.path)).toEqual(['measure.scope.stageId']);
    expect(sent).toEqual([]);
  });

  it('uses the default interval when one is configured, with a warning', async () => {
    const { adapter } = setup({ defaultInterval: 'monthly', currencies: { EUR: 1 } });
    const { goal, warnings } = await adapter.create(input({ schedule: { start: '2026-01-01', end: null } }));
    expect(goal.schedule.recurrence).toBe('monthly');
    expect(warnings.map((warning) => warning.field)).toEqual(['schedule.recurrence']);
  });

  it('encodes path parameters: an id like ../deals stays one segment of the goals path', async () => {
    const urls: string[] = [];
    const http = new HttpClient({
      provider: 'pipedrive',
      baseURL: 'https://api.pipedrive.com/v1',
      retry: false,
      fetch: async (request) => {
        urls.push(new Request(request).url);
        return new Response('{"success":true}', { headers: { 'content-type': 'application/json' } });
      },
    });
    await new PipedriveGoalsClient(http).delete('../deals');
    await new PipedriveGoalsClient(http).update('a/b?x=1', {}).catch(() => undefined);
    expect(urls).toEqual([
      'https://api.pipedrive.com/v1/goals/..%2Fdeals',
      'https://api.pipedrive.com/v1/goals/a%2Fb%3Fx%3D1',
    ]);
  });
});

describe('errors', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not retry 401, 402 or 403 (including the Cloudflare HTML page)', async () => {
    for (const [status, body, type] of [
      [401, '{"success":false,"error":"unauthorized access","errorCode":401}', AuthError],
      [402, '{"success":false,"error":"Company account is not open"}', PermissionError],
      [403, '<!DOCTYPE html><title>Attention Required! | Cloudflare</title>', PermissionError],
    ] as const) {
      let calls = 0;
      const adapter = createPipedriveAdapter({
        apiToken: TOKEN,
        fetch: async () => {
          calls++;
          return new Response(body, { status });
        },
      });
      const error = await rejection(adapter.find());
      expect(type.isInstance(error), `${status}`).toBe(true);
      expect(calls).toBe(1);
    }
  });

  it('retries a 5xx read, never a 5xx write (its outcome is unknown)', async () => {
    const { sim, sent, adapter } = setup({ currencies: { EUR: 1 } });
    sim.faults.schedule({ kind: 'server-error', times: 2 });
    await adapter.find();
    expect(sent.map((each) => each.status)).toEqual([500, 500, 200]);
    sent.length = 0;
    sim.faults.schedule({ kind: 'server-error' });
    expect(TransientError.isInstance(await rejection(adapter.create(input())))).toBe(true);
    expect(sent.map((each) => each.status)).toEqual([500]);
  });

  it('waits x-ratelimit-reset after a burst 429, then retries (a write too: the server refused it)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { sim, sent, adapter } = setup({ currencies: { EUR: 1 } });
    sim.faults.schedule({ kind: 'rate-limit-no-retry-after' });
    const created = adapter.create(input());
    await vi.advanceTimersByTimeAsync(1999);
    expect(sent.map((each) => each.status)).toEqual([429]);
    // The limiter adds its 50 ms margin to the window the server reported full.
    await vi.advanceTimersByTimeAsync(100);
    expect((await created).goal.title).toBe('Q3 revenue');
    expect(sent.map((each) => each.status)).toEqual([429, 200]);
  });

  it.each([
    ['with', true],
    ['without', false],
  ])(
    'stops on a spent daily budget (%s Retry-After) with its reset time, sends nothing more, and resumes after the reset',
    async (_, retryAfterOnDailyRefusal) => {
      vi.useFakeTimers({
        toFake: ['setTimeout', 'clearTimeout', 'Date'],
        now: Date.parse('2026-03-10T23:00:00Z'),
      });
      const { sim, sent, adapter } = setup({}, { limits: { retryAfterOnDailyRefusal } });
      sim.setDailyBudget({ remaining: 0 });
      const error = (await rejection(adapter.find())) as RateLimitError;
      expect([
        RateLimitError.isInstance(error),
        error.kind,
        error.retryable,
        error.resetAt?.toISOString(),
      ]).toEqual([true, 'daily', false, '2026-03-11T00:00:00.000Z']);
      const again = (await rejection(adapter.find())) as RateLimitError;
      expect([again.kind, again.resetAt?.toISOString()]).toEqual(['daily', '2026-03-11T00:00:00.000Z']);
      // Well past the 2-second burst window the refusal also named: still nothing sent before the reset.
      await vi.advanceTimersByTimeAsync(10_000);
      expect(RateLimitError.isInstance(await rejection(adapter.find()))).toBe(true);
      expect(sent).toHaveLength(1);
      vi.setSystemTime(Date.parse('2026-03-11T00:00:01Z'));
      await adapter.find();
      expect(sent.map((each) => each.status)).toEqual([429, 200]);
    },
  );

  it('with rateLimits: false schedules nothing, yet still stops on a budget the server reports spent', async () => {
    const { sim, sent, adapter } = setup(
      { rateLimits: false },
      { limits: { burstApiToken: 2, burstWindowMs: 60_000 } },
    );
    expect(adapter.capabilities.rateLimits).toEqual([]);
    await Promise.all([adapter.find(), adapter.find()]);
    sim.setDailyBudget({ remaining: 0 });
    sim.setLimits({ burstApiToken: 100 });
    expect(RateLimitError.isInstance(await rejection(adapter.find()))).toBe(true);
    expect(RateLimitError.isInstance(await rejection(adapter.find()))).toBe(true);
    expect(sent.map((each) => each.status)).toEqual([200, 200, 429]);
  });

  it('fails fast before the server refuses, once its headers show too little budget left', async () => {
    const { sim, sent, adapter } = setup();
    sim.setDailyBudget({ remaining: 30 });
    await adapter.find();
    expect(adapter.rateLimitState().find((state) => state.rule === 'daily')?.remaining).toBe(10);
    expect(RateLimitError.isInstance(await rejection(adapter.find()))).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("keeps under the server's burst limit under load: no 429 at all", async () => {
    // Fake time: requests reach the simulator at the instant the limiter admits them, so the count is exact.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const { sim, sent, adapter } = setup(
      { rateLimits: { burstLimit: 4, burstWindowMs: 200 }, currencies: { EUR: 1 } },
      { limits: { burstApiToken: 4, burstWindowMs: 200 } },
    );
    const all = Promise.all(
      Array.from({ length: 24 }, (_, n) => adapter.create(input({ title: `Goal ${n}` }))),
    );
    await vi.runAllTimersAsync();
    expect(await all).toHaveLength(24);
    expect(sent.filter((each) => each.status === 429)).toEqual([]);
    expect(sim.goals()).toHaveLength(24);
  });

  it('turns malformed success bodies into InvalidResponseError with the path', async () => {
    const answer = (body: string) =>
      createPipedriveAdapter({
        apiToken: TOKEN,
        retry: false,
        fetch: async () => new Response(body, { status: 200 }),
      });
    const legacy = (await rejection(
      answer('{"success":true,"data":{"goals":[{"id":1,"goal_type":"deals_won","expected":5}]}}').find(),
    )) as InvalidResponseError;
    expect(InvalidResponseError.isInstance(legacy)).toBe(true);
    expect(legacy.issues.map((issue) => issue.path)).toEqual([
      'data.goals.0.id',
      'data.goals.0.type',
      'data.goals.0.expected_outcome',
    ]);
    expect(InvalidResponseError.isInstance(await rejection(answer('<html>ok</html>').find()))).toBe(true);
    const missing = (await rejection(
      answer('{"success":true}').create(input({ target: { value: '1', currency: 'EUR' } })),
    )) as InvalidResponseError;
    expect(missing.issues.map((issue) => issue.path)).toEqual(['data']);
  });

  it('says a write answered 200 in the wrong shape may have happened; a read so answered did nothing', async () => {
    const adapter = createPipedriveAdapter({
      apiToken: TOKEN,
      retry: false,
      fetch: async () => new Response('{"success":true,"data":{"id":"x","goals":"x"}}', { status: 200 }),
    });
    const count = input({ measure: { kind: 'count', metric: 'deals_won' }, target: { value: '5' } });
    const write = (await rejection(adapter.create(count))) as InvalidResponseError;
    expect([InvalidResponseError.isInstance(write), write.outcomeUnknown]).toEqual([true, true]);
    const read = (await rejection(adapter.find())) as InvalidResponseError;
    expect([InvalidResponseError.isInstance(read), read.outcomeUnknown]).toEqual([true, false]);
  });

  it('keeps the token out of every error, even when the server echoes it', async () => {
    const adapter = createPipedriveAdapter({
      apiToken: TOKEN,
      fetch: async () =>
        new Response(JSON.stringify({ success: false, error: `invalid token ${TOKEN}` }), { status: 401 }),
    });
    const error = (await rejection(adapter.find())) as AuthError;
    expect(error.message).toBe('pipedrive find failed (HTTP 401): invalid token [REDACTED]');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });
});
