import { toMswHandlers } from '@goalbridge/core/msw';
import type { FaultKind } from '@goalbridge/core/simulator';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPipedriveSimulator,
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulator,
  type PipedriveSimulatorOptions,
  startPipedriveSandbox,
} from '../src/testing/index.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const TOKEN = PIPEDRIVE_SANDBOX.apiToken;
const OTHER = 'other-user-api-token';
const READER = 'oauth-reader';
const HEX32 = /^[0-9a-f]{32}$/;
const OK = { success: true, statusCode: 20000, statusText: 'OK', service: 'statistics-goals-api' };

function simulator(options: PipedriveSimulatorOptions = {}): PipedriveSimulator {
  return createPipedriveSimulator({
    now: () => NOW,
    users: [
      {
        id: 1,
        name: 'Admin',
        apiToken: TOKEN,
        oauthTokens: [{ token: PIPEDRIVE_SANDBOX.accessToken, scopes: ['base', 'goals:full'] }],
      },
      { id: 2, name: 'Rep', apiToken: OTHER, oauthTokens: [{ token: READER, scopes: ['goals:read'] }] },
    ],
    teams: [{ id: 7, name: 'EMEA', userIds: [1, 2] }],
    ...options,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: assertions read parsed JSON bodies loosely, then compare exact values.
type LooseJson = any;

interface Call {
  body?: unknown;
  headers?: Record<string, string>;
  token?: string | null;
}

async function call(sim: PipedriveSimulator, method: string, path: string, options: Call = {}) {
  const token = options.token === undefined ? TOKEN : options.token;
  const response = await sim.fetch(`https://api.pipedrive.com${path}`, {
    method,
    headers: {
      ...(token ? { 'x-api-token': token } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text.startsWith('<') ? text : JSON.parse(text)) as LooseJson,
  };
}

const goalBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Q3 deals started',
  assignee: { id: 1, type: 'person' },
  type: { name: 'deals_started', params: { pipeline_id: [1, 2] } },
  expected_outcome: { target: 50, tracking_metric: 'quantity' },
  duration: { start: '2026-01-01', end: '2026-12-31' },
  interval: 'monthly',
  ...overrides,
});

async function add(sim: PipedriveSimulator, overrides: Record<string, unknown> = {}, token: string = TOKEN) {
  const response = await call(sim, 'POST', '/v1/goals', { body: goalBody(overrides), token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data.goal as LooseJson;
}

describe('envelopes and writes (reference §1.6–1.8)', () => {
  it('adds a goal: echoes the input with a 32-hex id, the caller as owner, one report, is_active derived', async () => {
    const sim = simulator();
    const response = await call(sim, 'POST', '/api/v1/goals', {
      body: goalBody({
        seasonality: { intervals: [] },
        type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: 3 } },
      }),
      token: OTHER,
    });
    expect(response.status).toBe(200);
    const { data, ...envelope } = response.body;
    expect(envelope).toEqual(OK);
    expect(data.goal).toEqual({
      id: expect.stringMatching(HEX32),
      owner_id: 2,
      title: 'Q3 deals started',
      type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: 3 } },
      assignee: { id: 1, type: 'person' },
      interval: 'monthly',
      duration: { start: '2026-01-01', end: '2026-12-31' },
      expected_outcome: { target: 50, tracking_metric: 'quantity' },
      is_active: true,
      report_ids: [expect.stringMatching(HEX32)],
      seasonality: { intervals: [] },
    });
    expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts the request docs\' string forms ("id": "1", "target": "50") and stores numbers', async () => {
    const sim = simulator();
    const goal = await add(sim, {
      assignee: { id: '1', type: 'person' },
      expected_outcome: { target: '50.5', tracking_metric: 'sum', currency_id: 1 },
    });
    expect([goal.assignee, goal.expected_outcome]).toEqual([
      { id: 1, type: 'person' },
      { target: 50.5, tracking_metric: 'sum', currency_id: 1 },
    ]);
  });

  it('refuses invalid adds with 400 and the v1 error body', async () => {
    const sim = simulator();
    const cases: [Record<string, unknown>, string][] = [
      [{ interval: undefined }, 'interval is required'],
      [{ assignee: undefined }, 'assignee is required'],
      [
        { type: { name: 'calls_made' } },
        'type.name must be one of deals_won, deals_progressed, activities_completed, activities_added, deals_started, revenue_forecast',
      ],
      [
        { type: { name: 'deals_won', params: { stage_id: 3 } } },
        'type.params.stage_id is only for deals_progressed goals',
      ],
      [
        { type: { name: 'deals_won', params: { pipeline_id: 1 } } },
        'type.params.pipeline_id must be an array of integers or null',
      ],
      [{ assignee: { id: 1, type: 'user' } }, 'assignee.type must be one of person, company, team'],
      [{ interval: 'daily' }, 'interval must be one of weekly, monthly, quarterly, yearly'],
      [
        { expected_outcome: { target: 5, tracking_metric: 'quantity', currency_id: 1 } },
        'expected_outcome.currency_id is only for sum goals',
      ],
      [
        { expected_outcome: { target: 5, tracking_metric: 'sum' } },
        'expected_outcome.currency_id is required for sum goals',
      ],
      [
        { expected_outcome: { target: 5, tracking_metric: 'sum', currency_id: 999 } },
        'expected_outcome.currency_id is not a currency of this company',
      ],
      [
        { expected_outcome: { target: -5, tracking_metric: 'quantity' } },
        'expected_outcome.target must be a non-negative number',
      ],
      [{ duration: { start: '2026-02-30', end: null } }, 'duration.start must be a date as YYYY-MM-DD'],
      [
        { duration: { start: '2026-02-01', end: '2026-01-01' } },
        'duration.end must not be before duration.start',
      ],
    ];
    for (const [overrides, message] of cases) {
      const response = await call(sim, 'POST', '/v1/goals', { body: goalBody(overrides) });
      expect([response.status, response.body]).toEqual([
        400,
        {
          success: false,
          error: message,
          error_info: 'Please check developers.pipedrive.com',
          data: null,
          additional_data: null,
        },
      ]);
    }
    expect((await call(sim, 'POST', '/v1/goals', { body: '{"title":' })).body.error).toBe(
      'The request body is not valid JSON',
    );
    expect(sim.goals()).toEqual([]);
  });

  it('keeps unknown fields named like Object members, on update as on read', async () => {
    const sim = simulator();
    const goal = await add(sim);
    const body = '{"constructor":{"a":1},"toString":"x","__proto__":{"admin":true}}';
    const updated = await call(sim, 'PUT', `/v1/goals/${goal.id}`, { body });
    expect(updated.status).toBe(200);
    const served = updated.body.data.goal;
    expect([served.constructor, served.toString, Object.getPrototypeOf(served)]).toEqual([
      { a: 1 },
      'x',
      Object.prototype,
    ]);
    expect(Object.hasOwn(served, '__proto__')).toBe(true);
  });

  it('updates: complete nested objects only, type.params kept when omitted, the result validated as a whole', async () => {
    const sim = simulator();
    const goal = await add(sim, {
      type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: 3 } },
    });
    const put = (body: unknown) => call(sim, 'PUT', `/v1/goals/${goal.id}`, { body });
    expect((await put({ expected_outcome: { target: 60 } })).body.error).toBe(
      'expected_outcome.tracking_metric is required when expected_outcome is given',
    );
    const renamed = await put({
      title: 'Renamed',
      type: { name: 'deals_progressed' },
      id: 'ffff',
      owner_id: 99,
    });
    expect(renamed.body.data.goal).toMatchObject({
      id: goal.id,
      owner_id: 1,
      title: 'Renamed',
      type: { name: 'deals_progressed', params: { pipeline_id: [1], stage_id: 3 } },
    });
    // Keeping the stage while switching to a type without stages is refused.
    expect((await put({ type: { name: 'deals_won' } })).body.error).toBe(
      'type.params.stage_id is only for deals_progressed goals',
    );
    expect((await put({ type: { name: 'deals_won', params: {} } })).body.data.goal.type).toEqual({
      name: 'deals_won',
      params: {},
    });
  });

  it('soft-deletes: the goal stays in the state, find skips it, results/update/delete answer 404 (§1.8)', async () => {
    const sim = simulator();
    const goal = await add(sim);
    const deleted = await call(sim, 'DELETE', `/v1/goals/${goal.id}`);
    expect([deleted.status, deleted.body]).toEqual([200, OK]);
    expect(sim.goals()).toEqual([]);
    expect(sim.goals({ includeDeleted: true }).map((each) => each.id)).toEqual([goal.id]);
    expect((await call(sim, 'GET', '/v1/goals/find')).body.data.goals).toEqual([]);
    for (const [method, path] of [
      ['DELETE', `/v1/goals/${goal.id}`],
      ['PUT', `/v1/goals/${goal.id}`],
      ['GET', `/v1/goals/${goal.id}/results?period.start=2026-01-01&period.end=2026-01-31`],
    ] as const) {
      const response = await call(sim, method, path, method === 'PUT' ? { body: { title: 'x' } } : {});
      expect([response.status, response.body.error]).toEqual([404, 'Goal not found']);
    }
  });

  it('decodes an id as one path segment: ../deals is looked up, never followed', async () => {
    const sim = simulator();
    const response = await call(sim, 'DELETE', '/v1/goals/..%2Fdeals');
    expect([response.status, response.body.error]).toEqual([404, 'Goal not found']);
    expect(sim.stats.byRoute.get('DELETE /v1/goals/..%2Fdeals')).toBe(1);
  });
});

