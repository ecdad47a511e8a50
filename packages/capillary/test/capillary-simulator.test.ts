import { toMswHandlers } from '@goalbridge/core/msw';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../src/capillary-auth.ts';
import { createCapillaryAdapter } from '../src/index.ts';
import { PERIOD_CHANGE_REFUSED } from '../src/testing/capillary-simulator-faults.ts';
import {
  CAPILLARY_SANDBOX,
  type CapillarySimulatorOptions,
  createCapillarySimulator,
  generateCapillaryTargetGroups,
} from '../src/testing/index.ts';
import { callApi, NOW, SANDBOX_BASIC } from './capillary-test-kit.ts';

const HOST = `${CAPILLARY_SANDBOX.origin}/v3`;

function simulator(options: CapillarySimulatorOptions = {}) {
  const sim = createCapillarySimulator({ rateLimit: false, now: () => NOW, ...options });
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    callApi(sim, method, path, body, headers);
  return { sim, call };
}

const group = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  trackingType: 'DEFAULT',
  targetEvaluationType: 'FIXED_CALENDAR_WINDOW',
  frequencyType: 'MONTHLY',
  frequency: 1,
  recurringCycles: 3,
  totalPeriods: 3,
  periods: [
    {
      startDate: '2026-01-01T00:00:00.000',
      endDate: '2026-01-31T23:59:59.999',
      refCode: 'Cycle_1',
      description: '',
      active: true,
    },
    {
      startDate: '2026-02-01T00:00:00.000',
      endDate: '2026-02-28T23:59:59.999',
      refCode: 'Cycle_2',
      description: '',
      active: true,
    },
    {
      startDate: '2026-03-01T00:00:00.000',
      endDate: '2026-03-31T23:59:59.999',
      refCode: 'Cycle_3',
      description: '',
      active: true,
    },
  ],
  targets: [
    {
      name,
      targetEntity: 'TRANSACTION',
      targetType: 'SALES',
      defaultValues: [{ defaultValue: '1.00' }, { defaultValue: 2 }, { defaultValue: 3.5 }],
    },
  ],
  ...extra,
});

describe('auth (reference §1.2)', () => {
  it('answers 401 in the envelope without credentials or with a wrong password', async () => {
    const { call } = simulator();
    expect(await call('GET', '/targetGroups', undefined, {})).toMatchObject({
      status: 401,
      body: { data: null, errors: [{ code: 401 }] },
    });
    const wrong = basicAuthorization(CAPILLARY_SANDBOX.basic.username, 'nope');
    expect((await call('GET', '/targetGroups', undefined, { authorization: wrong })).status).toBe(401);
  });

  it('issues tokens for key and secret, answers {accessToken, ttlSeconds}, and 498 once they expire', async () => {
    const { sim, call } = simulator({ tokenTtlSeconds: 60 });
    const bad = await call(
      'POST',
      '/oauth/token/generate',
      { key: CAPILLARY_SANDBOX.oauth.key, secret: 'x' },
      {},
    );
    expect(bad).toMatchObject({
      status: 401,
      body: { errors: [{ message: 'Failed to generate OAuth token' }] },
    });
    const { body } = await call(
      'POST',
      '/oauth/token/generate',
      { key: CAPILLARY_SANDBOX.oauth.key, secret: CAPILLARY_SANDBOX.oauth.secret },
      {},
    );
    expect(body).toEqual({
      data: { accessToken: expect.stringMatching(/^eyJ/), ttlSeconds: 60 },
      errors: null,
    });
    const token = { 'X-CAP-API-OAUTH-TOKEN': body.data.accessToken };
    expect((await call('GET', '/targetGroups', undefined, token)).status).toBe(200);
    sim.clock.advance(60_000);
    expect(await call('GET', '/targetGroups', undefined, token)).toMatchObject({
      status: 498,
      body: { errors: [{ code: 498 }] },
    });
  });
});

