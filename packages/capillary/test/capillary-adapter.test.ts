import {
  AuthError,
  ConfigError,
  ConflictError,
  type Goal,
  GoalbridgeError,
  type GoalPatchDraft,
  InvalidResponseError,
  NotFoundError,
  PartialWriteError,
  TransientError,
  UnsupportedError,
  ValidationError,
} from '@goalbridge/core';
import { describe, expect, it, vi } from 'vitest';
import { basicAuthorization } from '../src/capillary-auth.ts';
import { createCapillaryAdapter } from '../src/index.ts';
import { CAPILLARY_SANDBOX } from '../src/testing/index.ts';
import {
  callApi,
  type Exchange,
  kit,
  NOW,
  quarterly,
  SANDBOX_BASIC,
  seededGroup,
} from './capillary-test-kit.ts';

type Window = { start: string; end: string; ref?: string | undefined; target?: string | undefined };

/** The id of the goal's first target, which the adapter keeps in `extensions.capillary.target.id`. */
function targetIdOf(goal: { extensions: Record<string, Record<string, unknown>> }): number {
  const target = goal.extensions.capillary?.target as { id?: unknown } | undefined;
  if (typeof target?.id !== 'number') throw new Error('no target id');
  return target.id;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

async function failure(promise: Promise<unknown>): Promise<GoalbridgeError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!GoalbridgeError.isInstance(error))
    throw new Error(`expected a goalbridge error, got ${String(error)}`);
  return error;
}