describe('authentication (reference §3)', () => {
  it('accepts the token in the x-api-token header, the legacy api_token query parameter and OAuth bearer tokens', async () => {
    const sim = simulator();
    expect((await call(sim, 'GET', '/v1/goals/find')).status).toBe(200);
    expect((await call(sim, 'GET', `/v1/goals/find?api_token=${TOKEN}`, { token: null })).status).toBe(200);
    const bearer = await call(sim, 'GET', '/v1/goals/find', {
      token: null,
      headers: { authorization: `Bearer ${PIPEDRIVE_SANDBOX.accessToken}` },
    });
    expect(bearer.status).toBe(200);
  });

  it('answers 401 like the gateway for a missing or unknown token, 400 for a malformed header', async () => {
    const sim = simulator();
    for (const options of [
      { token: null },
      { token: 'nope' },
      { token: null, headers: { authorization: 'Bearer nope' } },
    ]) {
      const response = await call(sim, 'GET', '/v1/goals/find', options);
      expect([response.status, response.body, response.headers.get('x-401-by-gw')]).toEqual([
        401,
        {
          success: false,
          error: 'unauthorized access',
          errorCode: 401,
          error_info: 'Please check developers.pipedrive.com',
        },
        'true',
      ]);
    }
    const malformed = await call(sim, 'GET', '/v1/goals/find', {
      token: null,
      headers: { authorization: 'Basic abc' },
    });
    expect([malformed.status, malformed.body.error]).toEqual([
      400,
      'Invalid request: malformed authorization header',
    ]);
    expect(sim.usage().tokens).toBe(0);
  });

  it('checks OAuth scopes: goals:read finds but cannot add ("Scope and URL mismatch")', async () => {
    const sim = simulator();
    const headers = { authorization: `Bearer ${READER}` };
    expect((await call(sim, 'GET', '/v1/goals/find', { token: null, headers })).status).toBe(200);
    const refused = await call(sim, 'POST', '/v1/goals', { token: null, headers, body: goalBody() });
    expect([refused.status, refused.body.error]).toEqual([403, 'Scope and URL mismatch']);
    expect((await call(sim, 'GET', '/v1/currencies', { token: null, headers })).status).toBe(403);
  });
});