describe('target groups', () => {
  it('creates with 201, derives cycle dates and statuses from the clock, and answers dates date-only (reference §4.1)', async () => {
    const { sim, call } = simulator();
    const created = await call('POST', '/targetGroups', group('Derived'));
    expect(created.status).toBe(201);
    const data = created.body.data;
    expect(data).not.toHaveProperty('attribution');
    expect(data).not.toHaveProperty('createdOn');
    expect(
      data.periods.map((period: Record<string, string>) => [
        period.startDate,
        period.endDate,
        period.periodStatus,
      ]),
    ).toEqual([
      ['2026-01-01', '2026-01-31', 'ENDED'],
      ['2026-02-01', '2026-02-28', 'RUNNING'],
      ['2026-03-01', '2026-03-31', 'NOT_STARTED'],
    ]);
    expect(data).toMatchObject({
      targetCycleStartDate: '2026-01-01T00:00:00.000Z',
      targetCycleEndDate: '2026-03-31T23:59:59.000Z',
      fromDate: '2026-01-01',
      toDate: '2026-03-31',
    });
    expect(data.activePeriod.refCode).toBe('Cycle_2');
    expect(data.targets[0]).toMatchObject({
      eventName: 'TransactionAdd',
      enrolmentMethod: 'IMPORT',
      defaultValues: [{ defaultValue: 1 }, { defaultValue: 2 }, { defaultValue: 3.5 }],
    });
    expect(Object.keys(data.targets[0].targetPeriodDefaultValuesMap)).toEqual(
      data.periods.map((period: { id: number }) => String(period.id)),
    );
    sim.clock.set(Date.parse('2026-04-02T00:00:00Z'));
    const read = await call('GET', `/targetGroups/${data.id}?includePeriods=true`);
    expect(read.body.data.periods.map((period: { periodStatus: string }) => period.periodStatus)).toEqual([
      'ENDED',
      'ENDED',
      'ENDED',
    ]);
    expect(read.body.data).not.toHaveProperty('activePeriod');
    expect(read.body.data.createdOn).toBe(NOW);
    expect(read.body.data.attribution.createdOn).toBe('2026-02-15T09:00:00.000+0000');
  });

  it('writes attribution timestamps in the cluster offset and reads offset datetimes as cluster dates', async () => {
    const { call } = simulator({ utcOffset: '+0530' });
    const request = group('India');
    request.periods[0] = {
      ...request.periods[0],
      startDate: '2025-12-31T20:00:00.000Z',
      endDate: '2026-01-31T18:00:00Z',
    } as never;
    const { body } = await call('POST', '/targetGroups', request);
    expect(body.data.periods[0]).toMatchObject({ startDate: '2026-01-01', endDate: '2026-01-31' });
    expect(body.data.periods[0].attribution.createdOn).toBe('2026-02-15T14:30:00.000+0530');
  });

  it.each([
    ['a duplicate name, whatever its case', group('UNIQUE'), 400, 310069],
    [
      'an invalid KPI pair',
      group('Pair', { targets: [{ name: 'Pair', targetEntity: 'LINEITEM', targetType: 'VISIT' }] }),
      400,
      310033,
    ],
    [
      'an extended field without its info',
      group('Ext', { targets: [{ name: 'Ext', targetEntity: 'LINEITEM', targetType: 'EXTENDED_FIELD' }] }),
      400,
      310094,
    ],
    [
      'a target name over 200 characters',
      group('Long', {
        targets: [{ name: 'n'.repeat(201), targetEntity: 'TRANSACTION', targetType: 'COUNT' }],
      }),
      400,
      310008,
    ],
    ['a leaderboard without the org feature', group('Board', { leaderboardEnabled: true }), 400, 310133],
    [
      'fewer default values than periods',
      group('Few', {
        targets: [
          {
            name: 'Few',
            targetEntity: 'TRANSACTION',
            targetType: 'COUNT',
            defaultValues: [{ defaultValue: 1 }],
          },
        ],
      }),
      400,
      300004,
    ],
    [
      'a default value for an unknown period',
      group('Unknown', {
        targets: [
          {
            name: 'Unknown',
            targetEntity: 'TRANSACTION',
            targetType: 'COUNT',
            defaultValues: [{ periodId: 1, defaultValue: 1 }],
          },
        ],
      }),
      400,
      310019,
    ],
    [
      'overlapping periods',
      group('Overlap', {
        periods: [
          { startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'a' },
          { startDate: '2026-01-31', endDate: '2026-02-28', refCode: 'b' },
        ],
        targets: [],
      }),
      400,
      300004,
    ],
    ['an unknown tracking type', group('Tracking', { trackingType: 'SPRINT' }), 400, 300004],
    ['streak tracking without streaks', group('Streaks', { trackingType: 'STREAKS' }), 400, 300004],
  ])('refuses %s', async (_name, body, status, code) => {
    const { call } = simulator();
    await call('POST', '/targetGroups', group('unique'));
    expect(await call('POST', '/targetGroups', body)).toMatchObject({
      status,
      body: { data: null, errors: [{ code }], warnings: null },
    });
  });

  it('accepts STREAK for STREAKS and answers the payload spelling (reference §10.6)', async () => {
    const { call } = simulator();
    const { body } = await call(
      'POST',
      '/targetGroups',
      group('Streak', { trackingType: 'STREAK', streaks: [{ name: 'x2', targetCountOfSequence: 2 }] }),
    );
    expect(body.data.trackingType).toBe('STREAKS');
    expect(body.data.streaks).toEqual([
      expect.objectContaining({ name: 'x2', targetCountOfSequence: 2, targetGroupId: body.data.id }),
    ]);
  });

  it('edits name, description and expressions only; the rest of the body is ignored (seed 004)', async () => {
    const { call } = simulator();
    const { body } = await call('POST', '/targetGroups', group('Editable'));
    const id = body.data.id;
    const edited = await call('PUT', `/targetGroups/editTargetGroup/${id}`, {
      ...body.data,
      name: 'Edited',
      description: 'described',
      fromDate: '2020-01-01',
      periods: [],
      targets: [{ id: body.data.targets[0].id, expression: 'currentTxn.value>5', targetType: 'COUNT' }],
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({
      name: 'Edited',
      description: 'described',
      fromDate: '2026-01-01',
    });
    expect(edited.body.data.periods).toHaveLength(3);
    expect(edited.body.data.targets[0]).toMatchObject({
      expression: 'currentTxn.value>5',
      targetType: 'SALES',
    });
  });

  it('deactivates on DELETE: data true, then read as inactive, 310017 again and with includeOnlyActive (reference §4.5)', async () => {
    const { call } = simulator();
    const id = (await call('POST', '/targetGroups', group('Soft'))).body.data.id;
    expect((await call('DELETE', `/targetGroups/${id}`)).body).toEqual({
      data: true,
      errors: null,
      warnings: null,
    });
    expect((await call('GET', `/targetGroups/${id}`)).body.data.active).toBe(false);
    expect(await call('DELETE', `/targetGroups/${id}`)).toMatchObject({
      status: 200,
      body: { errors: [{ code: 310017 }] },
    });
    expect((await call('GET', `/targetGroups/${id}?includeOnlyActive=true`)).body.errors[0].code).toBe(
      310017,
    );
  });

  it('answers not-found with the configured status (200 by default, [KV])', async () => {
    expect((await simulator().call('GET', '/targetGroups/9')).status).toBe(200);
    expect((await simulator({ notFoundStatus: 404 }).call('GET', '/targetGroups/9')).status).toBe(404);
  });

  it('applies the period rules: RUNNING moves its end only, ENDED is fixed (reference §4.8)', async () => {
    const { call } = simulator();
    const { body } = await call('POST', '/targetGroups', group('Periods'));
    const [ended, running, upcoming] = body.data.periods as { id: number; refCode: string }[];
    const put = (period: { id: number; refCode: string } | undefined, startDate: string, endDate: string) =>
      call('PUT', `/targetGroups/${body.data.id}/targetPeriods`, [
        { id: period?.id, startDate, endDate, refCode: period?.refCode, description: '' },
      ]);
    expect((await put(ended, '2026-01-01', '2026-01-30')).body.errors[0].code).toBe(300004);
    expect((await put(running, '2026-02-02', '2026-02-28')).body.errors[0].code).toBe(300004);
    expect((await put(running, '2026-02-01', '2026-02-20')).body.data[0]).toMatchObject({
      endDate: '2026-02-20',
      periodStatus: 'RUNNING',
    });
    expect((await put(upcoming, '2026-03-05', '2026-03-31')).body.data[0]).toMatchObject({
      startDate: '2026-03-05',
    });
    const added = await call('POST', `/targetGroups/${body.data.id}/targetPeriods`, [
      { startDate: '2026-04-01', endDate: '2026-04-30', refCode: 'Cycle_4', description: '' },
    ]);
    expect(added.body.data.map((period: { refCode: string }) => period.refCode)).toEqual([
      'Cycle_1',
      'Cycle_2',
      'Cycle_3',
      'Cycle_4',
    ]);
    const targets = await call('GET', `/targetGroups/${body.data.id}/targets`);
    expect(targets.body.data[0].defaultValues).toHaveLength(3);
  });

  describe('PUT targetPeriods: an ENDED period changes nothing, a RUNNING one its end date only (reference §4.8)', () => {
    /** The group's periods as a PUT body item sends them, with `change` applied to number `index`. */
    async function putPeriod(
      index: number,
      change: Record<string, unknown>,
      created: object = group('Rules'),
    ) {
      const { call } = simulator();
      const { body } = await call('POST', '/targetGroups', created);
      const {
        periodStatus: _status,
        targetGroupId: _group,
        attribution: _by,
        ...period
      } = body.data.periods[index];
      const path = `/targetGroups/${body.data.id}/targetPeriods`;
      const answer = await call('PUT', path, [{ ...period, ...change }]);
      return { answer, before: body.data.periods, after: (await call('GET', path)).body.data };
    }

    it.each([
      ['ENDED', { refCode: 'January' }, 0],
      ['ENDED', { description: 'Sale month' }, 0],
      ['ENDED', { active: false }, 0],
      ['RUNNING', { refCode: 'February' }, 1],
      ['RUNNING', { description: 'Sale month', endDate: '2026-02-20T23:59:59.999' }, 1],
      ['RUNNING', { active: false }, 1],
    ])('refuses a change to a %s period: %o', async (status, change, index) => {
      const { answer, before, after } = await putPeriod(index, change);
      expect(before[index].periodStatus).toBe(status);
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ code: PERIOD_CHANGE_REFUSED, message: expect.any(String) }]);
      expect(after).toEqual(before);
    });

    it('takes a period sent as it is, and a missing description as "" (the PUT requires one)', async () => {
      const created = group('Undescribed');
      const periods = created.periods.map(({ description: _d, active: _a, ...period }) => period);
      const undescribed = { ...created, periods };
      expect((await putPeriod(0, { description: '' }, undescribed)).answer.status).toBe(200);
      const moved = await putPeriod(1, { description: '', endDate: '2026-02-20T23:59:59.999' }, undescribed);
      expect(moved.answer.body.data[0]).toMatchObject({ endDate: '2026-02-20', periodStatus: 'RUNNING' });
    });
  });

  it('pages /v3/milestones by page index with {limit, offset, total} and empty error arrays (reference §1.6, §4.7)', async () => {
    const { sim, call } = simulator();
    sim.seedGroups(generateCapillaryTargetGroups({ count: 7, seed: 3 }));
    const page = await call('GET', '/milestones?limit=3&offset=2&require-periods=true');
    expect(page.body).toMatchObject({
      pagination: { limit: 3, offset: 2, total: 7 },
      errors: [],
      warnings: [],
    });
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0].periods.length).toBeGreaterThan(0);
    const stopped = await call('GET', '/milestones?status=STOPPED&limit=50');
    expect(stopped.body.data.every((item: { active: boolean }) => !item.active)).toBe(true);
    expect((await call('GET', '/milestones?limit=0')).body.errors[0].code).toBe(300004);
  });

  it('checks name validity case-insensitively and refuses unknown name types with 310145', async () => {
    const { call } = simulator();
    await call('POST', '/targetGroups', group('Taken'));
    expect(
      (await call('POST', '/targetGroups/isValidName', { type: 'targetGroupName', value: 'TAKEN' })).body
        .data,
    ).toBe(false);
    expect(
      (await call('POST', '/targetGroups/isValidName', { type: 'targetGroupName', value: 'free' })).body.data,
    ).toBe(true);
    expect(await call('POST', '/targetGroups/isValidName', { type: 'colour', value: 'x' })).toMatchObject({
      status: 400,
      body: { errors: [{ code: 310145 }] },
    });
  });

  it('answers unknown paths with 404, wrong methods with 405, bad JSON with 300004', async () => {
    const { call, sim } = simulator();
    expect((await call('GET', '/nothing')).status).toBe(404);
    expect((await call('PATCH', '/targetGroups')).status).toBe(405);
    const response = await sim.fetch(`${HOST}/targetGroups`, {
      method: 'POST',
      headers: { authorization: SANDBOX_BASIC },
      body: '{oops',
    });
    expect(((await response.json()) as { errors: { code: number }[] }).errors[0]?.code).toBe(300004);
  });
});

