/** The simulator behaves as the reference describes Plannr, request by request. */
import { toMswHandlers } from '@goalbridge/core/msw';
import type { FaultKind } from '@goalbridge/core/simulator';
import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { PLANNR_ASSUMPTIONS } from '../src/index.ts';
import {
  createPlannrSimulator,
  formatMoney,
  formatPlannrDateTime,
  formatPlannrMidnight,
  generatePlannrClientAccounts,
  generatePlannrGoals,
  PLANNR_SANDBOX,
  type PlannrGoalSeed,
  type PlannrSimulator,
  type PlannrSimulatorOptions,
} from '../src/testing/index.ts';

const ORIGIN = 'https://api.plannrcrm.com';
const [gareth, emily, priya, tom, sarah] = PLANNR_SANDBOX.clientAccounts;
const [jonesFamily, thompsonFamily] = PLANNR_SANDBOX.circles;

interface Call {
  body?: unknown;
  headers?: Record<string, string | undefined>;
}

/** A request as the docs' curl examples send it (reference §1, common headers [S14]). */
async function call(sim: PlannrSimulator, method: string, path: string, options: Call = {}) {
  const headers: Record<string, string> = {};
  const defaults = {
    authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
    accept: 'application/json',
    'content-type': 'application/json',
    'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...options.headers })) {
    if (value !== undefined) headers[name] = value;
  }
  const response = await sim.handle(
    new Request(`${ORIGIN}/api/v2/${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
  );
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely in tests.
  const body: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body, text };
}

/** A clock the test moves by hand. */
function manualClock(start = Date.UTC(2026, 3, 29, 11, 53)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function simulator(options: PlannrSimulatorOptions = {}) {
  const clock = manualClock();
  return { sim: createPlannrSimulator({ now: clock.now, ...options }), clock };
}

/** The documented PUT body [S1] with sandbox owners and circles. */
const documentedBody = {
  account_uuids: [tom.uuid, sarah.uuid],
  name: 'Reduced Mileage',
  description: 'Reduce the amount of gas spent yearly.',
  target_amount: 500,
  progress: 68,
  timeframe: 'Within the year.',
  complete_goal_by: '2027-04-29',
  priority: 4,
  shown_on_circles: false,
  visible_to_circles_uuids: [jonesFamily.uuid],
};

describe('goal resource', () => {
  it('answers a create with 201 and the bare documented resource (reference §1.2, ASSUMPTIONS createStatus, singleResourceWrapped)', async () => {
    const { sim } = simulator();
    const created = await call(sim, 'POST', 'goals', {
      body: { ...documentedBody, account_uuids: [gareth.uuid] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_at: '2026-04-29T12:53:00+01:00',
      updated_at: '2026-04-29T12:53:00+01:00',
      name: 'Reduced Mileage',
      description: 'Reduce the amount of gas spent yearly.',
      target_amount: { amount: '500', formatted: '£5.00', currency: 'GBP' },
      progress: '68',
      timeframe: 'Within the year.',
      complete_goal_by: '2027-04-29T00:00:00+01:00',
      priority: '4',
      shared_owner_type: 'individual',
      shared_owner: {
        uuid: gareth.uuid,
        created_at: '2026-04-29T12:53:00+01:00',
        updated_at: '2026-04-29T12:53:00+01:00',
        type: 'client',
        role: 'individual',
        first_name: 'Gareth',
        last_name: 'Thompson',
        name: 'Gareth Thompson',
        email: 'gareth.thompson@example.co.uk',
        photo_url: 'https://eu.ui-avatars.com/api/?name=gareth+thompson',
      },
      shown_on_circles: false,
    });
  });

  it('has no shared_owner for a goal with several owners (ASSUMPTION sharedOwnerTypes)', async () => {
    const { sim } = simulator();
    const created = await call(sim, 'POST', 'goals', { body: documentedBody });
    expect(created.body.shared_owner_type).toBe('shared');
    expect(created.body).not.toHaveProperty('shared_owner');
  });

  it('loads owners and circles with include, on show and list (ASSUMPTION includes)', async () => {
    const { sim } = simulator();
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    const shown = await call(sim, 'GET', `goals/${body.uuid}?include=accounts,visible_to_circles`);
    expect(shown.body.accounts.map((account: { name: string }) => account.name)).toEqual([
      'Tom Jones',
      'Sarah Jones',
    ]);
    expect(shown.body.visible_to_circles).toEqual([
      expect.objectContaining({ uuid: jonesFamily.uuid, name: 'Jones Family' }),
    ]);
    const listed = await call(sim, 'GET', 'goals?include=accounts');
    expect(listed.body.data[0].accounts).toHaveLength(2);
    expect(listed.body.data[0]).not.toHaveProperty('visible_to_circles');
    expect((await call(sim, 'GET', `goals/${body.uuid}`)).body).not.toHaveProperty('accounts');
  });

  it('accepts show_on_circles, the POST example spelling, as well as shown_on_circles (reference §1.2, §6.4)', async () => {
    const { sim } = simulator();
    const { shown_on_circles: _, ...body } = documentedBody;
    const created = await call(sim, 'POST', 'goals', { body: { ...body, show_on_circles: true } });
    expect(created.body.shown_on_circles).toBe(true);
    const omitted = await call(sim, 'POST', 'goals', { body });
    expect(omitted.body.shown_on_circles).toBe(PLANNR_ASSUMPTIONS.shownOnCirclesDefault);
  });

  it('updates only the keys sent; lists are replaced (ASSUMPTION partial update, reference §1.4)', async () => {
    const { sim, clock } = simulator();
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    clock.advance(90_000);
    const updated = await call(sim, 'PUT', `goals/${body.uuid}`, {
      body: { progress: 70, account_uuids: [priya.uuid], visible_to_circles_uuids: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'Reduced Mileage',
      progress: '70',
      priority: '4',
      shared_owner: { uuid: priya.uuid },
      created_at: '2026-04-29T12:53:00+01:00',
      updated_at: '2026-04-29T12:54:30+01:00',
    });
    expect(sim.goal(body.uuid)).toMatchObject({ accounts: [{ uuid: priya.uuid }], visible_to_circles: [] });
  });

  it('moves updated_at only when a value changes, as Eloquent touches only a dirty model', async () => {
    const { sim, clock } = simulator();
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    clock.advance(5_000);
    const same = await call(sim, 'PUT', `goals/${body.uuid}`, { body: { progress: 68, priority: 4 } });
    expect(same.body.updated_at).toBe(body.updated_at);
    clock.advance(5_000);
    const changed = await call(sim, 'PUT', `goals/${body.uuid}`, { body: { progress: 69 } });
    expect(changed.body.updated_at).toBe('2026-04-29T12:53:10+01:00');
  });

  it('deletes with 204 and no body, then answers 404 (ASSUMPTION deleteEndpoint, reference §1.5)', async () => {
    const { sim } = simulator();
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    const deleted = await call(sim, 'DELETE', `goals/${body.uuid}`);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    const missing = await call(sim, 'GET', `goals/${body.uuid}`);
    expect(missing).toMatchObject({
      status: 404,
      body: { message: `No query results for model [App\\Models\\Goal] ${body.uuid}` },
    });
    expect((await call(sim, 'DELETE', `goals/${body.uuid}`)).status).toBe(404);
  });

  it('wraps single goals in data when asked, as Laravel does by default', async () => {
    const { sim } = simulator({ wrapSingleResources: true });
    const created = await call(sim, 'POST', 'goals', { body: documentedBody });
    expect(Object.keys(created.body)).toEqual(['data']);
    expect(created.body.data.name).toBe('Reduced Mileage');
  });

  it('answers unknown routes and methods as Laravel does', async () => {
    const { sim } = simulator();
    expect(await call(sim, 'GET', 'goalz')).toMatchObject({
      status: 404,
      body: { message: 'The route api/v2/goalz could not be found.' },
    });
    expect((await call(sim, 'PATCH', 'goals')).status).toBe(405);
  });
});

describe('authentication and the account header', () => {
  it('answers 401 Unauthenticated. without a valid bearer token [S12]', async () => {
    const { sim } = simulator();
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${PLANNR_SANDBOX.accessToken}`]) {
      const response = await call(sim, 'GET', 'goals', { headers: { authorization } });
      expect([response.status, response.body]).toEqual([401, { message: 'Unauthenticated.' }]);
      expect(response.headers.has('x-ratelimit-remaining')).toBe(false);
    }
  });

  it('requires X-PLANNR-ACCOUNT-UUID (ASSUMPTION missingAccountHeader, reference §2.3) and an account of the user', async () => {
    const { sim } = simulator();
    const missing = await call(sim, 'GET', 'goals', { headers: { 'x-plannr-account-uuid': undefined } });
    expect([missing.status, missing.body]).toEqual([
      400,
      { message: 'The X-PLANNR-ACCOUNT-UUID header is required.' },
    ]);
    const foreign = await call(sim, 'GET', 'goals', { headers: { 'x-plannr-account-uuid': gareth.uuid } });
    expect([foreign.status, foreign.body]).toEqual([403, { message: 'This action is unauthorized.' }]);
  });

  it('refuses writes and deletes a login may not make, with 403 [S21]', async () => {
    const { sim } = simulator();
    sim.addUser({
      accessToken: 'reader',
      accountUuid: PLANNR_SANDBOX.accountUuid,
      canWrite: false,
      canDelete: false,
    });
    const reader = { authorization: 'Bearer reader' };
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    expect((await call(sim, 'POST', 'goals', { body: documentedBody, headers: reader })).status).toBe(403);
    expect((await call(sim, 'PUT', `goals/${body.uuid}`, { body: {}, headers: reader })).status).toBe(403);
    expect((await call(sim, 'DELETE', `goals/${body.uuid}`, { headers: reader })).body).toEqual({
      message: 'This action is unauthorized.',
    });
    expect((await call(sim, 'GET', `goals/${body.uuid}`, { headers: reader })).status).toBe(200);
  });
});