describe('find (reference §1.4, §6.1–6.3)', () => {
  async function seeded() {
    const sim = simulator();
    const mine = await add(sim, { title: 'mine' });
    const past = await add(sim, { title: 'past', duration: { start: '2025-01-01', end: '2025-12-31' } });
    const theirs = await add(sim, { title: 'theirs', assignee: { id: 2, type: 'person' } });
    const team = await add(sim, {
      title: 'team',
      assignee: { id: 7, type: 'team' },
      type: { name: 'revenue_forecast', params: { pipeline_id: null } },
      expected_outcome: { target: 1000, tracking_metric: 'sum', currency_id: 2 },
      duration: { start: '2026-03-01', end: null },
    });
    const activity = await add(sim, {
      title: 'calls',
      assignee: { id: 2, type: 'person' },
      type: { name: 'activities_completed', params: { activity_type_id: [1, 2] } },
    });
    return { sim, mine, past, theirs, team, activity };
  }

  const titles = async (sim: PipedriveSimulator, query: string, token: string = TOKEN) => {
    const response = await call(sim, 'GET', `/v1/goals/find${query}`, { token });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data.goals as { title: string }[]).map((goal) => goal.title);
  };

  it('returns only your own active goals by default', async () => {
    const { sim } = await seeded();
    expect(await titles(sim, '')).toEqual(['mine']);
    expect(await titles(sim, '', OTHER)).toEqual(['theirs', 'calls']);
    expect(await titles(sim, '?is_active=false')).toEqual(['past']);
  });

  it("returns everyone's goals when a filter such as assignee.type or type.name is given", async () => {
    const { sim } = await seeded();
    expect(await titles(sim, '?assignee.type=person')).toEqual(['mine', 'theirs', 'calls']);
    expect(await titles(sim, '?assignee.type=team')).toEqual(['team']);
    expect(await titles(sim, '?type.name=revenue_forecast')).toEqual(['team']);
    expect(await titles(sim, '?expected_outcome.tracking_metric=sum&expected_outcome.currency_id=2')).toEqual(
      ['team'],
    );
    expect(await titles(sim, '?expected_outcome.target=1000')).toEqual(['team']);
    expect(await titles(sim, '?assignee.id=2')).toEqual(['theirs', 'calls']);
    expect(await titles(sim, '?assignee.id=7&assignee.type=team')).toEqual(['team']);
    expect(await titles(sim, '?title=theirs&assignee.type=person')).toEqual(['theirs']);
  });

  it('matches id lists sent as repeated keys or comma-joined, and null for "all"', async () => {
    const { sim } = await seeded();
    expect(await titles(sim, '?type.params.pipeline_id=2&type.params.pipeline_id=1')).toEqual([
      'mine',
      'theirs',
    ]);
    expect(await titles(sim, '?type.params.pipeline_id=1,2')).toEqual(['mine', 'theirs']);
    expect(await titles(sim, '?type.params.pipeline_id=1')).toEqual([]);
    expect(await titles(sim, '?type.params.pipeline_id=null')).toEqual(['team', 'calls']);
    expect(await titles(sim, '?type.params.activity_type_id=1,2')).toEqual(['calls']);
  });

  it('filters by a period (overlap), and only with both ends', async () => {
    const { sim } = await seeded();
    expect(
      await titles(sim, '?assignee.type=person&period.start=2026-02-01&period.end=2026-02-28&is_active=true'),
    ).toEqual(['mine', 'theirs', 'calls']);
    expect(await titles(sim, '?assignee.type=team&period.start=2026-01-01&period.end=2026-01-31')).toEqual(
      [],
    );
    for (const query of ['?period.start=2026-01-01', '?period.end=2026-01-01']) {
      const response = await call(sim, 'GET', `/v1/goals/find${query}`);
      expect([response.status, response.body.error]).toEqual([
        400,
        'When providing period.start, period.end must also be provided and vice versa',
      ]);
    }
  });

  it('refuses bad enums and types with 400', async () => {
    const { sim } = await seeded();
    for (const [query, message] of [
      ['?is_active=yes', 'is_active must be true or false'],
      ['?assignee.type=user', 'assignee.type must be one of person, company, team'],
      [
        '?type.name=calls',
        'type.name must be one of deals_won, deals_progressed, activities_completed, activities_added, deals_started, revenue_forecast',
      ],
      ['?assignee.id=me', 'assignee.id must be an integer'],
      ['?type.params.pipeline_id=a', 'type.params.pipeline_id must be an integer'],
    ]) {
      const response = await call(sim, 'GET', `/v1/goals/find${query}`);
      expect([response.status, response.body.error]).toEqual([400, message]);
    }
  });
});