describe('enrolment and progress (reference §4.10, §4.11)', () => {
  it('enrols once (310119 after), unenrols with 500/310126 when not enrolled, knows its customers (310011)', async () => {
    const { call } = simulator();
    const { body } = await call('POST', '/targetGroups', group('Enrol'));
    const path = `/targetGroups/${body.data.id}/targets/${body.data.targets[0].id}`;
    const record = [{ customerId: 564332001, periodName: 'Cycle_2', initialBalance: 100 }];
    expect((await call('POST', `${path}/enroll`, record)).body).toEqual({
      data: 564332001,
      errors: null,
      warnings: null,
    });
    expect((await call('POST', `${path}/enroll`, record)).body.errors[0].code).toBe(310119);
    expect(
      (await call('POST', `${path}/enroll`, [{ customerId: 1, periodName: 'Cycle_2' }])).body.errors[0].code,
    ).toBe(310011);
    expect((await call('POST', `${path}/unEnroll`, [{ customerId: 564332001 }])).status).toBe(200);
    expect(await call('POST', `${path}/unEnroll`, [{ customerId: 564332001 }])).toMatchObject({
      status: 500,
      body: { errors: [{ code: 310126 }] },
    });
  });

  it('answers one row per target and period from the enrolment on; only the current one without includeInactive', async () => {
    const { sim, call } = simulator();
    const { body } = await call('POST', '/targetGroups', group('Rows'));
    const targetId = body.data.targets[0].id;
    sim.enrol({ customerId: 564332003, groupId: body.data.id, periodRef: 'Cycle_2', initialBalance: 1 });
    sim.setProgress({ customerId: 564332003, targetId, period: 'Cycle_3', achieved: 4 });
    const all = await call(
      'GET',
      `/users/564332003/targetGroups?includeInactive=true&targetRuleId=${targetId}`,
    );
    const rows = all.body.data.targetGroups[0].targets;
    expect(
      rows.map((row: Record<string, unknown>) => [
        row.periodRefCode,
        row.targetValue,
        row.targetAchievedValue,
        row.currentPeriod,
      ]),
    ).toEqual([
      ['Cycle_2', 2, 1, true],
      ['Cycle_3', 3.5, 4, false],
    ]);
    expect(rows[1].targetAchievedDateTime).toBe('2026-02-15T09:00:00.000+0000');
    const current = await call('GET', '/users/564332003/targetGroups');
    expect(
      current.body.data.targetGroups[0].targets.map((row: { periodRefCode: string }) => row.periodRefCode),
    ).toEqual(['Cycle_2']);
    expect((await call('GET', '/users/42/targetGroups')).body.errors[0].code).toBe(310011);
  });
});

