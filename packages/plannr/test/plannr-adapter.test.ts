/** The adapter against the simulator: options, headers, every error path, writes, listing and rate limits. */
import type { RateLimitWaitEvent, WarningEvent } from '@goalbridge/core';
import {
  AuthError,
  ConfigError,
  type Goal,
  type GoalbridgeError,
  type GoalInputDraft,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  RateLimiter,
  TransientError,
  UnsupportedError,
  ValidationError,
} from '@goalbridge/core';
import { toMswHandlers } from '@goalbridge/core/msw';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import {
  classifyPlannrResponse,
  createPlannrAdapter,
  PLANNR_RATE_LIMITS,
  type PlannrAdapter,
  type PlannrAdapterOptions,
  readPlannrRateLimits,
} from '../src/index.ts';
import type { PlannrGoal, PlannrGoalPage } from '../src/plannr-api.ts';
import { type FetchGoalPage, listGoalPages, type PlannrListOptions } from '../src/plannr-list.ts';
import {
  createPlannrSimulator,
  generatePlannrGoals,
  PLANNR_SANDBOX,
  type PlannrSimulatorOptions,
} from '../src/testing/index.ts';

const TOKEN = PLANNR_SANDBOX.accessToken;
const [gareth, emily, priya] = PLANNR_SANDBOX.clientAccounts;
const [jonesFamily] = PLANNR_SANDBOX.circles;
const UNKNOWN = '6ff8f7f6-1eb3-3525-be4a-3932c805afed';

/** Replaces the simulator's answer to matching requests, a given number of times. */
interface Override {
  match: (request: Request) => boolean;
  respond: (request: Request, real: () => Promise<Response>) => Response | Promise<Response>;
  times?: number;
}

/** The simulator plus a record of the requests the adapter sent and the statuses it got back. */
function setup(
  options: Partial<PlannrAdapterOptions> = {},
  simulatorOptions: PlannrSimulatorOptions = {},
  overrides: Override[] = [],
) {
  let now = Date.UTC(2026, 3, 29, 11, 53);
  const sim = createPlannrSimulator({ now: () => now, ...simulatorOptions });
  const sent: Request[] = [];
  const statuses: number[] = [];
  const left = overrides.map((override) => override.times ?? 1);
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    const index = overrides.findIndex((override, i) => (left[i] as number) > 0 && override.match(request));
    let response: Response;
    if (index >= 0) {
      left[index] = (left[index] as number) - 1;
      response = await (overrides[index] as Override).respond(request, () => sim.fetch(request));
    } else {
      response = await sim.fetch(request);
    }
    statuses.push(response.status);
    return response;
  };
  const adapter = createPlannrAdapter({
    accessToken: TOKEN,
    accountUuid: PLANNR_SANDBOX.accountUuid,
    fetch,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
  return { sim, adapter, sent, statuses, tick: (ms: number) => (now += ms) };
}

const input = (n = 1): GoalInputDraft => ({
  title: `House deposit ${n}`,
  owners: [{ type: 'account', id: gareth.uuid }],
  measure: { kind: 'money', metric: 'financial_goal' },
  target: { value: '25000', currency: 'GBP' },
  progress: { percent: '40' },
  extensions: { plannr: { timeframe: 'Within the year.' } },
});

async function rejection(promise: Promise<unknown>): Promise<GoalbridgeError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: GoalbridgeError) => error,
  );
}

async function collect(goals: AsyncIterable<Goal>): Promise<Goal[]> {
  const all: Goal[] = [];
  for await (const goal of goals) all.push(goal);
  return all;
}