describe('results (reference §1.5)', () => {
  const deals = [
    {
      id: 1,
      userId: 1,
      pipelineId: 1,
      stageId: 3,
      status: 'won',
      value: '1000.10',
      currencyId: 1,
      addTime: '2026-01-05',
      wonTime: '2026-02-10',
      stageChanges: [
        { stageId: 2, date: '2026-01-20' },
        { stageId: 3, date: '2026-02-01' },
      ],
    },
    {
      id: 2,
      userId: 1,
      pipelineId: 2,
      stageId: 6,
      status: 'won',
      value: 200.2,
      currencyId: 1,
      addTime: '2026-02-01',
      wonTime: '2026-02-20',
    },
    {
      id: 3,
      userId: 2,
      pipelineId: 1,
      stageId: 3,
      status: 'won',
      value: 50,
      currencyId: 2,
      addTime: '2026-02-03',
      wonTime: '2026-02-04',
      stageChanges: [{ stageId: 3, date: '2026-02-04' }],
    },
    {
      id: 4,
      userId: 1,
      pipelineId: 1,
      stageId: 1,
      status: 'open',
      value: 999,
      currencyId: 1,
      addTime: '2026-03-01',
      expectedCloseDate: '2026-04-15',
    },
    {
      id: 5,
      userId: 3,
      pipelineId: 1,
      stageId: 1,
      status: 'lost',
      value: 5,
      currencyId: 1,
      addTime: '2026-02-15',
    },
  ] as const;
  const activities = [
    { id: 1, userId: 1, typeId: 1, addTime: '2026-02-01', done: true, doneTime: '2026-02-02' },
    { id: 2, userId: 2, typeId: 2, addTime: '2026-02-03', done: false },
    { id: 3, userId: 1, typeId: 3, addTime: '2026-01-10', done: true, doneTime: '2026-02-11' },
  ];

  async function progress(overrides: Record<string, unknown>, period = ['2026-01-01', '2026-03-31']) {
    const sim = simulator();
    sim.seedDeals(deals as never);
    sim.seedActivities(activities);
    const goal = await add(sim, { duration: { start: '2026-01-01', end: null }, ...overrides });
    const response = await call(
      sim,
      'GET',
      `/v1/goals/${goal.id}/results?period.start=${period[0]}&period.end=${period[1]}`,
    );
    return response;
  }

  it('answers the progress and the goal in the goals envelope', async () => {
    const response = await progress({ type: { name: 'deals_won', params: { pipeline_id: null } } });
    expect(response.status).toBe(200);
    const { data, ...envelope } = response.body;
    expect(envelope).toEqual(OK);
    expect(data).toEqual({ progress: 2, goal: expect.objectContaining({ title: 'Q3 deals started' }) });
  });

  it('computes each goal type from the seeded deals and activities', async () => {
    const sum = { expected_outcome: { target: 10, tracking_metric: 'sum', currency_id: 1 } };
    const cases: [Record<string, unknown>, number, string[]?][] = [
      [{ type: { name: 'deals_won', params: { pipeline_id: [1] } } }, 1],
      [{ type: { name: 'deals_won', params: { pipeline_id: null } }, ...sum }, 1200.3],
      [{ type: { name: 'deals_won', params: {} }, assignee: { id: 7, type: 'team' } }, 3],
      [{ type: { name: 'deals_won', params: {} }, assignee: { id: 123, type: 'company' } }, 3],
      [{ type: { name: 'deals_won', params: {} } }, 1, ['2026-02-15', '2026-02-28']],
      [{ type: { name: 'deals_started', params: {} }, assignee: { id: 123, type: 'company' } }, 5],
      [
        {
          type: { name: 'deals_progressed', params: { stage_id: 3 } },
          assignee: { id: 123, type: 'company' },
        },
        2,
      ],
      [{ type: { name: 'deals_progressed', params: {} } }, 1],
      [{ type: { name: 'revenue_forecast', params: {} }, ...sum }, 999, ['2026-04-01', '2026-04-30']],
      [{ type: { name: 'activities_completed', params: { activity_type_id: null } } }, 2],
      [{ type: { name: 'activities_completed', params: { activity_type_id: [3] } } }, 1],
      [
        { type: { name: 'activities_added', params: {} }, assignee: { id: 7, type: 'team' } },
        2,
        ['2026-02-01', '2026-02-28'],
      ],
    ];
    for (const [overrides, expected, period] of cases) {
      const response = await progress(overrides, period);
      expect(response.body.data?.progress, JSON.stringify(overrides)).toBe(expected);
    }
  });

  it("refuses a period outside the goal's duration or with one end", async () => {
    const messages: [string, string][] = [
      [
        'period.start=2025-12-31&period.end=2026-01-31',
        'period.start must be the same or after the goal duration start date',
      ],
      [
        'period.start=2026-01-01&period.end=2027-01-01',
        'period.end must be the same or before the goal duration end date',
      ],
      ['period.start=2026-01-01', 'period.end is required'],
      ['period.end=2026-01-01', 'period.start is required'],
    ];
    const sim = simulator();
    const goal = await add(sim);
    for (const [query, message] of messages) {
      const response = await call(sim, 'GET', `/v1/goals/${goal.id}/results?${query}`);
      expect([response.status, response.body.error]).toEqual([400, message]);
    }
  });
});