describe('validation (Laravel 422, documented limits [S1, S2], reference §2.5)', () => {
  it('reports every broken rule with Laravel wording and the "(and N more errors)" summary', async () => {
    const { sim } = simulator();
    const response = await call(sim, 'POST', 'goals', {
      body: {
        account_uuids: [gareth.uuid, PLANNR_SANDBOX.accountUuid, 'nobody'],
        name: 'x'.repeat(256),
        description: 'x'.repeat(5001),
        target_amount: -1,
        progress: 101,
        timeframe: 'x'.repeat(256),
        complete_goal_by: 'someday',
        priority: 6,
        shown_on_circles: 'maybe',
        visible_to_circles_uuids: [jonesFamily.uuid, gareth.uuid],
      },
    });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      message: 'The selected account_uuids.1 is invalid. (and 10 more errors)',
      errors: {
        'account_uuids.1': ['The selected account_uuids.1 is invalid.'],
        'account_uuids.2': ['The selected account_uuids.2 is invalid.'],
        name: ['The name field must not be greater than 255 characters.'],
        description: ['The description field must not be greater than 5000 characters.'],
        target_amount: ['The target amount field must be at least 0.'],
        progress: ['The progress field must not be greater than 100.'],
        timeframe: ['The timeframe field must not be greater than 255 characters.'],
        complete_goal_by: ['The complete goal by field must be a valid date.'],
        priority: ['The priority field must not be greater than 5.'],
        shown_on_circles: ['The shown on circles field must be true or false.'],
        'visible_to_circles_uuids.1': ['The selected visible_to_circles_uuids.1 is invalid.'],
      },
    });
  });

  it('requires owners and a name on create only (ASSUMPTION requiredOnCreate), and types each field', async () => {
    const { sim } = simulator();
    expect((await call(sim, 'POST', 'goals', { body: {} })).body).toEqual({
      message: 'The account uuids field is required. (and 1 more error)',
      errors: {
        account_uuids: ['The account uuids field is required.'],
        name: ['The name field is required.'],
      },
    });
    const typed = await call(sim, 'POST', 'goals', {
      body: { account_uuids: gareth.uuid, name: 7, target_amount: '12.5', priority: 0, progress: 'half' },
    });
    expect(typed.body.errors).toEqual({
      account_uuids: ['The account uuids field must be an array.'],
      name: ['The name field must be a string.'],
      target_amount: ['The target amount field must be an integer.'],
      progress: ['The progress field must be an integer.'],
      priority: ['The priority field must be at least 1.'],
    });
    const { body } = await call(sim, 'POST', 'goals', { body: documentedBody });
    expect((await call(sim, 'PUT', `goals/${body.uuid}`, { body: { priority: 2 } })).status).toBe(200);
    expect(
      (await call(sim, 'PUT', `goals/${body.uuid}`, { body: { account_uuids: [] } })).body.errors,
    ).toEqual({
      account_uuids: ['The account uuids field is required.'],
    });
  });

  it('counts characters as PHP mb_strlen does, not UTF-16 units', async () => {
    const { sim } = simulator();
    const ok = await call(sim, 'POST', 'goals', { body: { ...documentedBody, name: '😀'.repeat(255) } });
    expect(ok.status).toBe(201);
  });

  it('trims strings and turns empty ones into null first, as Laravel middleware does (ASSUMPTION trimsStrings)', async () => {
    const { sim } = simulator();
    const created = await call(sim, 'POST', 'goals', {
      body: { ...documentedBody, name: '  Padded  ', description: '', timeframe: '   ' },
    });
    expect(created.body).toMatchObject({ name: 'Padded', description: null, timeframe: null });
    const blank = await call(sim, 'POST', 'goals', { body: { ...documentedBody, name: '   ' } });
    expect(blank.body.errors).toEqual({ name: ['The name field is required.'] });
  });

  it('reads a JSON body only when Content-Type says JSON', async () => {
    const { sim } = simulator();
    const response = await call(sim, 'POST', 'goals', {
      body: documentedBody,
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.errors)).toEqual(['account_uuids', 'name']);
  });

  it('accepts the integer forms Laravel accepts and keeps big pennies exact', async () => {
    const { sim } = simulator();
    const created = await call(sim, 'POST', 'goals', {
      body: { ...documentedBody, target_amount: '900719925474099312', priority: '2', progress: 0 },
    });
    expect(created.body).toMatchObject({
      target_amount: { amount: '900719925474099312', formatted: '£9,007,199,254,740,993.12' },
      priority: '2',
      progress: '0',
    });
  });
});