const methodIs = (method: string) => (request: Request) => request.method === method;
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('options', () => {
  it('refuses bad options with a ConfigError naming them, never echoing the token', () => {
    const secret = 'tok_SECRET_abcdef123456';
    const bad = [
      { accessToken: secret, accountUuid: 'me' },
      { accessToken: '', accountUuid: PLANNR_SANDBOX.accountUuid },
      { accessToken: secret, accountUuid: PLANNR_SANDBOX.accountUuid, baseURL: 'ftp://x' },
      { accessToken: secret, accountUuid: PLANNR_SANDBOX.accountUuid, apiToken: secret },
      { accessToken: secret, accountUuid: PLANNR_SANDBOX.accountUuid, currency: 'pounds' },
    ];
    const messages = bad.map((options) => {
      try {
        createPlannrAdapter(options as PlannrAdapterOptions);
        return 'no error';
      } catch (error) {
        expect(ConfigError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
    });
    expect(messages.map((message) => /options: (\w+)/.exec(message)?.[1])).toEqual([
      'accountUuid',
      'accessToken',
      'baseURL',
      'apiToken',
      'currency',
    ]);
    for (const message of messages) expect(message).not.toContain(secret);
  });

  it('sends the four required headers on every request [S14], reading a token function each time', async () => {
    let reads = 0;
    const accessToken = async () => {
      reads++;
      return TOKEN;
    };
    const { adapter, sent } = setup({ accessToken, userAgent: 'tests/1' });
    const { goal } = await adapter.create(input());
    await adapter.get(goal.id);
    await adapter.delete(goal.id);
    expect(sent.map((request) => request.method)).toEqual(['POST', 'GET', 'DELETE']);
    for (const request of sent) {
      expect(Object.fromEntries(request.headers)).toMatchObject({
        authorization: `Bearer ${TOKEN}`,
        'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'tests/1',
      });
    }
    expect(reads).toBe(3);
  });

  it('talks to https://api.plannrcrm.com/api/v2 by default (reference §2.1)', async () => {
    const sim = createPlannrSimulator();
    const server = setupServer(...toMswHandlers(sim));
    server.listen({ onUnhandledFrame: 'error' });
    try {
      const adapter = createPlannrAdapter({ accessToken: TOKEN, accountUuid: PLANNR_SANDBOX.accountUuid });
      const { goal } = await adapter.create(input());
      expect((await adapter.get(goal.id)).title).toBe('House deposit 1');
      expect([...sim.stats.byRoute.keys()]).toEqual(['POST /api/v2/goals', `GET /api/v2/goals/${goal.id}`]);
    } finally {
      server.close();
    }
  });

  it('declares what it does: operations, round-tripping fields, limits, pages of at most 500', () => {
    const { adapter } = setup();
    expect(adapter.capabilities).toEqual({
      operations: ['list', 'get', 'create', 'update', 'progress', 'delete'],
      fields: {
        readable: [
          'title',
          'description',
          'owners',
          'measure',
          'target',
          'schedule.end',
          'schedule.recurrence',
          'status',
          'priority',
          'progress',
          'extensions',
          'createdAt',
          'updatedAt',
        ],
        writable: [
          'title',
          'description',
          'owners',
          'target',
          'schedule.end',
          'priority',
          'progress',
          'extensions',
        ],
      },
      rateLimits: PLANNR_RATE_LIMITS,
      pagination: { kind: 'page', maxPageSize: 500 },
      measureKinds: ['money'],
      ownerTypes: ['account'],
    });
  });

  /** The methods of a real limiter, as an object of its own. */
  const limiterMethods = () => {
    const limiter = new RateLimiter([{ name: 'x', limit: 1, windowMs: 1000 }]);
    const methods = ['reserveNow', 'reserve', 'observe', 'pauseUntil', 'state'] as const;
    return Object.fromEntries(methods.map((name) => [name, limiter[name].bind(limiter)]));
  };

  it('refuses a limiter, limits or a user agent that would fail every request, at creation', () => {
    const bad: [Partial<PlannrAdapterOptions>, string][] = [
      [{ rateLimiter: { acquire: async () => {} } as never }, 'rateLimiter'],
      // Everything a limiter needs but the state the client reads to name the limit a shared one held.
      [{ rateLimiter: { ...limiterMethods(), state: undefined } as never }, 'rateLimiter'],
      [{ rateLimits: [{ name: 'x', limit: 0.5, windowMs: 1000 }] }, 'rateLimits.0.limit'],
      [{ rateLimits: [{ name: 'x', limit: 0, windowMs: 1000 }] }, 'rateLimits.0.limit'],
      [{ userAgent: 'ua\r\nx-evil: 1' }, 'userAgent'],
    ];
    for (const [options, path] of bad) {
      const error = (() => {
        try {
          setup(options);
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(() =>
      setup({ rateLimiter: new RateLimiter([{ name: 'x', limit: 1, windowMs: 1000 }]) }),
    ).not.toThrow();
  });
});

describe('errors, by status code (reference §2.5)', () => {
  it('401 → AuthError, not retried, without the token in the message', async () => {
    const { adapter, statuses } = setup({ accessToken: 'expired-token-value' });
    const error = await rejection(adapter.get(UNKNOWN));
    expect(AuthError.isInstance(error)).toBe(true);
    expect([error.status, error.message]).toEqual([401, 'plannr answered HTTP 401: Unauthenticated.']);
    expect(statuses).toEqual([401]);
  });

  it('redacts a token the server echoes back', async () => {
    const { adapter } = setup({}, {}, [
      { match: methodIs('GET'), respond: () => json(401, { message: `Token ${TOKEN} has expired.` }) },
    ]);
    const error = await rejection(adapter.get(UNKNOWN));
    expect(error.message).toBe('plannr answered HTTP 401: Token [REDACTED] has expired.');
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it('403 → PermissionError for a login without write permission [S21]', async () => {
    const { adapter, sim } = setup({ accessToken: 'reader' });
    sim.addUser({ accessToken: 'reader', accountUuid: PLANNR_SANDBOX.accountUuid, canWrite: false });
    const error = await rejection(adapter.create(input()));
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error.message).toBe('plannr answered HTTP 403: This action is unauthorized.');
  });

  it('404 → NotFoundError on get, update and delete', async () => {
    const { adapter } = setup();
    for (const call of [
      () => adapter.get(UNKNOWN),
      () => adapter.update(UNKNOWN, { title: 'x' }),
      () => adapter.delete(UNKNOWN),
    ]) {
      expect(NotFoundError.isInstance(await rejection(call()))).toBe(true);
    }
  });

  it("422 → ValidationError whose paths are the Goal's, not Plannr's", async () => {
    const { adapter } = setup();
    // The acting employee account is a well-formed UUID but not a client: only Plannr can tell.
    const error = await rejection(
      adapter.create({ ...input(), owners: [{ type: 'account', id: PLANNR_SANDBOX.accountUuid }] }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      { path: 'owners.0.id', message: 'The selected account_uuids.0 is invalid.' },
    ]);
    expect(error.status).toBe(422);
  });

  it('classifies what the simulator cannot provoke through the adapter: 400, 405, 429 without Retry-After', () => {
    const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
      status,
      headers: new Headers(headers),
      body,
      text: JSON.stringify(body),
      requestId: undefined,
      url: 'https://api.plannrcrm.com/api/v2/goals',
      request: { method: 'GET' as const, path: 'goals' },
    });
    const missingHeader = classifyPlannrResponse(
      response(400, { message: 'The X-PLANNR-ACCOUNT-UUID header is required.' }),
    );
    expect(ConfigError.isInstance(missingHeader)).toBe(true);
    expect(missingHeader?.message).toContain('The X-PLANNR-ACCOUNT-UUID header is required.');
    expect(missingHeader?.message).toContain('`accountUuid`');
    expect(UnsupportedError.isInstance(classifyPlannrResponse(response(405, { message: 'no' })))).toBe(true);
    const reset = Math.ceil(Date.now() / 1000) + 30;
    const limited = classifyPlannrResponse(
      response(429, { message: 'Too Many Attempts.' }, { 'x-ratelimit-reset': String(reset) }),
    ) as RateLimitError;
    expect([limited.kind, limited.retryable, limited.resetAt?.getTime()]).toEqual([
      'burst',
      true,
      reset * 1000,
    ]);
    const unreadable = classifyPlannrResponse(response(422, { message: 'The given data was invalid.' }));
    expect((unreadable as ValidationError).issues).toEqual([
      { path: '', message: 'The given data was invalid.' },
    ]);
    expect(classifyPlannrResponse(response(200, {}))).toBeUndefined();
  });

  it('429 → waits Retry-After and retries, reads and refused writes alike [S16]', async () => {
    const limited = () => json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '0' });
    const { adapter, statuses, sim } = setup({}, {}, [
      { match: methodIs('POST'), respond: limited },
      { match: methodIs('GET'), respond: limited },
    ]);
    const { goal } = await adapter.create(input());
    await adapter.get(goal.id);
    expect(statuses).toEqual([429, 201, 429, 200]);
    expect(sim.goalCount).toBe(1);
  });

  it('429 with a wait longer than the retry policy allows → RateLimitError with its reset time', async () => {
    const { adapter } = setup({ retry: { maxRetryAfterMs: 1000 } }, {}, [
      {
        match: methodIs('GET'),
        respond: () => json(429, { message: 'Too Many Attempts.' }, { 'retry-after': '60' }),
      },
    ]);
    const error = await rejection(adapter.get(UNKNOWN));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).resetAt?.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('5xx → TransientError: reads and updates retried, a create never sent twice', async () => {
    const { adapter, sim, statuses } = setup();
    sim.faults.schedule({ kind: 'server-error', match: methodIs('GET') });
    sim.faults.schedule({ kind: 'html-error', match: methodIs('PUT') });
    const { goal } = await adapter.create(input());
    expect((await adapter.get(goal.id)).id).toBe(goal.id);
    await adapter.update(goal.id, { title: 'Retried', owners: [{ type: 'account', id: emily.uuid }] });
    expect(statuses).toEqual([201, 500, 200, 502, 200, 200]);
    sim.faults.schedule({ kind: 'server-error', match: methodIs('POST') });
    const error = await rejection(adapter.create(input(2)));
    expect(TransientError.isInstance(error)).toBe(true);
    expect(statuses.slice(6)).toEqual([500]);
    expect(sim.goalCount).toBe(1);
  });

  it('a create whose answer is lost is not repeated and says its outcome is unknown', async () => {
    const { adapter, sim } = setup();
    sim.faults.schedule({ kind: 'reset-after', match: methodIs('POST') });
    const error = await rejection(adapter.create(input()));
    expect([error.code, error.outcomeUnknown]).toEqual(['transient', true]);
    expect(sim.goalCount).toBe(1);
  });

  it('a name too long for a Goal title, or data nested too deep, is refused or dropped with a warning — never kept or crashed on', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const long = setup({}, {}, [
      {
        match: methodIs('GET'),
        respond: async (_request, real) =>
          json(200, { ...(await (await real()).json()), name: 'n'.repeat(5000) }),
      },
    ]);
    const { goal } = await long.adapter.create(input());
    const error = await rejection(long.adapter.get(goal.id));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidResponseError).issues.map((issue) => issue.path)).toEqual(['title']);

    const warnings: string[] = [];
    const nested = setup({ hooks: { onWarning: (warning) => warnings.push(warning.reason) } }, {}, [
      {
        match: methodIs('GET'),
        respond: async (_request, real) =>
          new Response((await (await real()).text()).replace('{', `{"extra":${deep},`), {
            headers: { 'content-type': 'application/json' },
          }),
      },
    ]);
    const { goal: other } = await nested.adapter.create(input());
    // What fits is kept, the part nested too deep is dropped, and the goal read says so.
    expect((await nested.adapter.get(other.id)).extensions.plannr?.extra).toHaveProperty('extra.a.a');
    expect(warnings).toContain('the answer holds JSON nested more than 64 levels deep');
  });

  it('unreadable answers → InvalidResponseError naming the field; a truncated read is retried', async () => {
    const { adapter, sim } = setup({}, {}, [
      {
        match: (request) => request.method === 'GET' && !request.url.includes('/goals?'),
        respond: async (_request, real) => json(200, { ...(await (await real()).json()), priority: '9' }),
      },
      {
        match: (request) => request.url.includes('/goals?'),
        respond: () => json(200, { data: [] }),
      },
    ]);
    const { goal } = await adapter.create(input());
    const error = await rejection(adapter.get(goal.id));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as InvalidResponseError).issues).toEqual([{ path: 'priority', message: 'must be 1 to 5' }]);
    expect((error as InvalidResponseError).body).toContain('"priority":"9"');
    const page = await rejection(collect(adapter.list()));
    expect((page as InvalidResponseError).issues.map((issue) => issue.path)).toEqual(['meta']);
    sim.faults.schedule({ kind: 'truncated', match: methodIs('GET') });
    expect((await adapter.get(goal.id)).id).toBe(goal.id);
  });
});