describe('rate limits (reference §5)', () => {
  it('counts a rolling burst window per token, with x-ratelimit-* headers', async () => {
    const sim = simulator({ limits: { burstApiToken: 3, burstWindowMs: 1000 } });
    const headers = [];
    for (let i = 0; i < 3; i++) {
      const response = await call(sim, 'GET', '/v1/goals/find');
      headers.push([
        response.headers.get('x-ratelimit-limit'),
        response.headers.get('x-ratelimit-remaining'),
        response.headers.get('x-ratelimit-reset'),
      ]);
    }
    expect(headers).toEqual([
      ['3', '2', '1'],
      ['3', '1', '1'],
      ['3', '0', '1'],
    ]);
    const refused = await call(sim, 'GET', '/v1/goals/find');
    expect([refused.status, refused.body, refused.headers.get('x-ratelimit-remaining')]).toEqual([
      429,
      {
        success: false,
        error: 'Request over limit',
        errorCode: 429,
        error_info: 'Please check developers.pipedrive.com',
      },
      '0',
    ]);
    expect((await call(sim, 'GET', '/v1/goals/find', { token: OTHER })).status).toBe(200);
    sim.clock.advance(1000);
    expect((await call(sim, 'GET', '/v1/goals/find')).status).toBe(200);
    expect(sim.usage().byOperation.find).toEqual({ calls: 5, tokens: 100 });
  });

  it('spends the daily budget by token cost, refuses with remaining 0 until midnight, then refills', async () => {
    const sim = simulator({ limits: { dailyTokens: 1000 } });
    sim.setDailyBudget({ remaining: 25 });
    const first = await call(sim, 'GET', '/v1/goals/find');
    expect([
      first.headers.get('x-daily-ratelimit-token-limit'),
      first.headers.get('x-daily-ratelimit-token-remaining'),
    ]).toEqual(['1000', '5']);
    expect(
      (await call(sim, 'POST', '/v1/goals', { body: goalBody() })).headers.get(
        'x-daily-ratelimit-token-remaining',
      ),
    ).toBe('0');
    const refused = await call(sim, 'GET', '/v1/goals/find');
    const untilMidnight = String((Date.parse('2026-03-11T00:00:00Z') - NOW) / 1000);
    // Retry-After names the budget's reset; x-ratelimit-reset stays the burst window's (reference §5).
    expect([
      refused.status,
      refused.headers.get('x-daily-ratelimit-token-remaining'),
      refused.headers.get('retry-after'),
      refused.headers.get('x-ratelimit-remaining'),
      refused.headers.get('x-ratelimit-reset'),
    ]).toEqual([429, '0', untilMidnight, '18', '2']);
    expect(sim.dailyBudget()).toEqual({
      limit: 1000,
      remaining: 0,
      resetAt: Date.parse('2026-03-11T00:00:00Z'),
    });
    sim.clock.advance(12 * 3_600_000);
    expect((await call(sim, 'GET', '/v1/goals/find')).headers.get('x-daily-ratelimit-token-remaining')).toBe(
      '980',
    );
    expect(sim.dailyBudget()?.resetAt).toBe(Date.parse('2026-03-12T00:00:00Z'));
  });

  it('reports the legacy x-daily-requests-left POST/PUT counter on API-token requests only', async () => {
    const sim = simulator({ limits: { dailyWriteRequests: 100, burstApiToken: 2 } });
    expect(
      (await call(sim, 'POST', '/v1/goals', { body: goalBody() })).headers.get('x-daily-requests-left'),
    ).toBe('99');
    expect((await call(sim, 'GET', '/v1/goals/find')).headers.get('x-daily-requests-left')).toBe('99');
    // A refused write shows the counter too, without counting itself.
    const refused = await call(sim, 'POST', '/v1/goals', { body: goalBody() });
    expect([refused.status, refused.headers.get('x-daily-requests-left')]).toEqual([429, '99']);
    const oauth = await call(sim, 'GET', '/v1/goals/find', {
      token: null,
      headers: { authorization: `Bearer ${PIPEDRIVE_SANDBOX.accessToken}` },
    });
    expect(oauth.headers.get('x-daily-requests-left')).toBeNull();
  });

  it('can block an API token that keeps going after 429s with the Cloudflare HTML 403', async () => {
    const sim = simulator({
      limits: { burstApiToken: 1, burstWindowMs: 1000, blockAfterRefusals: 2, blockMs: 5000 },
    });
    await call(sim, 'GET', '/v1/goals/find');
    expect((await call(sim, 'GET', '/v1/goals/find')).status).toBe(429);
    expect((await call(sim, 'GET', '/v1/goals/find')).status).toBe(429);
    sim.clock.advance(1000);
    const blocked = await call(sim, 'GET', '/v1/goals/find');
    expect([
      blocked.status,
      blocked.headers.get('content-type'),
      String(blocked.body).includes('Cloudflare'),
    ]).toEqual([403, 'text/html', true]);
    sim.clock.advance(5000);
    expect((await call(sim, 'GET', '/v1/goals/find')).status).toBe(200);
  });
});