describe('listing (Laravel paginator, reference §1.1, §2.4)', () => {
  function seeded(count: number, options: PlannrSimulatorOptions = {}) {
    const { sim, clock } = simulator(options);
    const goals = generatePlannrGoals(count, { seed: 7, now: clock.now() });
    sim.seedGoals(goals);
    return { sim, clock, goals };
  }

  it('renders the data/links/meta envelope with Laravel keys', async () => {
    const { sim, goals } = seeded(7);
    const page = await call(sim, 'GET', 'goals?per_page=3&page=2');
    expect(page.body.data.map((goal: { uuid: string }) => goal.uuid)).toEqual(
      goals.slice(3, 6).map((goal) => goal.uuid),
    );
    const path = `${ORIGIN}/api/v2/goals`;
    expect(page.body.links).toEqual({
      first: `${path}?page=1`,
      last: `${path}?page=3`,
      prev: `${path}?page=1`,
      next: `${path}?page=3`,
    });
    expect(page.body.meta).toEqual({
      current_page: 2,
      from: 4,
      last_page: 3,
      links: [
        { url: `${path}?page=1`, label: '&laquo; Previous', active: false },
        { url: `${path}?page=1`, label: '1', active: false },
        { url: `${path}?page=2`, label: '2', active: true },
        { url: `${path}?page=3`, label: '3', active: false },
        { url: `${path}?page=3`, label: 'Next &raquo;', active: false },
      ],
      path,
      per_page: 3,
      to: 6,
      total: 7,
    });
  });

  it('elides page links in long listings as Laravel UrlWindow does', async () => {
    const { sim } = seeded(40);
    const labels = async (page: number) =>
      (await call(sim, 'GET', `goals?per_page=2&page=${page}`)).body.meta.links.map(
        (link: { label: string }) => link.label,
      );
    const middle = await labels(10);
    expect(middle.slice(1, -1)).toEqual([
      '1',
      '2',
      '...',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '...',
      '19',
      '20',
    ]);
    expect((await labels(1)).slice(1, -1)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '...',
      '19',
      '20',
    ]);
    expect((await labels(20)).slice(1, -1)).toEqual([
      '1',
      '2',
      '...',
      '11',
      '12',
      '13',
      '14',
      '15',
      '16',
      '17',
      '18',
      '19',
      '20',
    ]);
  });

  it('defaults to 15 per page, clamps to 500, reads a bad page as 1, and is empty past the end', async () => {
    const { sim } = seeded(520);
    expect((await call(sim, 'GET', 'goals')).body.meta).toMatchObject({ per_page: 15, last_page: 35 });
    expect((await call(sim, 'GET', 'goals?per_page=abc')).body.meta.per_page).toBe(15);
    const clamped = await call(sim, 'GET', 'goals?per_page=1000');
    expect([clamped.body.meta.per_page, clamped.body.data.length]).toEqual([500, 500]);
    expect((await call(sim, 'GET', 'goals?page=zero')).body.meta.current_page).toBe(1);
    const past = await call(sim, 'GET', 'goals?per_page=500&page=3');
    expect(past.body.data).toEqual([]);
    expect(past.body.meta).toMatchObject({ current_page: 3, from: null, to: null, total: 520, last_page: 2 });
  });

  it('sorts by any documented field, - for descending, nulls first ascending as MySQL does', async () => {
    const { sim } = seeded(30);
    const priorities = async (sort: string) =>
      (await call(sim, 'GET', `goals?per_page=30&sort=${sort}`)).body.data.map(
        (goal: { priority: string | null }) => goal.priority,
      );
    const ascending = await priorities('priority');
    const expected = [...ascending].sort((a, b) =>
      a === null ? -1 : b === null ? 1 : Number(a) - Number(b),
    );
    expect(ascending).toEqual(expected);
    expect(ascending[0]).toBeNull();
    expect(await priorities('-priority')).toEqual(
      [...expected].reverse().sort((a, b) => (a === null ? 1 : b === null ? -1 : Number(b) - Number(a))),
    );
    const created = (await call(sim, 'GET', 'goals?per_page=30&sort=-created_at')).body.data;
    expect(created[0].created_at >= created[29].created_at).toBe(true);
  });

  it('filters by uuid, owner and circle visibility (ASSUMPTIONS listQuery, circleFilterFollowsVisibility, circleFilterNeedsShownFlag)', async () => {
    const { sim } = simulator();
    const create = async (body: object) =>
      (await call(sim, 'POST', 'goals', { body: { ...documentedBody, ...body } })).body.uuid;
    const jonesAll = await create({ shown_on_circles: true, visible_to_circles_uuids: [] });
    const jonesOnly = await create({ shown_on_circles: true, visible_to_circles_uuids: [jonesFamily.uuid] });
    const flagOff = await create({ shown_on_circles: false, visible_to_circles_uuids: [] });
    const garethsInThompson = await create({
      account_uuids: [gareth.uuid],
      shown_on_circles: true,
      visible_to_circles_uuids: [thompsonFamily.uuid],
    });
    const uuids = async (query: string) =>
      (await call(sim, 'GET', `goals?${query}`)).body.data.map((goal: { uuid: string }) => goal.uuid);
    expect(await uuids(`filter[circle_uuids]=${jonesFamily.uuid}`)).toEqual([jonesAll, jonesOnly, flagOff]);
    expect(await uuids(`filter[circle_uuids]=${thompsonFamily.uuid}`)).toEqual([garethsInThompson]);
    expect(await uuids(`filter[account_uuids]=${gareth.uuid},${emily.uuid}`)).toEqual([garethsInThompson]);
    expect(await uuids(`filter[uuid]=${flagOff},${jonesOnly.toUpperCase()}`)).toEqual([jonesOnly, flagOff]);
  });

  it("finds a goal with default circle settings in every circle holding one of its owners, as Plannr's default is (reference §5)", async () => {
    const { sim } = simulator();
    const { shown_on_circles: _, visible_to_circles_uuids: __, ...defaults } = documentedBody;
    const created = await call(sim, 'POST', 'goals', { body: defaults });
    expect(created.body.shown_on_circles).toBe(PLANNR_ASSUMPTIONS.shownOnCirclesDefault);
    const listed = await call(sim, 'GET', `goals?filter[circle_uuids]=${jonesFamily.uuid}`);
    expect(listed.body.data.map((goal: { uuid: string }) => goal.uuid)).toEqual([created.body.uuid]);
    const other = await call(sim, 'GET', `goals?filter[circle_uuids]=${thompsonFamily.uuid}`);
    expect(other.body.data).toEqual([]);
  });

  it('answers 400 for a sort, filter or include that is not allowed, as spatie/laravel-query-builder does', async () => {
    const { sim } = simulator();
    expect((await call(sim, 'GET', 'goals?sort=name')).body).toEqual({
      message:
        'Requested sort(s) `name` is not allowed. Allowed sort(s) are `created_at, updated_at, progress, complete_goal_by, priority`.',
    });
    expect((await call(sim, 'GET', 'goals?filter[name]=x')).body).toEqual({
      message:
        'Requested filter(s) `name` are not allowed. Allowed filter(s) are `uuid, account_uuids, circle_uuids`.',
    });
    const include = await call(sim, 'GET', 'goals?include=owners');
    expect([include.status, include.body.message]).toEqual([
      400,
      'Requested include(s) `owners` are not allowed. Allowed include(s) are `accounts, visible_to_circles, shared_owner`.',
    ]);
  });

  it('pages through 100 000 seeded goals in created_at order', async () => {
    const { sim } = seeded(100_000);
    expect(sim.goalCount).toBe(100_000);
    const last = await call(sim, 'GET', 'goals?per_page=500&page=200');
    expect(last.body.meta).toMatchObject({ from: 99_501, to: 100_000, last_page: 200 });
    const created = last.body.data.map((goal: { created_at: string }) => Date.parse(goal.created_at));
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });
});