describe('reads and writes', () => {
  it('accepts single goals wrapped in data as well as bare (ASSUMPTION singleResourceWrapped)', async () => {
    const { adapter } = setup({}, { wrapSingleResources: true });
    const { goal } = await adapter.create(input());
    expect((await adapter.get(goal.id)).title).toBe('House deposit 1');
    expect((await adapter.update(goal.id, { priority: 2 })).goal.priority).toBe(2);
  });

  it('accepts 200 for a create and 200 with a message for a delete (reference §1.2, §1.5)', async () => {
    const { adapter } = setup({}, {}, [
      { match: methodIs('POST'), respond: async (_request, real) => json(200, await (await real()).json()) },
      {
        match: methodIs('DELETE'),
        respond: async (_request, real) => {
          await real();
          return json(200, { message: 'Deleted.' });
        },
      },
    ]);
    const { goal } = await adapter.create(input());
    await adapter.delete(goal.id);
    expect(NotFoundError.isInstance(await rejection(adapter.get(goal.id)))).toBe(true);
  });

  it('a create answers with the owners and circles it wrote, in one request', async () => {
    const { adapter, sent } = setup();
    const { goal, warnings } = await adapter.create({
      ...input(),
      owners: [
        { type: 'account', id: gareth.uuid },
        { type: 'account', id: emily.uuid },
      ],
    });
    expect(warnings).toEqual([]);
    expect(goal.owners).toEqual([
      { type: 'account', id: gareth.uuid },
      { type: 'account', id: emily.uuid },
    ]);
    expect(goal.extensions.plannr).toEqual({
      timeframe: 'Within the year.',
      shownOnCircles: false,
      visibleToCirclesUuids: [],
      sharedOwnerType: 'shared',
    });
    expect(sent).toHaveLength(1);
  });

  it('an update reads the goal again only when its answer leaves owners or circles unknown', async () => {
    const { adapter, sent } = setup();
    const { goal } = await adapter.create({
      ...input(),
      owners: [
        { type: 'account', id: gareth.uuid },
        { type: 'account', id: emily.uuid },
      ],
    });
    const renamed = await adapter.update(goal.id, { title: 'Renamed' });
    expect(renamed.goal.owners.map((owner) => owner.id)).toEqual([gareth.uuid, emily.uuid]);
    expect(sent.slice(1).map((request) => request.method)).toEqual(['PUT', 'GET']);
    const moved = await adapter.update(goal.id, {
      owners: [{ type: 'account', id: priya.uuid }],
      extensions: { plannr: { visibleToCirclesUuids: [jonesFamily.uuid] } },
    });
    expect(moved.goal.owners).toEqual([{ type: 'account', id: priya.uuid }]);
    expect(moved.goal.extensions.plannr?.visibleToCirclesUuids).toEqual([jonesFamily.uuid]);
    expect(sent.slice(3).map((request) => request.method)).toEqual(['PUT']);
  });

  it('returns the warnings of a write and refuses bad input before any request', async () => {
    const { adapter, sent } = setup();
    const { warnings } = await adapter.create({
      ...input(),
      status: 'inactive',
      schedule: { start: '2026-01-01' },
    });
    expect(warnings.map((warning) => warning.field)).toEqual(['schedule.start', 'status']);
    const error = await rejection(adapter.update(UNKNOWN, { progress: { percent: '150' } }));
    expect((error as ValidationError).issues).toEqual([
      { path: 'progress.percent', message: 'must be a whole percentage from 0 to 100 for Plannr' },
    ]);
    expect(adapter.check({ ...input(), title: 'x'.repeat(300) }).issues.map((issue) => issue.path)).toEqual([
      'title',
    ]);
    expect(sent).toHaveLength(1);
  });

  it('refuses a UUID not in lower case, as Plannr writes it, before any request, and never lower-cases it', async () => {
    const { adapter, sent } = setup();
    const { goal } = await adapter.create(input());
    const upperOwner = { owners: [{ type: 'account', id: emily.uuid.toUpperCase() }] };
    const ownerIssue = {
      path: 'owners.0.id',
      message: `must be a lower-case UUID, as Plannr writes it: ${emily.uuid}`,
    };
    expect(adapter.check({ ...input(2), ...upperOwner }).issues).toEqual([ownerIssue]);
    for (const write of [
      () => adapter.create({ ...input(2), ...upperOwner }),
      () => adapter.update(goal.id, upperOwner),
    ]) {
      expect(((await rejection(write())) as ValidationError).issues).toEqual([ownerIssue]);
    }
    // Goal ids too: Plannr answers them in lower case, and a sync's ID map holds them as answered.
    const idIssue = { path: 'id', message: `must be a lower-case UUID, as Plannr writes it: ${goal.id}` };
    const upperId = goal.id.toUpperCase();
    for (const call of [
      () => adapter.get(upperId),
      () => adapter.update(upperId, { title: 'Renamed' }),
      () => adapter.delete(upperId),
      () => adapter.progress(upperId),
    ]) {
      expect(((await rejection(call())) as ValidationError).issues).toEqual([idIssue]);
    }
    expect(((await rejection(adapter.get('goal-1'))) as ValidationError).issues).toEqual([
      { path: 'id', message: 'must be a Plannr goal UUID' },
    ]);
    expect(sent.map((request) => request.method)).toEqual(['POST']);
    expect((await adapter.get(goal.id)).owners).toEqual([{ type: 'account', id: gareth.uuid }]);
  });

  it('reads progress as the stored percentage', async () => {
    const { adapter } = setup();
    const { goal } = await adapter.create(input());
    expect(await adapter.progress(goal.id)).toEqual({ percent: '40' });
  });

  it('refuses a progress period or subject before any request: the percentage is per goal (reference §5)', async () => {
    const { adapter, sent } = setup();
    const { goal } = await adapter.create(input());
    sent.length = 0;
    const queries: [unknown, string[]][] = [
      [{ period: { start: 'nope', end: 'x' } }, ['period']],
      [{ period: { start: '2026-01-01', end: '2026-01-31' } }, ['period']],
      [{ subject: '42' }, ['subject']],
      [{ period: { start: '2026-01-01', end: '2026-01-31' }, subject: '42' }, ['period', 'subject']],
      [{ percent: '40' }, ['percent']],
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

  it('without includes, reads owners from shared_owner only and no longer claims owners round-trip', async () => {
    const { adapter, sent } = setup({ include: [] });
    expect(adapter.capabilities.fields.writable).not.toContain('owners');
    const single = await adapter.create(input());
    const shared = await adapter.create({
      ...input(2),
      owners: [
        { type: 'account', id: gareth.uuid },
        { type: 'account', id: emily.uuid },
      ],
    });
    expect((await adapter.get(single.goal.id)).owners).toEqual([{ type: 'account', id: gareth.uuid }]);
    expect((await adapter.get(shared.goal.id)).owners).toEqual([]);
    expect(sent.every((request) => !request.url.includes('include'))).toBe(true);
  });
});

describe('listing', () => {
  function seeded(count: number, options: Partial<PlannrAdapterOptions> = {}) {
    const context = setup(options, { rateLimit: false });
    const goals = generatePlannrGoals(count, { seed: 5, now: Date.UTC(2026, 3, 1) });
    context.sim.seedGoals(goals);
    return { ...context, seededIds: goals.map((goal) => goal.uuid as string) };
  }

  const listUrls = (sent: Request[]) =>
    sent.map((request) => new URL(request.url)).filter((url) => url.pathname === '/api/v2/goals');

  it('asks for the largest page, in created_at order, with the relations it reads', async () => {
    const { adapter, sent } = seeded(3);
    await collect(adapter.list());
    expect(listUrls(sent).map((url) => url.search)).toEqual([
      '?include=accounts%2Cvisible_to_circles&sort=created_at&per_page=500&page=1',
    ]);
  });

  it('streams every goal once across pages whose size does not divide the total, fetching lazily', async () => {
    const { adapter, sent, seededIds } = seeded(103);
    const iterator = adapter.list({ pageSize: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    expect(listUrls(sent)).toHaveLength(1);
    await iterator.return?.();
    const listed = await collect(adapter.list({ pageSize: 10 }));
    expect(listed.map((goal) => goal.id)).toEqual(seededIds);
    const sizes = listUrls(sent).map((url) => url.searchParams.get('per_page'));
    expect(sizes.filter((size) => size === '10')).toHaveLength(1 + 11);
    // Each page after the first is checked by a one-goal probe: the goal before it is still in its place.
    expect(sizes.filter((size) => size === '1')).toHaveLength(10);
  });

  it('filters and sorts as asked', async () => {
    const { adapter, sim, seededIds } = seeded(40);
    const owned = await collect(adapter.list({ filter: { accountUuids: [gareth.uuid] }, pageSize: 7 }));
    const expected = sim
      .goals()
      .filter((goal) => (goal.accounts as { uuid: string }[]).some((a) => a.uuid === gareth.uuid));
    expect(owned.map((goal) => goal.id)).toEqual(expected.map((goal) => goal.uuid));
    const chosen = await collect(
      adapter.list({ filter: { uuid: seededIds.slice(0, 3) }, sort: '-created_at' }),
    );
    expect(chosen.map((goal) => goal.id)).toEqual(seededIds.slice(0, 3).reverse());
  });

  it('an empty filter list selects nothing, without a request (never the whole firm)', async () => {
    const { adapter, sent } = seeded(3);
    for (const filter of [
      { uuid: [] },
      { accountUuids: [] },
      { circleUuids: [], accountUuids: [gareth.uuid] },
    ]) {
      expect(await collect(adapter.list({ filter }))).toEqual([]);
    }
    expect(sent).toHaveLength(0);
  });

  it('refuses bad list options before any request', async () => {
    const { adapter, sent } = seeded(1);
    for (const [options, path] of [
      [{ pageSize: 0 }, 'pageSize'],
      [{ pageSize: 2.5 }, 'pageSize'],
      [{ sort: 'name' }, 'sort'],
      [{ filter: { accountUuids: ['gareth'] } }, 'filter.accountUuids.0'],
    ] as const) {
      const error = await rejection(collect(adapter.list(options as never)));
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(sent).toHaveLength(0);
  });

  /** Lists with `pageSize`, running `between` once the first page has been read. */
  async function listWhile(
    adapter: ReturnType<typeof setup>['adapter'],
    between: () => Promise<void>,
    options = {},
  ) {
    const ids: string[] = [];
    let index = 0;
    for await (const goal of adapter.list({ pageSize: 5, ...options })) {
      ids.push(goal.id);
      if (++index === 5) await between();
    }
    return ids;
  }

  it('a goal that changes between pages does not appear twice', async () => {
    const { adapter, sim, seededIds, tick } = seeded(12);
    const ids = await listWhile(adapter, async () => {
      tick(60_000);
      await adapter.update(seededIds[1] as string, { title: 'Changed on page 1' });
      await adapter.update(seededIds[7] as string, { title: 'Changed on page 2' });
    });
    expect(ids).toEqual(seededIds);
    expect(sim.goal(seededIds[7] as string)?.name).toBe('Changed on page 2');
  });

  it('a goal that changes between pages does not appear twice, even sorted by updated_at', async () => {
    const { adapter, seededIds, tick } = seeded(12);
    const ids = await listWhile(
      adapter,
      async () => {
        tick(60 * 86_400_000);
        await adapter.update(seededIds[0] as string, { title: 'Now the most recently updated' });
      },
      { sort: 'updated_at' },
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('goals created between pages cause no repeats', async () => {
    const { adapter, seededIds } = seeded(12);
    const ids = await listWhile(adapter, async () => {
      await adapter.create(input(1));
      await adapter.create(input(2));
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 12)).toEqual(seededIds);
    expect(ids).toHaveLength(14);
  });

  it('a goal deleted from a page already read does not make a later goal go missing', async () => {
    const { adapter, seededIds } = seeded(12);
    const ids = await listWhile(adapter, async () => {
      await adapter.delete(seededIds[0] as string);
      await adapter.delete(seededIds[2] as string);
    });
    expect(ids).toEqual(seededIds);
  });

  it('a goal deleted from a page already read while another is created: no later goal goes missing', async () => {
    const { adapter, seededIds } = seeded(12);
    const ids = await listWhile(adapter, async () => {
      await adapter.delete(seededIds[0] as string);
      await adapter.create(input(1)); // `total` stays 12: only the probe sees the shift
    });
    expect(ids.slice(0, 12)).toEqual(seededIds);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('more goals deleted than a page holds, as many created: it steps back to a page that starts in time', async () => {
    const { adapter, seededIds } = seeded(30);
    const ids: string[] = [];
    for await (const goal of adapter.list({ pageSize: 5 })) {
      ids.push(goal.id);
      if (ids.length !== 12) continue;
      for (const id of seededIds.slice(2, 10)) await adapter.delete(id);
      for (let n = 0; n < 8; n++) await adapter.create(input(n));
    }
    const survivors = [...seededIds.slice(0, 2), ...seededIds.slice(10)];
    expect(ids.filter((id) => survivors.includes(id))).toEqual(survivors);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    [12, 5, 'reversed'],
    [30, 5, 'reversed'],
    [2000, 500, 'reversed'],
    [2000, 500, 'rotated'],
  ] as const)(
    'ends, listing every goal once, when the server orders %i goals created in the same second differently for one goal (pages of %i, %s)',
    async (count, pageSize, order) => {
      const same = '2026-01-05T10:00:00.000000Z';
      const raws = Array.from(
        { length: count },
        (_, n) => ({ uuid: `goal-${n}`, created_at: same }) as PlannrGoal,
      );
      // One goal asked for: the ties in another order, as a database may give them under LIMIT 1.
      const oneByOne = order === 'reversed' ? [...raws].reverse() : [...raws.slice(7), ...raws.slice(0, 7)];
      const requests: number[] = [];
      const fetchPage: FetchGoalPage = async (query, page) => {
        const size = Number(query.per_page);
        requests.push(size);
        return pageOf(size === 1 ? oneByOne : raws, size, page);
      };
      const ids = await listedIds({ pageSize }, fetchPage);
      expect(ids).toEqual(raws.map((raw) => raw.uuid));
      // Each page after the first: its probe, and (the probe finding another tie) the page before, read whole.
      const pages = Math.ceil(count / pageSize);
      expect(requests.length).toBeLessThanOrEqual(pages + 2 * (pages - 1));
    },
  );

  it('does not take a page that backdated goals, inserted after it was read, make look in place: a deletion before it skips nothing', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
    let goals = Array.from({ length: 10 }, (_, n) => ({ uuid: `g${n}`, created_at: at(n) }) as PlannrGoal);
    let requests = 0;
    const fetchPage: FetchGoalPage = async (query, page) => {
      requests++;
      // Before page 2 is read, a goal of page 1 goes; before its probe, two goals dated earlier than all come.
      if (requests === 2) goals = goals.filter((goal) => goal.uuid !== 'g1');
      if (requests === 3)
        goals = [
          { uuid: 'b1', created_at: at(-2) } as PlannrGoal,
          { uuid: 'b2', created_at: at(-1) } as PlannrGoal,
          ...goals,
        ];
      return pageOf(goals, Number(query.per_page), page);
    };
    const ids = await listedIds({ pageSize: 3 }, fetchPage);
    expect(ids.filter((id) => id.startsWith('g'))).toEqual([
      'g0',
      'g1',
      'g2',
      'g3',
      'g4',
      'g5',
      'g6',
      'g7',
      'g8',
      'g9',
    ]);
  });

  it('ends in -created_at while goals keep being created, every goal there from the start listed once', async () => {
    const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
    let goals = Array.from(
      { length: 2000 },
      (_, n) => ({ uuid: `g${n}`, created_at: at(n) }) as PlannrGoal,
    ).reverse();
    let requests = 0;
    let created = 0;
    const fetchPage: FetchGoalPage = async (query, page) => {
      // A new goal, newest of all, every second request: it sorts first and moves every other one on.
      if (++requests % 2 === 0)
        goals = [{ uuid: `new${++created}`, created_at: at(10_000 + created) } as PlannrGoal, ...goals];
      expect(requests).toBeLessThan(1000);
      return pageOf(goals, Number(query.per_page), page);
    };
    const ids = await listedIds({ pageSize: 100, sort: '-created_at' }, fetchPage);
    const original = ids.filter((id) => !id.startsWith('new'));
    expect(original).toEqual(Array.from({ length: 2000 }, (_, n) => `g${1999 - n}`));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('steps back when, while ties are read, a goal is deleted: the tie that moved is not skipped', async () => {
    const at = (second: number) => `2026-01-05T10:00:0${second}.000000Z`;
    // g2, g3 and g4 were created in the same second; the others one second apart.
    let goals = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8'].map(
      (uuid, n) => ({ uuid, created_at: at(n < 2 ? n : n <= 4 ? 2 : n - 2) }) as PlannrGoal,
    );
    let requests = 0;
    const fetchPage: FetchGoalPage = async (query, page) => {
      const size = Number(query.per_page);
      // After the page before page 2 is read whole to check the ties (the fourth request), g1 is deleted.
      if (++requests === 5) goals = goals.filter((goal) => goal.uuid !== 'g1');
      const ties =
        size === 1
          ? [...goals].sort(
              (a, b) => a.created_at.localeCompare(b.created_at) || b.uuid.localeCompare(a.uuid),
            )
          : goals;
      return pageOf(ties, size, page);
    };
    const ids = await listedIds({ pageSize: 3 }, fetchPage);
    expect(ids).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8']);
  });

  it('every goal listed once when each is deleted as it is listed', async () => {
    const { adapter, sim, seededIds } = seeded(23);
    const ids: string[] = [];
    for await (const goal of adapter.list({ pageSize: 5 })) {
      ids.push(goal.id);
      await adapter.delete(goal.id);
    }
    expect(ids).toEqual(seededIds);
    expect(sim.goalCount).toBe(0);
  });

  it('a goal shifted onto the next page by an earlier-dated one is not listed twice', async () => {
    const { adapter, sim, seededIds } = seeded(12);
    const ids = await listWhile(adapter, async () => {
      sim.seedGoals([
        { name: 'Backdated', accountUuids: [gareth.uuid], createdAt: '2000-01-01T00:00:00+00:00' },
      ]);
    });
    expect(ids).toEqual(seededIds);
  });

  it('stops when aborted', async () => {
    const { adapter } = seeded(30);
    const controller = new AbortController();
    const ids: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const goal of adapter.list({ pageSize: 5, signal: controller.signal })) {
          ids.push(goal.id);
          if (ids.length === 7) controller.abort(new Error('enough'));
        }
      })() as Promise<unknown>,
    );
    expect((error as unknown as Error).message).toBe('enough');
    expect(ids.length).toBeLessThan(30);
  });

  it('refuses a pageSize above 500, the largest page Plannr serves, before any request', async () => {
    const { adapter, sent } = seeded(1);
    const error = await rejection(collect(adapter.list({ pageSize: 501 })));
    expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([
      'pageSize',
    ]);
    expect(sent).toHaveLength(0);
    await collect(adapter.list({ pageSize: 500 }));
    expect(listUrls(sent)[0]?.searchParams.get('per_page')).toBe('500');
  });
});

describe('rate limits (500 per minute per user [S16])', () => {
  // Scaled down as the benchmarks do. The simulator counts arrivals, the adapter departures: its window is
  // 50 ms shorter so a pause of the event loop on a busy machine between the two cannot fail the test.
  const scaled = { limit: 4, windowMs: 250 };
  const rules = [{ name: 'per-minute', limit: 4, windowMs: 300 }];

  it('scheduled up front, a burst of requests meets no 429', async () => {
    const { adapter, statuses } = setup(
      { rateLimits: rules, retry: false },
      { rateLimit: scaled, now: Date.now },
    );
    await Promise.all(Array.from({ length: 14 }, () => adapter.get(UNKNOWN).catch(() => undefined)));
    expect(statuses).toHaveLength(14);
    expect(statuses.every((status) => status === 404)).toBe(true);
  });

  it('unscheduled, the same burst is refused by the simulator (the check above can fail)', async () => {
    const { adapter, statuses } = setup(
      { rateLimits: false, retry: false },
      { rateLimit: scaled, now: Date.now },
    );
    await Promise.all(Array.from({ length: 14 }, () => adapter.get(UNKNOWN).catch(() => undefined)));
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });

  it('feeds X-RateLimit-Remaining into a limiter shared by adapters of the same user', async () => {
    const limiter = new RateLimiter([{ name: 'per-minute', limit: 100, windowMs: 60_000 }]);
    const first = setup({ rateLimiter: limiter }, { rateLimit: { limit: 3, windowMs: 60_000 } });
    const second = createPlannrAdapter({
      accessToken: TOKEN,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: first.sim.fetch,
      rateLimiter: limiter,
    });
    await first.adapter.get(UNKNOWN).catch(() => undefined);
    await second.get(UNKNOWN).catch(() => undefined);
    // The server allows 3 a minute, not the 100 configured: what it says is left is what the limiter has left.
    expect(limiter.state()).toEqual([{ rule: 'per-minute', remaining: 1 }]);
    await second.get(UNKNOWN).catch(() => undefined);
    // The server said nothing is left: the limiter holds further requests for the window.
    expect(limiter.state()).toEqual([{ rule: 'per-minute', remaining: 0 }]);
  });

  it("with a shared limiter, tells each adapter's onRateLimitWait of its own requests that waited", async () => {
    const shared = new RateLimiter([{ name: 'per-minute', limit: 2, windowMs: 200 }]);
    const heard: RateLimitWaitEvent[][] = [[], []];
    const [first, second] = heard.map(
      (events) =>
        setup({ rateLimiter: shared, hooks: { onRateLimitWait: (event) => events.push(event) } }).adapter,
    ) as [PlannrAdapter, PlannrAdapter];
    await Promise.all([first, second, first, second].map((adapter) => collect(adapter.list())));
    expect(heard.flat()).toHaveLength(2);
    for (const event of heard.flat()) {
      expect(event).toMatchObject({ provider: 'plannr', operation: 'list', rule: 'per-minute' });
      expect(event.waitMs).toBeGreaterThan(150);
    }
  });

  it('reads the limit headers into observations', () => {
    const headers = (values: Record<string, string>) =>
      readPlannrRateLimits({ headers: new Headers(values) } as Parameters<typeof readPlannrRateLimits>[0]);
    expect(headers({ 'X-Ratelimit-Remaining': '42' })).toEqual([
      { rule: 'per-minute', remaining: 42, resetAt: undefined },
    ]);
    const reset = Math.ceil(Date.now() / 1000) + 40;
    expect(headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) })).toEqual([
      { rule: 'per-minute', remaining: 0, resetAt: reset * 1000 },
    ]);
    // Retry-After first, as the error a 429 becomes reads it: both say when the limit lifts.
    const [retry] = headers({ 'X-RateLimit-Remaining': '0', 'Retry-After': '7', 'X-RateLimit-Reset': '1' });
    expect((retry?.resetAt ?? 0) - Date.now()).toBeGreaterThan(6_000);
    expect((retry?.resetAt ?? 0) - Date.now()).toBeLessThanOrEqual(7_000);
    expect(headers({})).toEqual([]);
  });
});

describe('hooks', () => {
  it('report what a read could not carry through onWarning', async () => {
    const warnings: WarningEvent[] = [];
    // Without the `accounts` relation, a goal with several owners names none of them when read.
    const { adapter } = setup({ include: [], hooks: { onWarning: (event) => warnings.push(event) } });
    const owners = PLANNR_SANDBOX.clientAccounts
      .slice(3, 5)
      .map((account) => ({ type: 'account', id: account.uuid }));
    const { goal } = await adapter.create({ ...input(), owners });
    expect(warnings).toEqual([]);
    const read = await adapter.get(goal.id);
    expect(read.owners).toEqual([]);
    expect(warnings).toMatchObject([
      {
        field: 'owners',
        reason: 'Plannr did not return the owners of this goal',
        provider: 'plannr',
        operation: 'read',
        goalId: goal.id,
      },
    ]);
  });

  it('see every request with the token redacted', async () => {
    const seen: Record<string, string>[] = [];
    const { adapter } = setup({ hooks: { onRequest: (event) => seen.push(event.headers) } });
    await adapter.create(input());
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBe('[REDACTED]');
    expect(seen[0]?.['x-plannr-account-uuid']).toBe(PLANNR_SANDBOX.accountUuid);
  });
});

/** Page `page` of `goals`, `size` a page, as Plannr answers it: for listings driven without a simulator. */
function pageOf(goals: readonly PlannrGoal[], size: number, page: number): PlannrGoalPage {
  const meta = {
    current_page: page,
    last_page: Math.ceil(goals.length / size),
    per_page: size,
    total: goals.length,
  };
  return { data: goals.slice((page - 1) * size, page * size), meta };
}

/** The ids a listing over `fetchPage` yields, in order (each goal reduced to its id and creation time). */
async function listedIds(options: PlannrListOptions, fetchPage: FetchGoalPage): Promise<string[]> {
  const toGoal = (raw: PlannrGoal) => ({ id: raw.uuid, createdAt: raw.created_at }) as Goal;
  const ids: string[] = [];
  for await (const goal of listGoalPages(options, fetchPage, toGoal)) ids.push(goal.id);
  return ids;
}