describe('options', () => {
  it('refuses bad options with a ConfigError naming each, never echoing a secret', () => {
    const secret = 'hunter2-very-secret';
    const error = (() => {
      try {
        createCapillaryAdapter({
          auth: { type: 'oauth', key: 'k', secret },
          cluster: 'eu',
          baseURL: 'https://example.com',
          timeoutMs: -1,
          baseUrl: 'x',
        } as never);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('baseUrl: unknown field');
    expect(message).toContain('timeoutMs');
    expect(message).toContain('baseURL: give either cluster or baseURL');
    expect(message).not.toContain(secret);
    expect(() =>
      createCapillaryAdapter({ auth: { type: 'basic', username: 'till', password: ' ' } }),
    ).toThrow(/auth/);
  });

  it('appends /v3 to a cluster host or a baseURL (reference §1.1)', async () => {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      urls.push(new Request(input).url);
      return Response.json({ data: [], errors: null, warnings: null });
    };
    for (const options of [
      { cluster: 'apac' as const },
      { baseURL: 'http://127.0.0.1:9/' },
      { baseURL: 'https://eucrm.cc.capillarytech.com/v3' },
      {},
    ]) {
      const adapter = createCapillaryAdapter({
        auth: CAPILLARY_SANDBOX.basic,
        fetch,
        rateLimits: false,
        listEndpoint: 'targetGroups',
        ...options,
      });
      for await (const _ of adapter.list()) {
        // empty
      }
    }
    expect(urls).toEqual([
      'https://apac.api.capillarytech.com/v3/targetGroups?includePeriods=true',
      'http://127.0.0.1:9/v3/targetGroups?includePeriods=true',
      'https://eucrm.cc.capillarytech.com/v3/targetGroups?includePeriods=true',
      'https://eu.api.capillarytech.com/v3/targetGroups?includePeriods=true',
    ]);
  });

  it('refuses limits no request fits and settings that make an invalid header, at creation', () => {
    const oauth = { type: 'oauth' as const, key: 'k', secret: 's' };
    const bad: [Record<string, unknown>, string][] = [
      [{ rateLimits: [{ name: 'x', limit: 0.5, windowMs: 1000 }] }, 'rateLimits.0.limit'],
      [{ userAgent: 'ua\r\nx-evil: 1' }, 'userAgent'],
      [
        { auth: { ...oauth, attribution: { entityType: 'STORE_CODE', entityCode: 'a\nb' } } },
        'auth.attribution.entityCode',
      ],
    ];
    for (const [options, path] of bad) {
      const error = (() => {
        try {
          kit(options as never);
        } catch (caught) {
          return caught;
        }
      })();
      expect(ConfigError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([path]);
    }
  });

  it('refuses a bad list pageSize or call options before any request', async () => {
    const { adapter, log } = kit({ listEndpoint: 'milestones' });
    for (const [options, path] of [
      [{ pageSize: 0 }, 'pageSize'],
      [{ pageSize: -5 }, 'pageSize'],
      [{ pageSize: 2.5 }, 'pageSize'],
      [{ pageSize: 'abc' }, 'pageSize'],
      [{ pageSize: 1e7 }, 'pageSize'],
      [{ timeoutMs: -5 }, 'timeoutMs'],
      [{ signal: {} }, 'signal'],
    ] as const) {
      const error = await failure(collect(adapter.list(options as never)));
      expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([path]);
    }
    const error = await failure(adapter.get('1', { timeoutMs: 3e9 }));
    expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([
      'timeoutMs',
    ]);
    const badPeriod = { subject: '42', period: { start: 'nope', end: '2026-01-31' } };
    const refused = await failure(adapter.progress('1', badPeriod));
    expect(ValidationError.isInstance(refused) && refused.issues.map((issue) => issue.path)).toEqual([
      'period.start',
    ]);
    expect(log).toHaveLength(0);
  });
});

describe('authentication (reference §1.2)', () => {
  it('Basic: sends the till username and the MD5 of the password, read at each request', async () => {
    let password = CAPILLARY_SANDBOX.basic.password as string;
    const { adapter, log, simulator } = kit({
      auth: { type: 'basic', username: CAPILLARY_SANDBOX.basic.username, password: () => password },
    });
    await adapter.create(quarterly());
    expect(log[0]?.headers.get('authorization')).toBe(
      basicAuthorization(CAPILLARY_SANDBOX.basic.username, password),
    );
    simulator.addBasicUser({ username: CAPILLARY_SANDBOX.basic.username, password: 'rotated-password' });
    password = 'rotated-password';
    await adapter.get(String(simulator.targetGroups()[0]?.id));
    expect(log.at(-1)?.headers.get('authorization')).toBe(
      basicAuthorization(CAPILLARY_SANDBOX.basic.username, 'rotated-password'),
    );
  });

  it('Basic: a refused password is an AuthError after one request, without the password in it', async () => {
    const { adapter, log } = kit({
      auth: { type: 'basic', username: CAPILLARY_SANDBOX.basic.username, password: 'wrong-password' },
    });
    const error = await failure(adapter.get('2301'));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(log).toHaveLength(1);
    expect(JSON.stringify(error.toJSON())).not.toMatch(/wrong-password/);
  });

  it('OAuth: one token for many requests, sent as X-CAP-API-OAUTH-TOKEN without Authorization', async () => {
    const { adapter, log, count } = kit({ auth: CAPILLARY_SANDBOX.oauth });
    const { goal } = await adapter.create(quarterly());
    await Promise.all([adapter.get(goal.id), adapter.get(goal.id), adapter.get(goal.id)]);
    expect(count('POST', /oauth\/token\/generate/)).toBe(1);
    const calls = log.filter((exchange) => !exchange.path.includes('oauth'));
    expect(calls.every((exchange) => /^eyJ/.test(exchange.headers.get('x-cap-api-oauth-token') ?? ''))).toBe(
      true,
    );
    expect(calls.some((exchange) => exchange.headers.has('authorization'))).toBe(false);
  });

  it.each([
    ['ttlSeconds (documented; 300 s in the simulator)', { ttlSeconds: 300 }],
    ['expiresIn and tokenType (newer clients)', { expiresIn: 300, tokenType: 'Bearer' }],
  ])('OAuth: reads the token lifetime from %s and renews before it runs out', async (_name, lifetime) => {
    const tokenAnswer = (exchange: Exchange, body: unknown) => {
      if (!exchange.path.endsWith('/oauth/token/generate')) return body;
      const { accessToken } = (body as { data: { accessToken: string } }).data;
      return { data: { accessToken, ...lifetime }, errors: null };
    };
    const { adapter, count, advance } = kit({ auth: CAPILLARY_SANDBOX.oauth, rewrite: tokenAnswer });
    const { goal } = await adapter.create(quarterly());
    advance(269_000);
    await adapter.get(goal.id);
    expect(count('POST', /oauth/)).toBe(1);
    advance(2_000);
    await adapter.get(goal.id);
    expect(count('POST', /oauth/)).toBe(2);
  });

  it('OAuth: a token answer without a lifetime is an InvalidResponseError', async () => {
    const noLifetime = (exchange: Exchange, body: unknown) =>
      exchange.path.endsWith('/oauth/token/generate')
        ? { data: { accessToken: 'eyJabc', tokenType: 'Bearer' }, errors: null }
        : body;
    const { adapter, writes } = kit({ auth: CAPILLARY_SANDBOX.oauth, rewrite: noLifetime });
    const error = await failure(adapter.get('2301'));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/ttlSeconds/);
    // A create that never went out is not one whose outcome is unknown.
    const refused = await failure(adapter.create(quarterly()));
    expect([InvalidResponseError.isInstance(refused), refused.outcomeUnknown]).toEqual([true, false]);
    expect(writes().filter((write) => !write.includes('oauth'))).toEqual([]);
  });

  it.each([498, 401] as const)(
    'OAuth: renews once and repeats the request when the server answers %i for an expired token',
    async (status) => {
      const { adapter, simulator, count, log } = kit({
        auth: CAPILLARY_SANDBOX.oauth,
        simulator: { expiredTokenStatus: status },
      });
      const { goal } = await adapter.create(quarterly());
      simulator.expireTokens();
      await expect(adapter.update(goal.id, { title: 'Renamed' })).resolves.toMatchObject({
        goal: { title: 'Renamed' },
      });
      expect(count('POST', /oauth/)).toBe(2);
      expect(log.filter((exchange) => exchange.status === status)).toHaveLength(1);
    },
  );

  it('OAuth: a refused key and secret is an AuthError, tried twice at most, without the secret', async () => {
    const { adapter, count } = kit({
      auth: { type: 'oauth', key: 'goalbridge-sandbox-key', secret: 'not-the-secret' },
    });
    const error = await failure(adapter.get('2301'));
    expect(AuthError.isInstance(error)).toBe(true);
    expect(error.message).toContain('Failed to generate OAuth token');
    expect(error.message).not.toContain('not-the-secret');
    expect(count('POST', /oauth/)).toBe(2);
  });

  it('OAuth: sends the attribution headers when configured', async () => {
    const { adapter, log } = kit({
      auth: { ...CAPILLARY_SANDBOX.oauth, attribution: { entityType: 'STORE_CODE', entityCode: 'store-7' } },
    });
    await adapter.create(quarterly());
    expect(log.at(-1)?.headers.get('x-cap-api-attribution-entity-type')).toBe('STORE_CODE');
    expect(log.at(-1)?.headers.get('x-cap-api-attribution-entity-code')).toBe('store-7');
  });
});

describe('errors: the {data, errors, warnings} envelope (reference §1.3, §1.4, §6)', () => {
  it('a 200 with errors is a failure: 310017 is a NotFoundError carrying the request id', async () => {
    const { adapter, log } = kit();
    const error = await failure(adapter.get('424242'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(log[0]?.status).toBe(200);
    expect(error.message).toContain('310017');
    expect(error.requestId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('310069 (duplicate name, case-insensitive) is a ConflictError; 310133 a ValidationError naming the field', async () => {
    const { adapter } = kit();
    await adapter.create(quarterly('Summer spend'));
    expect(ConflictError.isInstance(await failure(adapter.create(quarterly('SUMMER SPEND'))))).toBe(true);
    const refused = await failure(
      adapter.create(quarterly('Leaderboard', { extensions: { capillary: { leaderboardEnabled: true } } })),
    );
    expect(ValidationError.isInstance(refused)).toBe(true);
    expect((refused as ValidationError).issues).toEqual([
      {
        path: 'extensions.capillary.leaderboardEnabled',
        message: 'capillary error 310133 (HTTP 400): Leaderboard is not enabled for the org',
      },
    ]);
    expect(refused.status).toBe(400);
  });

  it('retries reads on 5xx and non-JSON gateway pages, not writes; malformed answers are InvalidResponseError', async () => {
    const { adapter, simulator, count } = kit();
    const { goal } = await adapter.create(quarterly());
    simulator.faults.schedule({
      kind: 'server-error',
      times: 1,
      match: (request) => request.method === 'GET',
    });
    simulator.faults.schedule({ kind: 'html-error', times: 1, match: (request) => request.method === 'GET' });
    await expect(adapter.get(goal.id)).resolves.toMatchObject({ id: goal.id });
    expect(count('GET', /targetGroups\/\d+$/)).toBe(3);

    const broken = kit({
      rewrite: (exchange, body) =>
        exchange.method === 'GET' ? { data: { id: 'x', name: 7 }, errors: null } : body,
    });
    const { goal: other } = await broken.adapter.create(quarterly());
    const error = await failure(broken.adapter.get(other.id));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/target group: (0\.)?(id|name): /);
  });

  it.each([
    [404, NotFoundError],
    [409, ConflictError],
    [400, ValidationError],
  ])(
    'an envelope error with a code this package does not know is typed by its status (%i)',
    async (status, type) => {
      const answer = { data: null, errors: [{ code: 319999, message: 'Something new' }] };
      const { adapter } = kit({
        fetch: async () =>
          new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } }),
      });
      const error = await failure(adapter.get('42'));
      expect(type.isInstance(error), String(error)).toBe(true);
      expect(error.message).toMatch(/capillary error 319999 \(HTTP \d+\): Something new/);
    },
  );

  it('a period bound that is not a date is an InvalidResponseError naming it, not a RangeError', async () => {
    const broken = kit({
      rewrite: (exchange, body) => {
        const groups = (body as { data: { periods: { startDate: string }[] }[] }).data;
        if (exchange.method === 'GET')
          for (const group of groups) (group.periods[0] as { startDate: string }).startDate = 'soon';
        return body;
      },
    });
    await broken.adapter.create(quarterly('First'));
    await broken.adapter.create(quarterly('Second'));
    const error = (await failure(collect(broken.adapter.list()))) as InvalidResponseError;
    expect(InvalidResponseError.isInstance(error), String(error)).toBe(true);
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'data.0.periods.0.startDate',
      'data.1.periods.0.startDate',
    ]);
    // The raw answer kept for diagnosis is cut to a readable size.
    expect((error.body ?? '').length).toBeLessThan(2100);
  });

  it('reports server warnings: in WriteResult.warnings for writes, through hooks.onWarning for reads', async () => {
    const onWarning = vi.fn();
    const withWarning = (_exchange: Exchange, body: unknown) => ({
      ...(body as object),
      warnings: [{ message: 'Cycle_3 overlaps a holiday' }],
    });
    const { adapter } = kit({ rewrite: withWarning, hooks: { onWarning } });
    const { goal, warnings } = await adapter.create(quarterly());
    expect(warnings).toContainEqual({
      field: '',
      reason: 'Capillary answered with a warning',
      action: 'none',
      detail: 'Cycle_3 overlaps a holiday',
    });
    await adapter.get(goal.id);
    expect(onWarning).toHaveBeenCalledWith(
      expect.objectContaining({ detail: 'Cycle_3 overlaps a holiday', operation: 'target group' }),
    );
  });
});

describe('create', () => {
  it('sends periods, targets and values in one POST and answers with the group (reference §4.1, HTTP 201)', async () => {
    const { adapter, log } = kit();
    const { goal } = await adapter.create(quarterly('One call'));
    expect(log.map((exchange) => `${exchange.method} ${exchange.status}`)).toEqual(['POST 201']);
    expect(goal.schedule.periods?.map((period) => [period.ref, period.start, period.end])).toEqual([
      ['Cycle_1', '2026-01-01', '2026-01-31'],
      ['Cycle_2', '2026-02-01', '2026-02-28'],
      ['Cycle_3', '2026-03-01', '2026-03-31'],
    ]);
    expect(goal.target).toEqual({ value: '5000' });
  });

  it('a create whose answer was lost is found by its unique name, not sent twice', async () => {
    const { adapter, simulator, writes } = kit();
    simulator.faults.schedule({ kind: 'reset-after', match: (request) => request.method === 'POST' });
    const { goal, warnings, recovered } = await adapter.create(quarterly('Lost answer'));
    expect(simulator.targetGroups().filter((group) => group.name === 'Lost answer')).toHaveLength(1);
    expect(goal.title).toBe('Lost answer');
    // Reported as a recovery, not as a mapping warning: a migration's warnings must not depend on faults.
    expect(recovered).toBe(true);
    expect(warnings.filter((warning) => warning.field === '')).toEqual([]);
    expect(writes()).toEqual(['POST /v3/targetGroups']);
  });

  it('finds a lost create on a later page of the name search, which matches parts of names (reference §4.7)', async () => {
    const { adapter, simulator, writes, log } = kit();
    simulator.seedGroups(Array.from({ length: 60 }, (_, n) => seededGroup(`Spend ${n}`)));
    simulator.faults.schedule({ kind: 'reset-after', match: (request) => request.method === 'POST' });
    const { goal, recovered } = await adapter.create(quarterly('Spend'));
    expect(recovered).toBe(true);
    expect(goal.title).toBe('Spend');
    expect(simulator.targetGroups().filter((group) => group.name === 'Spend')).toHaveLength(1);
    expect(writes()).toEqual(['POST /v3/targetGroups']);
    const searches = log.filter((exchange) => exchange.path === '/v3/milestones');
    expect(searches.map((exchange) => exchange.url.searchParams.get('offset'))).toEqual(['0', '1']);
  });

  it('finds a lost user-created group, which the search lists only on request', async () => {
    const { adapter, simulator, writes, log } = kit();
    simulator.faults.schedule({ kind: 'reset-after', match: (request) => request.method === 'POST' });
    const mine = quarterly('My challenge', { extensions: { capillary: { userCreated: true } } });
    const { goal, recovered } = await adapter.create(mine);
    expect(recovered).toBe(true);
    expect(goal.extensions.capillary?.userCreated).toBe(true);
    expect(simulator.targetGroups().filter((group) => group.name === 'My challenge')).toHaveLength(1);
    expect(writes()).toEqual(['POST /v3/targetGroups']);
    const search = log.find((exchange) => exchange.path === '/v3/milestones');
    expect(search?.url.searchParams.get('includeUserCreatedTargetGroups')).toBe('true');
  });

  it('does not take a group whose name differs in case for a lost create: that name is taken (310069)', async () => {
    const { adapter, simulator, writes } = kit();
    simulator.seedGroups([seededGroup('spend')]);
    simulator.faults.schedule({ kind: 'reset-after', match: (request) => request.method === 'POST' });
    expect(ConflictError.isInstance(await failure(adapter.create(quarterly('Spend'))))).toBe(true);
    expect(writes()).toEqual(['POST /v3/targetGroups', 'POST /v3/targetGroups']);
  });

  it('a create refused before the server acted (reset, 5xx) is looked up, not found, and sent once more', async () => {
    const { adapter, simulator, writes } = kit();
    simulator.faults.schedule({ kind: 'server-error', match: (request) => request.method === 'POST' });
    await adapter.create(quarterly('Second try'));
    expect(simulator.targetGroups().filter((group) => group.name === 'Second try')).toHaveLength(1);
    expect(writes()).toEqual(['POST /v3/targetGroups', 'POST /v3/targetGroups']);
  });
});

describe('update: the edit endpoint changes name, description and expressions only (seed 004)', () => {
  it('renames through PUT editTargetGroup alone', async () => {
    const { adapter, writes, log } = kit();
    const { goal } = await adapter.create(quarterly());
    log.length = 0;
    const { goal: updated } = await adapter.update(goal.id, { title: 'Renamed', description: 'New words' });
    expect(writes()).toEqual([`PUT /v3/targetGroups/editTargetGroup/${goal.id}`]);
    expect(log.find((exchange) => exchange.method === 'PUT')?.body).toEqual({
      id: Number(goal.id),
      name: 'Renamed',
      description: 'New words',
      preferredTillId: CAPILLARY_SANDBOX.till.id,
    });
    expect(updated).toMatchObject({ title: 'Renamed', description: 'New words' });
  });

  it('changes expressions through the edit endpoint and filters and values through PUT target', async () => {
    const { adapter, writes, log } = kit();
    const { goal } = await adapter.create(quarterly());
    log.length = 0;
    const scope = {
      ...goal.measure.scope,
      expression: 'currentTxn.value>500',
      filters: [{ entityType: 'ZONE', entityIds: [9] }],
    };
    const { goal: updated } = await adapter.update(goal.id, {
      measure: { ...goal.measure, scope },
      target: { value: '6000.125' },
    });
    const targetId = targetIdOf(goal);
    expect(writes()).toEqual([
      `PUT /v3/targetGroups/editTargetGroup/${goal.id}`,
      `PUT /v3/targetGroups/${goal.id}/targets/${targetId}`,
    ]);
    const edit = log.find((exchange) => exchange.path.includes('editTargetGroup'))?.body as {
      targets: unknown[];
    };
    expect(edit.targets).toEqual([
      {
        id: targetId,
        name: 'Q1 spend',
        targetType: 'SALES',
        expression: 'currentTxn.value>500',
        expressionJson: goal.measure.scope?.expressionJson,
      },
    ]);
    const put = log.find((exchange) => exchange.path.endsWith(`/targets/${targetId}`))?.body as {
      defaultValues: { id: number; periodId: number; defaultValue: number }[];
    };
    expect(put.defaultValues.map((value) => value.defaultValue)).toEqual([6000.125, 6000.125, 6000.125]);
    expect(put.defaultValues.every((value) => value.id > 0 && value.periodId > 0)).toBe(true);
    expect(updated.measure.scope).toEqual(scope);
    expect(updated.target).toEqual({ value: '6000.125' });
  });

  it('adds periods through POST targetPeriods and gives them values through PUT target', async () => {
    const { adapter, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    const { goal: updated } = await adapter.update(goal.id, {
      schedule: { start: '2026-01-01', end: '2026-05-31', recurrence: 'monthly' },
    });
    expect(writes().slice(1)).toEqual([
      `POST /v3/targetGroups/${goal.id}/targetPeriods`,
      expect.stringMatching(/^PUT .*\/targets\/\d+$/),
    ]);
    expect(updated.schedule.periods?.map((period) => period.ref)).toEqual([
      'Cycle_1',
      'Cycle_2',
      'Cycle_3',
      'Cycle_4',
      'Cycle_5',
    ]);
    expect(updated.schedule.end).toBe('2026-05-31');
    expect(updated.target).toEqual({ value: '5000' });
    expect(updated.schedule.periods?.every((period) => period.target === undefined)).toBe(true);
  });

  describe('a period added through the API has no value (reference §4.8)', () => {
    const twoMonths = { start: '2026-01-01', end: '2026-02-28', recurrence: 'monthly' } as const;
    const march = {
      refCode: 'Cycle_3',
      description: '',
      startDate: '2026-03-01T00:00:00.000',
      endDate: '2026-03-31T23:59:59.999',
    };
    const unified = quarterly('Spend and visit', {
      schedule: twoMonths,
      extensions: {
        capillary: {
          trackingType: 'UNIFIED',
          combinationType: 'ALL',
          additionalTargets: [
            { name: 'Visits', metric: 'TRANSACTION/VISIT', values: { Cycle_1: '2', Cycle_2: '3' } },
          ],
        },
      },
    });
    const valuesOnServer = (simulator: ReturnType<typeof kit>['simulator'], id: string) =>
      simulator
        .targetGroups()
        .find((group) => String(group.id) === id)
        ?.targets.map((target) => target.defaultValues.map((value) => value.defaultValue));

    it.each([
      ['a DEFAULT group', quarterly('Spend', { schedule: twoMonths }), [[5000, 5000, 5000]]],
      [
        'a UNIFIED group',
        unified,
        [
          [5000, 5000, 5000],
          [2, 3],
        ],
      ],
    ])(
      'renaming %s gives the goal target, as read, to the period without one',
      async (_name, draft, values) => {
        const { adapter, simulator, writes } = kit();
        const { goal } = await adapter.create(draft);
        const added = await callApi(simulator, 'POST', `/targetGroups/${goal.id}/targetPeriods`, [march]);
        expect(added.status).toBe(200);
        const { goal: renamed } = await adapter.update(goal.id, { title: 'Renamed' });
        expect(writes().slice(1)).toEqual([
          `PUT /v3/targetGroups/editTargetGroup/${goal.id}`,
          expect.stringMatching(/^PUT .*\/targets\/\d+$/),
        ]);
        // A further target gives the period no value (the reader shows none): it keeps none.
        expect(valuesOnServer(simulator, goal.id)).toEqual(values);
        expect(renamed.title).toBe('Renamed');
        expect(renamed.schedule.periods?.map((period) => period.ref)).toEqual([
          'Cycle_1',
          'Cycle_2',
          'Cycle_3',
        ]);
      },
    );

    it('an update cut off after adding periods is finished by its retry: the new periods get their value', async () => {
      const { adapter, simulator } = kit({ retry: { retries: 0 } });
      const { goal } = await adapter.create(quarterly('Spend', { schedule: twoMonths }));
      const longer = { schedule: { ...twoMonths, end: '2026-04-30' } };
      const isTargetPut = (request: Request) =>
        request.method === 'PUT' && /\/targets\/\d+$/.test(request.url);
      simulator.faults.schedule({ kind: 'server-error', times: 1, match: isTargetPut });
      await failure(adapter.update(goal.id, longer));
      expect(valuesOnServer(simulator, goal.id)).toEqual([[5000, 5000]]);
      await adapter.update(goal.id, longer);
      expect(valuesOnServer(simulator, goal.id)).toEqual([[5000, 5000, 5000, 5000]]);
    });

    it('a new goal target is a change: every period gets it, the new one too', async () => {
      const { adapter, simulator, writes } = kit();
      const { goal } = await adapter.create(quarterly('Spend', { schedule: twoMonths }));
      await callApi(simulator, 'POST', `/targetGroups/${goal.id}/targetPeriods`, [march]);
      await adapter.update(goal.id, { target: { value: '6000' } });
      expect(writes().slice(1)).toEqual([expect.stringMatching(/^PUT .*\/targets\/\d+$/)]);
      expect(valuesOnServer(simulator, goal.id)).toEqual([[6000, 6000, 6000]]);
    });

    it('a further target without a value for a period the update adds is refused before any write', async () => {
      const { adapter, simulator, writes } = kit();
      const { goal } = await adapter.create(unified);
      await callApi(simulator, 'POST', `/targetGroups/${goal.id}/targetPeriods`, [march]);
      const error = await failure(
        adapter.update(goal.id, {
          schedule: { start: '2026-01-01', end: '2026-04-30', recurrence: 'monthly' },
        }),
      );
      expect((error as ValidationError).issues).toEqual([
        {
          path: 'extensions.capillary.additionalTargets.0.values',
          message: 'needs a value for period Cycle_4',
        },
      ]);
      expect(writes()).toEqual(['POST /v3/targetGroups']);
    });

    it('a value for the new period of a further target is sent, and the goal target to the new period', async () => {
      const { adapter, simulator, log } = kit();
      const { goal } = await adapter.create(unified);
      await callApi(simulator, 'POST', `/targetGroups/${goal.id}/targetPeriods`, [march]);
      const read = await adapter.get(goal.id);
      const extension = read.extensions.capillary as { additionalTargets: { values: object }[] };
      const [visits] = extension.additionalTargets;
      log.length = 0;
      await adapter.update(goal.id, {
        extensions: {
          capillary: {
            ...extension,
            additionalTargets: [{ ...visits, values: { ...visits?.values, Cycle_3: '4' } }],
          },
        },
      });
      // One PUT per target: the further one gets its new value, the goal's own its target for the new period.
      const puts = log.filter((exchange) => exchange.method === 'PUT');
      expect(puts).toHaveLength(2);
      expect(valuesOnServer(simulator, goal.id)).toEqual([
        [5000, 5000, 5000],
        [2, 3, 4],
      ]);
    });
  });

  it('extends a recurrence without renaming the periods it already has', async () => {
    const { adapter, writes } = kit();
    const named = ['jan', 'feb', 'mar'].map((ref, index) => ({
      ref,
      start: `2026-0${index + 1}-01`,
      end: ['2026-01-31', '2026-02-28', '2026-03-31'][index] as string,
    }));
    const { goal } = await adapter.create(
      quarterly('Named', {
        schedule: { start: '2026-01-01', end: '2026-03-31', recurrence: 'monthly', periods: named },
      }),
    );
    const { goal: updated } = await adapter.update(goal.id, {
      schedule: { start: '2026-01-01', end: '2026-04-30', recurrence: 'monthly' },
    });
    expect(writes().slice(1)).toEqual([
      `POST /v3/targetGroups/${goal.id}/targetPeriods`,
      expect.stringMatching(/^PUT .*\/targets\/\d+$/),
    ]);
    expect(updated.schedule.periods?.map((period) => period.ref)).toEqual(['jan', 'feb', 'mar', 'Cycle_4']);
  });

  describe('extends a recurrence of named periods with settings and further-target values', () => {
    const named = ['jan', 'feb', 'mar'].map((ref, index) => ({
      ref,
      start: `2026-0${index + 1}-01`,
      end: ['2026-01-31', '2026-02-28', '2026-03-31'][index] as string,
    }));
    const schedule = {
      start: '2026-01-01',
      end: '2026-03-31',
      recurrence: 'monthly',
      periods: named,
    } as const;
    const longer = { start: '2026-01-01', end: '2026-04-30', recurrence: 'monthly' } as const;

    it('keeps the settings of a named period', async () => {
      const { adapter } = kit();
      const periods = { feb: { description: 'Promo month' } };
      const { goal } = await adapter.create(
        quarterly('Named', { schedule, extensions: { capillary: { periods } } }),
      );
      expect(adapter.checkUpdate(goal, { schedule: longer })).toEqual([]);
      const { goal: updated } = await adapter.update(goal.id, { schedule: longer });
      expect(updated.schedule.periods?.map((period) => period.ref)).toEqual(['jan', 'feb', 'mar', 'Cycle_4']);
      expect(updated.extensions.capillary).toMatchObject({ periods });
    });

    it('keeps the values of a further target, and takes one for the new period', async () => {
      const { adapter } = kit();
      const visits = {
        name: 'Visits',
        metric: 'TRANSACTION/VISIT',
        values: { jan: '2', feb: '3', mar: '4' },
      };
      const unified = { trackingType: 'UNIFIED', combinationType: 'ALL', additionalTargets: [visits] };
      const { goal } = await adapter.create(
        quarterly('Named', { schedule, extensions: { capillary: unified } }),
      );
      const read = goal.extensions.capillary as { additionalTargets: (typeof visits)[] };
      const [stored] = read.additionalTargets;
      const values = { ...visits.values, Cycle_4: '5' };
      const { goal: updated } = await adapter.update(goal.id, {
        schedule: longer,
        extensions: { capillary: { ...read, additionalTargets: [{ ...stored, values }] } },
      });
      expect(updated.schedule.periods?.map((period) => period.ref)).toEqual(['jan', 'feb', 'mar', 'Cycle_4']);
      expect(updated.extensions.capillary).toMatchObject({ additionalTargets: [{ values }] });
    });
  });

  describe('a period added in front leaves every period its id and value (matched by id, dates, then ref)', () => {
    const aprilMay = [
      { start: '2026-04-01', end: '2026-04-30', target: '100' },
      { start: '2026-05-01', end: '2026-05-31', target: '200' },
    ];
    const march = { start: '2026-03-01', end: '2026-03-31', target: '300' };
    const spring = { start: '2026-03-01', end: '2026-05-31', recurrence: 'monthly' } as const;
    /** Each period's id and value by its dates. */
    const byDates = (goal: Goal) =>
      Object.fromEntries(
        (goal.schedule.periods ?? []).map((period) => [
          period.start,
          { id: period.id, value: period.target ?? goal.target?.value },
        ]),
      );

    it.each([
      ['explicit periods without ids or refs', [march, ...aprilMay], ['300', '100', '200']],
      // A recurrence gives every period the goal's target.
      ['a longer recurrence', undefined, ['100', '100', '100']],
    ])('%s', async (_name, periods, values) => {
      const { adapter } = kit();
      const { goal } = await adapter.create(
        quarterly('Spring', {
          target: { value: '100' },
          schedule: { ...spring, start: '2026-04-01', periods: aprilMay },
        }),
      );
      const before = byDates(goal);
      const { goal: updated } = await adapter.update(goal.id, { schedule: { ...spring, periods } });
      const after = byDates(updated);
      expect(Object.keys(after).sort()).toEqual(['2026-03-01', '2026-04-01', '2026-05-01']);
      expect(after['2026-04-01']?.id).toBe(before['2026-04-01']?.id);
      expect(after['2026-05-01']?.id).toBe(before['2026-05-01']?.id);
      expect(['2026-03-01', '2026-04-01', '2026-05-01'].map((start) => after[start]?.value)).toEqual(values);
    });
  });

  describe('explicit periods without refs keep the names the group gave them: enrolments address periods by name', () => {
    const months: Window[] = [
      { start: '2026-01-01', end: '2026-01-31' },
      { start: '2026-02-01', end: '2026-02-28' },
      { start: '2026-03-01', end: '2026-03-31' },
    ];
    const december = { start: '2025-12-01', end: '2025-12-31' };
    /** Each period's ref by its start date. */
    const refsByStart = (goal: Goal) =>
      Object.fromEntries((goal.schedule.periods ?? []).map((period) => [period.start, period.ref]));
    const create = async () => {
      const { adapter, simulator } = kit();
      const schedule = { start: '2026-01-01', end: '2026-03-31', recurrence: 'monthly', periods: months };
      const { goal } = await adapter.create(quarterly('Unnamed', { schedule } as never));
      return { adapter, simulator, goal };
    };

    it('a period added in front of ended and running ones renames none of them, and takes a free Cycle_<n>', async () => {
      const { adapter, simulator, goal } = await create();
      simulator.enrol({ customerId: 564332001, groupId: Number(goal.id), periodRef: 'Cycle_2' });
      const patch = {
        schedule: { ...goal.schedule, start: '2025-12-01', periods: [december, ...months] as never },
      };
      expect(adapter.checkUpdate(goal, patch)).toEqual([]);
      const { goal: updated } = await adapter.update(goal.id, patch);
      expect(refsByStart(updated)).toEqual({
        '2025-12-01': 'Cycle_4',
        '2026-01-01': 'Cycle_1',
        '2026-02-01': 'Cycle_2',
        '2026-03-01': 'Cycle_3',
      });
      const progress = await adapter.progress(goal.id, { subject: '564332001' });
      expect(progress.period).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    });

    it('a new period is not named like one the goal names explicitly', async () => {
      const { adapter, goal } = await create();
      const april = { start: '2026-04-01', end: '2026-04-30', ref: 'Cycle_4' };
      const periods = [december, ...months, april];
      const patch = { schedule: { ...goal.schedule, start: '2025-12-01', end: '2026-04-30', periods } };
      const { goal: updated } = await adapter.update(goal.id, patch as never);
      expect(refsByStart(updated)).toMatchObject({ '2025-12-01': 'Cycle_5', '2026-04-01': 'Cycle_4' });
    });
  });

  describe('explicit periods without refs match by their dates, never by a name their position makes up', () => {
    const december = { start: '2025-12-01', end: '2025-12-31' };
    const january = { start: '2026-01-01', end: '2026-01-31' };
    const february = { start: '2026-02-01', end: '2026-02-28' };
    const march = { start: '2026-03-01', end: '2026-03-31' };
    type Adapter = ReturnType<typeof kit>['adapter'];
    const periodsOf = (goal: Goal) => goal.schedule.periods ?? [];
    const idsByRef = (goal: Goal) =>
      Object.fromEntries(periodsOf(goal).map((period) => [period.ref, period.id]));
    /** A patch giving the goal `periods`, its schedule spanning them. */
    const withPeriods = (goal: Goal, periods: Window[]): GoalPatchDraft => {
      const start = periods.map((period) => period.start).sort()[0];
      const end = periods.map((period) => period.end).sort()[periods.length - 1];
      return { schedule: { ...goal.schedule, start, end, periods } as never };
    };

    /** A Q1 group (periods named `refs`, or Cycle_1 to Cycle_3) none of whose periods has started. */
    async function notStarted(refs: string[] = []) {
      const { adapter, advance } = kit();
      advance(Date.parse('2025-11-15T09:00:00Z') - NOW);
      const periods = [january, february, march].map((period, index) =>
        refs[index] ? { ...period, ref: refs[index] } : period,
      );
      const schedule = { start: '2026-01-01', end: '2026-03-31', recurrence: 'monthly', periods };
      const { goal } = await adapter.create(quarterly('Not started', { schedule } as never));
      return { adapter, goal };
    }

    /**
     * Sends `periods`, which checkUpdate predicts the update makes; the periods then, by start date. Each keeps
     * its id with its ref, so the ref a date range ends up with says which period moved there.
     */
    async function sendPeriods(adapter: Adapter, goal: Goal, periods: Window[]) {
      const patch = withPeriods(goal, periods);
      expect(adapter.checkUpdate(goal, patch)).toEqual([]);
      const { goal: updated } = await adapter.update(goal.id, patch);
      expect(idsByRef(updated)).toMatchObject(idsByRef(goal));
      return [...periodsOf(updated)]
        .sort((a, b) => (a.start < b.start ? -1 : 1))
        .map((period) => `${period.ref} ${period.start}..${period.end}`);
    }

    it.each([
      [
        'January now starts on the 2nd',
        [december, { ...january, start: '2026-01-02' }, february, march],
        [
          'Cycle_1 2026-01-02..2026-01-31',
          'Cycle_2 2026-02-01..2026-02-28',
          'Cycle_3 2026-03-01..2026-03-31',
        ],
      ],
      [
        'March now starts on the 2nd',
        [december, january, february, { ...march, start: '2026-03-02' }],
        [
          'Cycle_1 2026-01-01..2026-01-31',
          'Cycle_2 2026-02-01..2026-02-28',
          'Cycle_3 2026-03-02..2026-03-31',
        ],
      ],
      [
        'every period moved inside its month',
        [
          december,
          { start: '2026-01-02', end: '2026-01-30' },
          { start: '2026-02-02', end: '2026-02-27' },
          { start: '2026-03-02', end: '2026-03-30' },
        ],
        [
          'Cycle_1 2026-01-02..2026-01-30',
          'Cycle_2 2026-02-02..2026-02-27',
          'Cycle_3 2026-03-02..2026-03-30',
        ],
      ],
      [
        'March moved to April',
        [december, january, february, { start: '2026-04-01', end: '2026-04-30' }],
        [
          'Cycle_1 2026-01-01..2026-01-31',
          'Cycle_2 2026-02-01..2026-02-28',
          'Cycle_3 2026-04-01..2026-04-30',
        ],
      ],
    ])(
      'December added in front, %s: the group’s periods move, December is new',
      async (_name, periods, moved) => {
        const { adapter, goal } = await notStarted();
        expect(await sendPeriods(adapter, goal, periods)).toEqual([
          'Cycle_4 2025-12-01..2025-12-31',
          ...moved,
        ]);
      },
    );

    it('a new period that touches a moved one takes nothing of it: the most days shared decide', async () => {
      const { adapter, goal } = await notStarted();
      const periods = [
        { start: '2025-12-15', end: '2026-01-05' },
        { ...january, start: '2026-01-06' },
        february,
        march,
      ];
      expect(await sendPeriods(adapter, goal, periods)).toEqual([
        'Cycle_4 2025-12-15..2026-01-05',
        'Cycle_1 2026-01-06..2026-01-31',
        'Cycle_2 2026-02-01..2026-02-28',
        'Cycle_3 2026-03-01..2026-03-31',
      ]);
    });

    it('periods named by the group move by their dates too: March, sent without its ref, starts on the 2nd', async () => {
      const { adapter, goal } = await notStarted(['Jan', 'Feb', 'Mar']);
      expect(
        await sendPeriods(adapter, goal, [january, february, { ...march, start: '2026-03-02' }]),
      ).toEqual(['Jan 2026-01-01..2026-01-31', 'Feb 2026-02-01..2026-02-28', 'Mar 2026-03-02..2026-03-31']);
    });

    it('pairs moved periods in date order, whatever order the goal and the group list them in', async () => {
      const { adapter, goal } = await notStarted();
      const { goal: longer } = await adapter.update(
        goal.id,
        withPeriods(goal, [december, january, february, march]),
      );
      expect(periodsOf(longer).map((period) => period.ref)).toEqual([
        'Cycle_1',
        'Cycle_2',
        'Cycle_3',
        'Cycle_4',
      ]);
      const october = { start: '2025-10-01', end: '2025-10-31' };
      const november = { start: '2025-11-01', end: '2025-11-30' };
      expect(await sendPeriods(adapter, longer, [november, october, february, march])).toEqual([
        'Cycle_4 2025-10-01..2025-10-31',
        'Cycle_1 2025-11-01..2025-11-30',
        'Cycle_2 2026-02-01..2026-02-28',
        'Cycle_3 2026-03-01..2026-03-31',
      ]);
    });

    it('a period matched by its dates is held to its status: January, ended, cannot move (reference §4.8)', async () => {
      const { adapter, writes } = kit();
      const schedule = { start: '2026-01-01', end: '2026-03-31', recurrence: 'monthly' };
      const { goal } = await adapter.create(quarterly('Ended', { schedule } as never));
      const patch = withPeriods(goal, [december, { ...january, start: '2026-01-02' }, february, march]);
      const message = 'capillary cannot change the dates of period Cycle_1: it has ended';
      expect(adapter.checkUpdate(goal, patch)).toEqual([{ path: 'schedule.periods', message }]);
      const error = await failure(adapter.update(goal.id, patch));
      expect(UnsupportedError.isInstance(error) && error.message).toBe(message);
      expect(writes()).toEqual(['POST /v3/targetGroups']);
    });
  });

  it('moves the end of the running period through PUT targetPeriods (RUNNING may move its end, reference §4.8)', async () => {
    const { adapter, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    const periods = (goal.schedule.periods ?? []).map(({ id: _id, ...period }) => period);
    const moved = [periods[0], { ...periods[1], end: '2026-03-05' }, { ...periods[2], start: '2026-03-06' }];
    const { goal: updated } = await adapter.update(goal.id, {
      schedule: { ...goal.schedule, periods: moved } as never,
    });
    expect(writes().slice(1)).toEqual([`PUT /v3/targetGroups/${goal.id}/targetPeriods`]);
    expect(updated.schedule.periods?.map((period) => [period.start, period.end])).toEqual([
      ['2026-01-01', '2026-01-31'],
      ['2026-02-01', '2026-03-05'],
      ['2026-03-06', '2026-03-31'],
    ]);
  });

  it.each([
    [
      'moving the start of a running period',
      (periods: Window[]) => [periods[0], { ...periods[1], start: '2026-02-02' }, periods[2]],
      /change the dates of period Cycle_2: it is running, so only its end date may change/,
    ],
    [
      'changing an ended period',
      (periods: Window[]) => [{ ...periods[0], end: '2026-01-30' }, periods[1], periods[2]],
      /period Cycle_1: it has ended/,
    ],
    ['removing a period', (periods: Window[]) => [periods[0], periods[1]], /remove periods \(Cycle_3\)/],
  ])('refuses %s up front with an UnsupportedError, before any write', async (_name, change, message) => {
    const { adapter, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    const periods = (goal.schedule.periods ?? []).map(({ id: _id, ...period }) => period);
    const patch = { schedule: { start: '2026-01-01', end: '2026-03-31', periods: change(periods) as never } };
    const error = await failure(adapter.update(goal.id, patch));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(writes()).toEqual(['POST /v3/targetGroups']);
    // A plan knows it from the goal as read.
    expect(adapter.checkUpdate(goal, patch)).toEqual([{ path: 'schedule.periods', message: error.message }]);
  });

  describe('an ENDED period changes nothing, a RUNNING one only its end (reference §4.8)', () => {
    type PatchOf = (goal: Goal) => GoalPatchDraft;
    /** The goal's periods (January ended, February running, March not started) with `change` applied. */
    const periods =
      (change: (periods: Window[]) => Window[]): PatchOf =>
      (goal) => ({ schedule: { ...goal.schedule, periods: change(goal.schedule.periods ?? []) as never } });
    /** Period settings by ref, as `extensions.capillary.periods` keeps them. */
    const settings =
      (periods: Record<string, { description?: string; active?: boolean }>): PatchOf =>
      (goal) => ({ extensions: { capillary: { ...goal.extensions.capillary, periods } } });
    /** The refusal of a change to `what` of January (ended) or February (running). */
    const ended = (what: string) => `capillary cannot change the ${what} of period Cycle_1: it has ended`;
    const running = (what: string) =>
      `capillary cannot change the ${what} of period Cycle_2: it is running, so only its end date may change`;

    it.each([
      [
        'renaming the ended period',
        periods(([january, ...rest]) => [{ ...january, ref: 'January' } as Window, ...rest]),
        'schedule.periods',
        ended('ref'),
      ],
      [
        'describing the ended period',
        settings({ Cycle_1: { description: 'Sale month' } }),
        'extensions.capillary.periods',
        ended('description'),
      ],
      [
        'deactivating the ended period',
        settings({ Cycle_1: { active: false } }),
        'extensions.capillary.periods',
        ended('active setting'),
      ],
      [
        'renaming the running period as its end moves',
        periods(([january, february, march]) => [
          january as Window,
          { ...february, ref: 'February', end: '2026-03-05' } as Window,
          { ...march, start: '2026-03-06' } as Window,
        ]),
        'schedule.periods',
        running('ref'),
      ],
      [
        'describing and deactivating the running period',
        settings({ Cycle_2: { description: 'Sale month', active: false } }),
        'extensions.capillary.periods',
        running('description and active setting'),
      ],
    ])('refuses %s up front, and a plan knows it', async (_name, patchOf, path, message) => {
      const { adapter, writes } = kit();
      const { goal } = await adapter.create(quarterly());
      const patch = patchOf(goal);
      expect(adapter.checkUpdate(goal, patch)).toEqual([{ path, message }]);
      const error = await failure(adapter.update(goal.id, patch));
      expect(UnsupportedError.isInstance(error) && error.message).toBe(message);
      expect(writes()).toEqual(['POST /v3/targetGroups']);
    });

    it('renames and describes a period that has not started', async () => {
      const { adapter, writes } = kit();
      const { goal } = await adapter.create(quarterly());
      const patch = {
        ...periods(([january, february, march]) => [
          january as Window,
          february as Window,
          { ...march, ref: 'March' } as Window,
        ])(goal),
        ...settings({ March: { description: 'Sale month' } })(goal),
      };
      const { goal: updated } = await adapter.update(goal.id, patch);
      expect(writes().slice(1)).toEqual([`PUT /v3/targetGroups/${goal.id}/targetPeriods`]);
      expect(updated.schedule.periods?.map((period) => period.ref)).toEqual(['Cycle_1', 'Cycle_2', 'March']);
      expect(updated.extensions.capillary).toMatchObject({
        periods: { March: { description: 'Sale month' } },
      });
    });

    /** The group as Capillary serves older ones: its first period without `active`, the others with null. */
    const unsetActive = (exchange: Exchange, body: unknown) => {
      if (exchange.method !== 'GET' || !/\/targetGroups\/\d+$/.test(exchange.path)) return body;
      const envelope = body as { data: { periods: Record<string, unknown>[] } };
      const periods = envelope.data.periods.map(({ active: _active, ...period }, index) =>
        index === 0 ? period : { ...period, active: null },
      );
      return { ...envelope, data: { ...envelope.data, periods } };
    };

    it('sends only the period that changes: a missing description and active setting are no change', async () => {
      const { adapter, simulator, log } = kit({ rewrite: unsetActive });
      const [id] = simulator.seedGroups([
        {
          ...seededGroup('Bare periods'),
          periods: [
            { startDate: '2026-01-01', endDate: '2026-01-31', refCode: 'Cycle_1' },
            { startDate: '2026-02-01', endDate: '2026-02-28', refCode: 'Cycle_2' },
          ],
          targets: [{ ...seededGroup('Bare periods').targets[0], defaultValues: [] }],
        },
      ]);
      const goal = await adapter.get(String(id));
      const [january, february] = goal.schedule.periods ?? [];
      const patch = {
        title: 'Bare periods, renamed',
        schedule: { ...goal.schedule, periods: [january, { ...february, end: '2026-02-27' }] as never },
      };
      expect(adapter.checkUpdate(goal, patch)).toEqual([]);
      await adapter.update(goal.id, patch);
      const put = log.find(
        (exchange) => exchange.method === 'PUT' && exchange.path.endsWith('/targetPeriods'),
      );
      expect(put?.body).toEqual([
        expect.objectContaining({ refCode: 'Cycle_2', description: '', active: true }),
      ]);
    });
  });

  it.each([
    [
      'the KPI',
      { measure: { kind: 'count', metric: 'TRANSACTION/COUNT' } },
      /change what a target group measures/,
    ],
    ['the tracking type', { extensions: { capillary: { trackingType: 'CAPPING' } } }, /change trackingType/],
    [
      'the recurrence',
      { schedule: { start: '2026-01-01', end: '2026-03-31', recurrence: 'quarterly' } },
      /change schedule.recurrence/,
    ],
    [
      'the event of the target',
      { measure: { kind: 'money', metric: 'TRANSACTION/SALES', scope: { eventName: 'ReturnBill' } } },
      /change eventName/,
    ],
  ] as const)('refuses to change %s, naming it, before any write', async (_name, patch, message) => {
    const { adapter, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    const error = await failure(adapter.update(goal.id, patch as never));
    expect(UnsupportedError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(writes()).toEqual(['POST /v3/targetGroups']);
  });

  describe('a group with a blank name, which reads as `Target group <id>` (docs group 2256)', () => {
    /** The group as Capillary serves one whose name is blank. */
    const blankName = (exchange: Exchange, body: unknown) => {
      if (exchange.method !== 'GET' || !/\/targetGroups\/\d+$/.test(exchange.path)) return body;
      const envelope = body as { data: { name: string } };
      return { ...envelope, data: { ...envelope.data, name: '' } };
    };

    it('is not renamed to that title by an update that leaves the title alone', async () => {
      const { adapter, log, writes } = kit({ rewrite: blankName });
      const { goal } = await adapter.create(quarterly());
      const read = await adapter.get(goal.id);
      expect(read.title).toBe(`Target group ${goal.id}`);
      await adapter.update(goal.id, { title: read.title, target: { value: '6000' } });
      expect(writes().slice(1)).toEqual([expect.stringMatching(/^PUT .*\/targets\/\d+$/)]);
      log.length = 0;
      await adapter.update(goal.id, { description: 'New words' });
      expect(log.find((exchange) => exchange.path.includes('editTargetGroup'))?.body).toEqual({
        id: Number(goal.id),
        description: 'New words',
        preferredTillId: CAPILLARY_SANDBOX.till.id,
      });
    });

    it('is renamed by an update that gives it a title', async () => {
      const { adapter, log } = kit({ rewrite: blankName });
      const { goal } = await adapter.create(quarterly());
      await adapter.update(goal.id, { title: 'Named at last' });
      const edit = log.find((exchange) => exchange.path.includes('editTargetGroup'));
      expect(edit?.body).toMatchObject({ name: 'Named at last' });
    });
  });

  it('deactivates through DELETE when status becomes inactive, and refuses to reactivate', async () => {
    const { adapter, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    const { goal: inactive, warnings } = await adapter.update(goal.id, { status: 'inactive', priority: 2 });
    expect(inactive.status).toBe('inactive');
    expect(writes()).toEqual(['POST /v3/targetGroups', `DELETE /v3/targetGroups/${goal.id}`]);
    expect(warnings.map((warning) => warning.field)).toEqual(['priority']);
    expect(UnsupportedError.isInstance(await failure(adapter.update(goal.id, { status: 'active' })))).toBe(
      true,
    );
    // Capillary answers writes to a deactivated group with 310017, "not found or deactivated" (reference §4.5).
    const renamed = await failure(adapter.update(goal.id, { title: 'Q1 spend, renamed' }));
    expect(UnsupportedError.isInstance(renamed) && [renamed.field, renamed.message]).toEqual([
      'status',
      `capillary cannot change target group ${goal.id}: it is deactivated`,
    ]);
    expect(writes()).toEqual(['POST /v3/targetGroups', `DELETE /v3/targetGroups/${goal.id}`]);
  });

  it('checks what a patch alone shows before any request', async () => {
    const { adapter, log } = kit();
    const error = await failure(
      adapter.update('2301', { title: 'x'.repeat(201), target: { value: '1.0001' } }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['title', 'target.value']);
    expect(log).toHaveLength(0);
  });
});

describe('delete and list', () => {
  it('delete deactivates: the group stays readable as inactive; deleting it again is 310017 (reference §4.5)', async () => {
    const { adapter } = kit();
    const { goal } = await adapter.create(quarterly());
    await adapter.delete(goal.id);
    expect((await adapter.get(goal.id)).status).toBe('inactive');
    expect(NotFoundError.isInstance(await failure(adapter.delete(goal.id)))).toBe(true);
  });

  it('pages through GET /v3/milestones lazily, or reads GET /v3/targetGroups in one answer', async () => {
    const paged = kit({ pageSize: 3, listEndpoint: 'milestones' });
    for (let n = 0; n < 7; n++) await paged.adapter.create(quarterly(`Goal ${n}`));
    const titles: string[] = [];
    for await (const goal of paged.adapter.list()) titles.push(goal.title);
    expect(titles).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => `Goal ${n}`));
    expect(
      paged.log
        .filter((exchange) => exchange.path === '/v3/milestones')
        .map((exchange) => exchange.url.search),
    ).toEqual([
      '?limit=3&offset=0&require-periods=true',
      '?limit=3&offset=1&require-periods=true',
      '?limit=3&offset=2&require-periods=true',
    ]);
    const whole = kit({});
    for (let n = 0; n < 4; n++) await whole.adapter.create(quarterly(`Goal ${n}`));
    const listed: string[] = [];
    for await (const goal of whole.adapter.list()) listed.push(goal.title);
    expect(listed).toHaveLength(4);
    expect(whole.count('GET', /^\/v3\/targetGroups$/)).toBe(1);
  });

  it('fails loudly when /v3/milestones treats offset as an item offset (reference §1.6 ambiguity)', async () => {
    let groups: () => unknown[] = () => [];
    const itemOffsets = (exchange: Exchange, body: unknown) => {
      if (exchange.path !== '/v3/milestones') return body;
      const offset = Number(exchange.url.searchParams.get('offset'));
      const limit = Number(exchange.url.searchParams.get('limit'));
      const all = groups();
      return {
        ...(body as object),
        data: all.slice(offset, offset + limit),
        pagination: { limit, offset, total: all.length },
      };
    };
    const { adapter, simulator } = kit({ pageSize: 2, listEndpoint: 'milestones', rewrite: itemOffsets });
    groups = () => simulator.targetGroups();
    simulator.seedGroups(Array.from({ length: 5 }, (_, n) => seededGroup(`Seeded ${n}`)));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const goal of adapter.list()) seen.push(goal.id);
    })().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/listed \d of 5 target groups/);
  });

  it('asks the period endpoint when an answer comes without periods (includePeriods, reference §4.3 ASSUMPTION)', async () => {
    const withoutPeriods = (exchange: Exchange, body: unknown) => {
      if (exchange.method !== 'GET' || !/targetGroups\/\d+$/.test(exchange.path)) return body;
      const { periods: _periods, ...data } = (body as { data: Record<string, unknown> }).data;
      return { ...(body as object), data };
    };
    const { adapter, count } = kit({ rewrite: withoutPeriods });
    const { goal } = await adapter.create(quarterly());
    const read = await adapter.get(goal.id);
    expect(read.schedule.periods).toHaveLength(3);
    expect(count('GET', /targetPeriods$/)).toBe(1);
  });
});

describe('progress of an enrolled customer (GET /v3/users/{userId}/targetGroups, reference §4.10)', () => {
  it('needs the customer id as subject, checked before any request', async () => {
    const { adapter, log } = kit();
    const error = await failure(adapter.progress('2301'));
    expect((error as ValidationError).issues).toEqual([
      {
        path: 'subject',
        message: 'Capillary progress is per customer: pass the customer id (a positive integer)',
      },
    ]);
    expect(log).toHaveLength(0);
  });

  it('reads the running period by default, any period on request, with an exact percentage', async () => {
    const { adapter, simulator, log } = kit();
    const { goal } = await adapter.create(quarterly());
    const groupId = Number(goal.id);
    const targetId = targetIdOf(goal);
    simulator.enrol({ customerId: 564332001, groupId, initialBalance: 100 });
    simulator.setProgress({ customerId: 564332001, targetId, period: 'Cycle_2', achieved: '1234.5' });
    const current = await adapter.progress(goal.id, { subject: '564332001' });
    expect(current).toEqual({
      achieved: '1234.5',
      percent: '24.69',
      period: { start: '2026-02-01', end: '2026-02-28' },
      asOf: new Date(NOW).toISOString(),
    });
    expect(log.at(-1)?.url.search).toBe(`?targetRuleId=${targetId}&includeInactive=true`);
    const january = await adapter.progress(goal.id, {
      subject: '564332001',
      period: { start: '2026-01-01', end: '2026-01-31' },
    });
    expect(january).toMatchObject({ achieved: '100', percent: '2' });
  });

  it('is a NotFoundError for a customer who is not enrolled or does not exist', async () => {
    const { adapter } = kit();
    const { goal } = await adapter.create(quarterly());
    expect(NotFoundError.isInstance(await failure(adapter.progress(goal.id, { subject: '564332002' })))).toBe(
      true,
    );
    const unknown = await failure(adapter.progress(goal.id, { subject: '1' }));
    expect(NotFoundError.isInstance(unknown)).toBe(true);
    expect(unknown.message).toContain('310011');
  });
});

describe('an update that fails after some of its calls took effect', () => {
  const isTargetPut = (method: string, path: string) => method === 'PUT' && /\/targets\/\d+$/.test(path);
  /** Refuses the target PUT with 300004, as Capillary answers bad input: `errors` in the envelope. */
  const refuseTargetPut = (exchange: Exchange, body: unknown) =>
    isTargetPut(exchange.method, exchange.path)
      ? { data: null, errors: [{ code: 300004, message: 'Invalid input' }], warnings: null }
      : body;
  const longer = { schedule: { start: '2026-01-01', end: '2026-04-30', recurrence: 'monthly' as const } };

  it.each([
    ['a 5xx, retryable', 'server-error', true, 'transient'],
    ['a refusal, not retryable', 'refusal', false, 'validation'],
  ] as const)(
    'is a partial_write naming the calls made, after %s',
    async (_name, fault, retryable, causeCode) => {
      const { adapter, simulator } = kit({
        retry: { retries: 0 },
        ...(fault === 'refusal' ? { rewrite: refuseTargetPut } : {}),
      });
      const { goal } = await adapter.create(quarterly());
      if (fault === 'server-error') {
        const match = (request: Request) => isTargetPut(request.method, new URL(request.url).pathname);
        simulator.faults.schedule({ kind: 'server-error', match });
      }
      const error = await failure(adapter.update(goal.id, { title: 'Renamed', ...longer }));
      expect([error.code, PartialWriteError.isInstance(error) && error.written, error.retryable]).toEqual([
        'partial_write',
        ['edit', 'add periods'],
        retryable,
      ]);
      expect(error.message).toContain(
        `capillary updated target group ${goal.id} only in part (done: edit, add periods): `,
      );
      expect((error.cause as GoalbridgeError).code).toBe(causeCode);
      const told = JSON.stringify([error.message, error.toJSON()]);
      for (const secret of [CAPILLARY_SANDBOX.basic.password, SANDBOX_BASIC])
        expect(told).not.toContain(secret);
      expect((await adapter.get(goal.id)).title).toBe('Renamed');
    },
  );

  it('is the failure itself when nothing was written yet', async () => {
    const { adapter } = kit({ retry: { retries: 0 }, rewrite: refuseTargetPut });
    const { goal } = await adapter.create(quarterly());
    const error = await failure(adapter.update(goal.id, { target: { value: '6000' } }));
    expect([ValidationError.isInstance(error), PartialWriteError.isInstance(error)]).toEqual([true, false]);
  });
});

describe('transient failures on writes', () => {
  it('does not repeat a PUT the server may have applied when retries are off', async () => {
    const { adapter, simulator } = kit({ retry: false });
    const { goal } = await adapter.create(quarterly());
    simulator.faults.schedule({ kind: 'server-error', match: (request) => request.method === 'PUT' });
    expect(TransientError.isInstance(await failure(adapter.update(goal.id, { title: 'x' })))).toBe(true);
  });
});

describe('server warnings never carry a credential', () => {
  /** Adds a warning that repeats `credential(exchange)` to every answer but the token's. */
  const echoing = (credential: (exchange: Exchange) => string) => (exchange: Exchange, body: unknown) =>
    exchange.path.endsWith('/oauth/token/generate')
      ? body
      : { ...(body as object), warnings: [{ message: `renew ${credential(exchange)} within 10s` }] };

  it.each([
    [
      'OAuth: the token',
      CAPILLARY_SANDBOX.oauth,
      (exchange: Exchange) => exchange.headers.get('x-cap-api-oauth-token') ?? '',
    ],
    ['Basic: the password', CAPILLARY_SANDBOX.basic, () => CAPILLARY_SANDBOX.basic.password],
  ] as const)(
    '%s is redacted in WriteResult.warnings and hooks.onWarning',
    async (_name, auth, credential) => {
      const onWarning = vi.fn();
      const { adapter, log } = kit({ auth, rewrite: echoing(credential), hooks: { onWarning } });
      const { goal, warnings } = await adapter.create(quarterly());
      await adapter.get(goal.id);
      const secret = credential(log.at(-1) as Exchange);
      expect(secret.length).toBeGreaterThan(8);
      const details = [...warnings, ...onWarning.mock.calls.map(([event]) => event)].map((w) => w.detail);
      expect(details).toContain('renew [REDACTED] within 10s');
      expect(JSON.stringify(details)).not.toContain(secret);
    },
  );
});

describe('updatedAt: when the goal last changed, in any of its parts', () => {
  it('moves when only a target value changed (PUT …/targets/{id} touches the target, not the group)', async () => {
    const { adapter, advance, writes } = kit();
    const { goal } = await adapter.create(quarterly());
    advance(3_600_000);
    const { goal: changed } = await adapter.update(goal.id, { target: { value: '6000' } });
    expect(writes().at(-1)).toMatch(/^PUT .*\/targets\/\d+$/);
    expect(changed.updatedAt).toBeDefined();
    expect(Date.parse(changed.updatedAt as string) - Date.parse(goal.updatedAt as string)).toBe(3_600_000);
    expect((await adapter.get(goal.id)).updatedAt).toBe(changed.updatedAt);
  });
});

describe('a Basic-auth password function', () => {
  it('is read once for a create, as for any request (only an OAuth token is fetched before the create)', async () => {
    let reads = 0;
    const password = () => {
      reads++;
      return CAPILLARY_SANDBOX.basic.password as string;
    };
    const { adapter, writes } = kit({
      auth: { type: 'basic', username: CAPILLARY_SANDBOX.basic.username, password },
    });
    await adapter.create(quarterly());
    expect([writes(), reads]).toEqual([['POST /v3/targetGroups'], 1]);
  });
});