describe('faults, transports, data', () => {
  it("injects faults in Pipedrive's own error shapes", async () => {
    const sim = simulator();
    sim.faults.schedule({ kind: 'server-error' });
    sim.faults.schedule({ kind: 'rate-limit' });
    const failed = await call(sim, 'GET', '/v1/goals/find');
    expect([failed.status, failed.body.error]).toEqual([500, 'An internal server error occurred']);
    const limited = await call(sim, 'GET', '/v1/goals/find');
    expect([
      limited.status,
      limited.headers.get('x-ratelimit-reset'),
      limited.headers.get('retry-after'),
    ]).toEqual([429, '1', '1']);
  });

  it('puts the current x-ratelimit-*, daily budget and legacy write headers on injected 429s and 500s, uncounted (reference §5)', async () => {
    const sim = simulator({ limits: { burstApiToken: 5, dailyTokens: 1000, dailyWriteRequests: 100 } });
    const names = [
      'x-ratelimit-limit',
      'x-ratelimit-remaining',
      'x-ratelimit-reset',
      'retry-after',
      'x-daily-ratelimit-token-limit',
      'x-daily-ratelimit-token-remaining',
      'x-daily-requests-left',
    ];
    const headers = async (kind: FaultKind | undefined, method = 'GET', options: Call = {}) => {
      if (kind) sim.faults.schedule({ kind });
      const path = method === 'POST' ? '/v1/goals' : '/v1/goals/find';
      const response = await call(
        sim,
        method,
        path,
        method === 'POST' ? { body: goalBody(), ...options } : options,
      );
      return [response.status, ...names.map((name) => response.headers.get(name))];
    };
    expect(await headers(undefined, 'POST')).toEqual([200, '5', '4', '2', null, '1000', '990', '99']);
    // A burst refusal: the window shows full, the daily budget still has tokens (how clients tell it, §5).
    expect(await headers('rate-limit')).toEqual([429, '5', '0', '1', '1', '1000', '990', '99']);
    expect(await headers('rate-limit-no-retry-after', 'POST')).toEqual([
      429,
      '5',
      '0',
      '2',
      null,
      '1000',
      '990',
      '99',
    ]);
    expect(await headers('server-error', 'POST')).toEqual([500, '5', '4', '2', null, '1000', '990', '99']);
    const gateway = await headers('html-error');
    expect(gateway).toEqual([502, null, null, null, null, null, null, null]);
    // Nothing was counted or spent by the faults.
    expect(await headers(undefined, 'POST')).toEqual([200, '5', '3', '2', null, '1000', '980', '98']);
    expect(sim.usage().tokens).toBe(20);
    // OAuth callers get no legacy counter; a request the gateway refuses (bad token) gets no API headers.
    const oauth = { token: null, headers: { authorization: `Bearer ${PIPEDRIVE_SANDBOX.accessToken}` } };
    expect(await headers('rate-limit', 'GET', oauth)).toEqual([
      429,
      '80',
      '0',
      '1',
      '1',
      '1000',
      '980',
      null,
    ]);
    expect(await headers('server-error', 'GET', { token: 'nobody' })).toEqual([
      500,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('lists the company currencies (GET /v1/currencies), searchable by term', async () => {
    const sim = simulator();
    const all = await call(sim, 'GET', '/v1/currencies');
    expect(all.body.success).toBe(true);
    expect(all.body.data[0]).toEqual({
      id: 1,
      code: 'EUR',
      name: 'Euro',
      decimal_points: 2,
      symbol: '€',
      active_flag: true,
      is_custom_flag: false,
    });
    expect(
      (await call(sim, 'GET', '/api/v1/currencies?term=dollar')).body.data.map(
        (each: { code: string }) => each.code,
      ),
    ).toEqual(['USD', 'AUD']);
  });

  describe('as msw handlers', () => {
    const sim = simulator();
    const server = setupServer(...toMswHandlers(sim));
    afterEach(() => server.close());

    it('serves api.pipedrive.com and the sandbox company domain to the global fetch', async () => {
      server.listen({ onUnhandledFrame: 'error' });
      const headers = { 'x-api-token': TOKEN };
      const a = await fetch('https://api.pipedrive.com/v1/goals/find', { headers });
      const b = await fetch(`https://${PIPEDRIVE_SANDBOX.companyDomain}.pipedrive.com/api/v1/goals/find`, {
        headers,
      });
      expect([a.status, b.status]).toEqual([200, 200]);
    });
  });

  it('runs as a real HTTP server on an ephemeral localhost port and shuts down cleanly', async () => {
    const sandbox = await startPipedriveSandbox({
      dataset: generatePipedriveDataset({ goals: 20, today: '2026-03-10' }),
    });
    try {
      expect(sandbox.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const response = await fetch(`${sandbox.baseURL}/goals/find?assignee.type=person`, {
        headers: { 'x-api-token': sandbox.adapterOptions.apiToken },
      });
      const body = (await response.json()) as { data: { goals: unknown[] } };
      expect(response.status).toBe(200);
      expect(body.data.goals.length).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
    await expect(fetch(`${sandbox.baseURL}/goals/find`)).rejects.toThrow();
  });

  it('generates the same realistic account for the same seed, with every kind of goal', () => {
    const dataset = generatePipedriveDataset({ seed: 7, today: '2026-03-10' });
    expect(generatePipedriveDataset({ seed: 7, today: '2026-03-10' })).toEqual(dataset);
    expect(generatePipedriveDataset({ seed: 8, today: '2026-03-10' })).not.toEqual(dataset);
    const goals = dataset.goals;
    expect(goals).toHaveLength(300);
    const kinds = (pick: (goal: (typeof goals)[number]) => unknown) => new Set(goals.map(pick));
    expect(kinds((goal) => goal.type.name).size).toBe(6);
    expect(kinds((goal) => goal.assignee.type)).toEqual(new Set(['person', 'team', 'company']));
    expect(kinds((goal) => goal.interval)).toEqual(new Set(['weekly', 'monthly', 'quarterly', 'yearly']));
    expect(kinds((goal) => goal.expected_outcome.tracking_metric)).toEqual(new Set(['quantity', 'sum']));
    expect(kinds((goal) => goal.duration.end === null)).toEqual(new Set([true, false]));
    expect(goals.some((goal) => goal.seasonality !== undefined)).toBe(true);
    const sim = createPipedriveSimulator({ dataset, now: () => NOW });
    const served = sim.goals();
    expect(served).toHaveLength(300);
    expect(new Set(served.map((goal) => goal.is_active))).toEqual(new Set([true, false]));
    expect(new Set(served.map((goal) => goal.id)).size).toBe(300);
  });
});