describe('limits, faults and transports', () => {
  it('allows 100 requests a minute per key by default, then 429 with Retry-After (reference §1.5, ASSUMPTION shape)', async () => {
    const { call } = simulator({ rateLimit: { limit: 100 } });
    for (let n = 0; n < 100; n++) expect((await call('GET', '/targetGroups')).status).toBe(200);
    const limited = await call('GET', '/targetGroups');
    expect(limited).toMatchObject({
      status: 429,
      body: { data: null, errors: [{ code: 429, message: 'Too many requests' }] },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('renders injected faults in the envelope', async () => {
    const { sim, call } = simulator();
    sim.faults.schedule({ kind: 'server-error' });
    expect(await call('GET', '/targetGroups')).toMatchObject({
      status: 500,
      body: { errors: [{ code: 500 }] },
    });
  });

  it('gives injected 429s the headers of a real one and adds no rate-limit headers, as none are documented (reference §1.5)', async () => {
    const { sim, call } = simulator({ rateLimit: { limit: 1 } });
    const names = (headers: Headers) => [...headers.keys()].sort();
    await call('GET', '/targetGroups');
    const real = await call('GET', '/targetGroups');
    sim.faults.schedule({ kind: 'rate-limit' });
    const injected = await call('GET', '/targetGroups');
    expect([real.status, injected.status]).toEqual([429, 429]);
    expect(names(injected.headers)).toEqual(names(real.headers));
    expect(names(injected.headers)).toEqual(['content-type', 'retry-after', 'x-cap-requestid']);
    sim.faults.schedule({ kind: 'rate-limit-no-retry-after' });
    expect(names((await call('GET', '/targetGroups')).headers)).toEqual(['content-type', 'x-cap-requestid']);
  });

  describe('msw', () => {
    const server = setupServer();
    afterEach(() => {
      server.close();
    });

    it('serves the default cluster host to an adapter without a custom fetch', async () => {
      const sim = createCapillarySimulator();
      server.use(...toMswHandlers(sim));
      server.listen({ onUnhandledFrame: 'error' });
      const adapter = createCapillaryAdapter({ auth: CAPILLARY_SANDBOX.oauth });
      const { goal } = await adapter.create({
        title: 'Through msw',
        measure: { kind: 'count', metric: 'TRANSACTION/VISIT' },
        target: { value: 3 },
        schedule: { start: '2026-01-05', end: '2026-01-18', recurrence: 'weekly' },
      });
      expect((await adapter.get(goal.id)).schedule.periods).toHaveLength(2);
      expect(sim.stats.requests).toBe(3);
    });
  });

  it('runs on a real localhost port', async () => {
    const sim = createCapillarySimulator();
    const running = await sim.listen();
    try {
      const adapter = createCapillaryAdapter({ auth: CAPILLARY_SANDBOX.basic, baseURL: running.url });
      const { goal } = await adapter.create({
        title: 'Over HTTP',
        measure: { kind: 'money', metric: 'TRANSACTION/SALES' },
        target: { value: '99.5' },
        schedule: { start: '2026-01-01', end: '2026-01-31' },
      });
      expect((await adapter.get(goal.id)).target).toEqual({ value: '99.5' });
    } finally {
      await running.close();
    }
  });
});

describe('sandbox data', () => {
  it('generates varied, uniquely named groups the simulator accepts, the same for the same seed', () => {
    const groups = generateCapillaryTargetGroups({ count: 300, seed: 11 });
    expect(generateCapillaryTargetGroups({ count: 300, seed: 11 })).toEqual(groups);
    expect(new Set(groups.map((item) => item.name.toLowerCase())).size).toBe(300);
    expect(new Set(groups.map((item) => item.trackingType))).toEqual(
      new Set(['DEFAULT', 'STREAKS', 'CAPPING', 'UNIFIED']),
    );
    expect(
      new Set(
        groups.flatMap((item) => item.targets.map((target) => `${target.targetEntity}/${target.targetType}`)),
      ).size,
    ).toBeGreaterThanOrEqual(7);
    const sim = createCapillarySimulator();
    expect(sim.seedGroups(groups)).toHaveLength(300);
  });

  it('lists the groups through the adapter as valid goals', async () => {
    const sim = createCapillarySimulator({ rateLimit: false });
    sim.seedGroups(generateCapillaryTargetGroups({ count: 40, seed: 5 }));
    const adapter = createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.basic,
      fetch: sim.fetch,
      rateLimits: false,
    });
    const goals = [];
    for await (const goal of adapter.list({ pageSize: 15 })) goals.push(goal);
    expect(goals).toHaveLength(40);
    expect(new Set(goals.map((goal) => goal.measure.kind))).toEqual(new Set(['count', 'money']));
  });
});