describe('rate limit (500 per minute per user [S16], headers ASSUMPTION rateLimitHeaders)', () => {
  it('counts each user, sends X-RateLimit-* on every answer, and refuses with 429 and Retry-After', async () => {
    const { sim, clock } = simulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    const remaining: string[] = [];
    for (let n = 0; n < 3; n++) {
      const response = await call(sim, 'GET', 'goals');
      expect(response.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(response.headers.get('x-ratelimit-remaining') as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    clock.advance(20_000);
    const refused = await call(sim, 'GET', 'goals/6ff8f7f6-1eb3-3525-be4a-3932c805afed');
    expect([refused.status, refused.body]).toEqual([429, { message: 'Too Many Attempts.' }]);
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(refused.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil((clock.now() + 40_000) / 1000)));
    sim.addUser({ accessToken: 'other', accountUuid: PLANNR_SANDBOX.accountUuid });
    expect((await call(sim, 'GET', 'goals', { headers: { authorization: 'Bearer other' } })).status).toBe(
      200,
    );
    clock.advance(40_000);
    expect((await call(sim, 'GET', 'goals')).status).toBe(200);
  });

  it('applies the limit to error answers after authentication, and can be changed or turned off', async () => {
    const { sim } = simulator({ rateLimit: { limit: 1, windowMs: 1_000 } });
    const notFound = await call(sim, 'GET', 'goals/6ff8f7f6-1eb3-3525-be4a-3932c805afed');
    expect([notFound.status, notFound.headers.get('x-ratelimit-remaining')]).toEqual([404, '0']);
    sim.setRateLimit(false);
    for (let n = 0; n < 5; n++)
      expect((await call(sim, 'GET', 'goals')).headers.has('x-ratelimit-limit')).toBe(false);
  });
});

describe('faults and transports', () => {
  it('injects Laravel-shaped 500 and 429 answers before acting', async () => {
    const { sim } = simulator();
    sim.faults.schedule({ kind: 'server-error', match: (request) => request.method === 'POST' });
    const failed = await call(sim, 'POST', 'goals', { body: documentedBody });
    expect([failed.status, failed.body]).toEqual([500, { message: 'Server Error' }]);
    expect(sim.goalCount).toBe(0);
    sim.faults.schedule({ kind: 'rate-limit' });
    const limited = await call(sim, 'GET', 'goals');
    expect([
      limited.status,
      limited.headers.get('retry-after'),
      limited.headers.get('x-ratelimit-remaining'),
    ]).toEqual([429, '1', '0']);
  });

  it('puts the current X-RateLimit-Limit/Remaining on injected 500s and 429s, uncounted [S16] (reference §2.5, §2.6)', async () => {
    const { sim, clock } = simulator({ rateLimit: { limit: 5, windowMs: 60_000 } });
    const names = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after', 'x-ratelimit-reset'];
    const headers = async (kind?: FaultKind, options: Call = {}) => {
      if (kind) sim.faults.schedule({ kind });
      const response = await call(sim, 'GET', 'goals', options);
      return [response.status, ...names.map((name) => response.headers.get(name))];
    };
    expect(await headers()).toEqual([200, '5', '4', null, null]);
    expect(await headers('server-error')).toEqual([500, '5', '4', null, null]);
    const reset = String(Math.ceil(clock.now() / 1000) + 1);
    expect(await headers('rate-limit')).toEqual([429, '5', '0', '1', reset]);
    expect(await headers('rate-limit-no-retry-after')).toEqual([429, '5', '0', null, null]);
    // The gateway's HTML page comes from in front of Laravel: no throttle headers.
    sim.faults.schedule({ kind: 'html-error' });
    const gateway = await sim.handle(
      new Request(`${ORIGIN}/api/v2/goals`, {
        headers: {
          authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
          'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
        },
      }),
    );
    expect([gateway.status, ...names.map((name) => gateway.headers.get(name))]).toEqual([
      502,
      null,
      null,
      null,
      null,
    ]);
    expect(await headers()).toEqual([200, '5', '3', null, null]);
    // Laravel answers a bad token before its throttle, and a 500 there has no throttle headers either.
    expect(await headers('server-error', { headers: { authorization: 'Bearer wrong' } })).toEqual([
      500,
      null,
      null,
      null,
      null,
    ]);
  });

  it('serves msw handlers for the real origin', async () => {
    const { sim } = simulator();
    const server = setupServer(...toMswHandlers(sim));
    server.listen({ onUnhandledFrame: 'error' });
    try {
      const response = await fetch(`${ORIGIN}/api/v2/goals`, {
        headers: {
          authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
          accept: 'application/json',
          'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
        },
      });
      expect(response.status).toBe(200);
      expect((await response.json()).meta.total).toBe(0);
    } finally {
      server.close();
    }
  });

  it('serves a real localhost port, with links on that origin', async () => {
    const { sim } = simulator();
    const server = await sim.listen();
    try {
      const response = await fetch(`${server.url}/api/v2/goals`, {
        headers: {
          authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
          'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
        },
      });
      expect((await response.json()).links.first).toBe(`${server.url}/api/v2/goals?page=1`);
    } finally {
      await server.close();
    }
  });
});

describe('rendering helpers', () => {
  it('renders London time with the offset of the day, switching on the last Sundays of March and October', () => {
    expect(formatPlannrDateTime(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe('2026-03-29T00:59:59+00:00');
    expect(formatPlannrDateTime(Date.UTC(2026, 2, 29, 1, 0))).toBe('2026-03-29T02:00:00+01:00');
    expect(formatPlannrDateTime(Date.UTC(2026, 9, 25, 0, 59))).toBe('2026-10-25T01:59:00+01:00');
    expect(formatPlannrDateTime(Date.UTC(2026, 9, 25, 1, 0))).toBe('2026-10-25T01:00:00+00:00');
    expect(formatPlannrMidnight('2026-03-29')).toBe('2026-03-29T00:00:00+00:00');
    expect(formatPlannrMidnight('2026-03-30')).toBe('2026-03-30T00:00:00+01:00');
    expect(formatPlannrMidnight('2026-10-25')).toBe('2026-10-25T00:00:00+01:00');
    expect(formatPlannrMidnight('2026-10-26')).toBe('2026-10-26T00:00:00+00:00');
  });

  it('formats pennies as UK money (ASSUMPTION moneyFormatLocale)', () => {
    expect(formatMoney('500000', 'GBP')).toBe('£5,000.00');
    expect(formatMoney('4000', 'GBP')).toBe('£40.00');
    expect(formatMoney('5', 'GBP')).toBe('£0.05');
    expect(formatMoney('0', 'GBP')).toBe('£0.00');
    // As Intl (and PHP's intl, which Laravel's money formatters use) writes a code: a no-break space after it.
    expect(formatMoney('1234', 'KWD')).toBe('KWD\u00a01.234');
  });
});

describe('seeded data', () => {
  it('generates the same varied, valid goals for the same seed', async () => {
    const goals = generatePlannrGoals(300, { seed: 3, now: Date.UTC(2026, 0, 1) });
    expect(generatePlannrGoals(300, { seed: 3, now: Date.UTC(2026, 0, 1) })).toEqual(goals);
    expect(generatePlannrGoals(300, { seed: 4, now: Date.UTC(2026, 0, 1) })).not.toEqual(goals);
    expect(new Set(goals.map((goal) => goal.name)).size).toBeGreaterThan(20);
    expect(goals.some((goal) => goal.targetAmount === null)).toBe(true);
    expect(goals.some((goal) => goal.accountUuids.length === 2)).toBe(true);
    // Edited after they were created, but never in the future (a bookmark past now would hide later edits).
    const at = (time: string | number | undefined) =>
      typeof time === 'number' ? time : Date.parse(String(time));
    const times = goals.map((goal) => ({ created: at(goal.createdAt), updated: at(goal.updatedAt) }));
    expect(times.every(({ created, updated }) => created <= updated && updated <= Date.UTC(2026, 0, 1))).toBe(
      true,
    );
    expect(times.some(({ created, updated }) => updated > created)).toBe(true);
    // Every generated goal passes the simulator's own validation.
    const { sim } = simulator();
    for (const goal of goals.slice(0, 50)) {
      const { uuid: _, createdAt: __, updatedAt: ___, ...fields } = goal;
      const body = {
        account_uuids: fields.accountUuids,
        name: fields.name,
        description: fields.description,
        target_amount: fields.targetAmount,
        progress: fields.progress,
        timeframe: fields.timeframe,
        complete_goal_by: fields.completeGoalBy,
        priority: fields.priority,
        shown_on_circles: fields.shownOnCircles,
        visible_to_circles_uuids: fields.visibleToCirclesUuids,
      };
      expect((await call(sim, 'POST', 'goals', { body })).status).toBe(201);
    }
  });

  it('adds client accounts for larger owner maps, which then own goals', async () => {
    const { sim } = simulator();
    const accounts = generatePlannrClientAccounts(50, 9);
    expect(new Set(accounts.map((account) => account.uuid)).size).toBe(50);
    sim.addClientAccounts(accounts);
    expect(sim.clientAccounts()).toHaveLength(PLANNR_SANDBOX.clientAccounts.length + 50);
    const created = await call(sim, 'POST', 'goals', {
      body: { ...documentedBody, account_uuids: [accounts[49]?.uuid] },
    });
    expect(created.body.shared_owner.email).toBe(accounts[49]?.email);
    expect(() => sim.seedGoals([{ name: 'x', accountUuids: [PLANNR_SANDBOX.accountUuid] }])).toThrow(
      /not a client/,
    );
  });
});

describe('goal UUIDs', () => {
  it('never gives a created goal the UUID of a goal seeded from a generator on the same seed', async () => {
    const seeded = generatePlannrGoals(200, { seed: 1 });
    const { sim } = simulator({ seed: 1, goals: seeded });
    for (let n = 0; n < 200; n++) {
      const created = await call(sim, 'POST', 'goals', { body: { ...documentedBody, name: `Goal ${n}` } });
      expect(created.status).toBe(PLANNR_ASSUMPTIONS.createStatus);
    }
    const listed = await call(sim, 'GET', 'goals?per_page=500');
    const uuids = listed.body.data.map((goal: { uuid: string }) => goal.uuid);
    expect([listed.body.meta.total, uuids.length, new Set(uuids).size]).toEqual([400, 400, 400]);
  });

  it('never gives a created goal the UUID of a deleted one: an old reference would find another goal', async () => {
    const seeded = generatePlannrGoals(200, { seed: 1 });
    const { sim } = simulator({ seed: 1, goals: seeded });
    const deleted = new Set<string>();
    for (const { uuid } of (await call(sim, 'GET', 'goals?per_page=500')).body.data as { uuid: string }[]) {
      expect((await call(sim, 'DELETE', `goals/${uuid}`)).status).toBeLessThan(300);
      deleted.add(uuid);
    }
    const reused: string[] = [];
    for (let n = 0; n < 200; n++) {
      const created = await call(sim, 'POST', 'goals', { body: { ...documentedBody, name: `Goal ${n}` } });
      if (deleted.has(created.body.uuid)) reused.push(created.body.uuid);
    }
    expect([deleted.size, reused]).toEqual([200, []]);
  });

  it('refuses to seed a goal under a UUID in use', () => {
    const [first] = generatePlannrGoals(1, { seed: 7 });
    const { sim } = simulator({ goals: [first as PlannrGoalSeed] });
    expect(() => sim.seedGoals([first as PlannrGoalSeed])).toThrow(/exists already/);
  });
});
