/**
 * Every request the Pipedrive adapter sends, across all operations and options, checked against the official
 * OpenAPI goals subset (method, path, query, body); every simulator answer checked against the response
 * schema of its operation, and error answers against the v1 error shapes of the spec's error excerpt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GoalInputDraft } from '@goalbridge/core';
import { createPipedriveAdapter, type PipedriveAdapterOptions } from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulator,
} from '@goalbridge/pipedrive/testing';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { convertNullable, OpenApiDocument, SHARED_SPECS } from '../support/openapi.ts';

/** Known deviations of the real API from the spec, each with its source. */
const deviations = [
  // Open-ended goals: `duration.end` is null (changelog "updates-to-goals-api", 2021-01-12; reference §1.1).
  /body\/data\/goals?(\/\d+)?\/duration\/end must be string/,
  // `null` means all pipelines / activity types (add/update `type` description; reference §1.2).
  /body\/data\/goals?(\/\d+)?\/type\/params\/(pipeline_id|activity_type_id) must be array/,
  // Sum targets can be decimals; the find parameter is a number, the request examples strings (reference §1.3).
  /body\/data\/goals?(\/\d+)?\/expected_outcome\/target must be integer/,
  // Progress can be fractional, e.g. revenue (Fivetran changed the column to DOUBLE in 2024; reference §1.3).
  /body\/data\/progress must be integer/,
  // The find enum omits revenue_forecast, which goals can have (reference §1.2, §6.7).
  /query type\.name="revenue_forecast" is not one of/,
  // "An array of ... IDs or `null`": null sent as the dot-notation search value (parameter descriptions).
  /query type\.params\.(pipeline_id|activity_type_id)="null" is not integer/,
];

const spec = OpenApiDocument.load('pipedrive/goals-openapi-v1.subset.json', {
  basePaths: ['/v1', '/api/v1'],
  deviations,
});
const strictSpec = OpenApiDocument.load('pipedrive/goals-openapi-v1.subset.json', {
  basePaths: ['/v1', '/api/v1'],
});

interface Exchange {
  method: string;
  url: string;
  body: unknown;
  headers: Headers;
  status: number;
  response: unknown;
}

function recorder(simulator: PipedriveSimulator) {
  const exchanges: Exchange[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.clone().text();
    const response = await simulator.fetch(request);
    const answer = await response.clone().text();
    exchanges.push({
      method: request.method,
      url: request.url,
      body: text ? JSON.parse(text) : undefined,
      headers: request.headers,
      status: response.status,
      response: answer.startsWith('<') ? answer : JSON.parse(answer),
    });
    return response;
  };
  return { exchanges, fetch };
}

const base: GoalInputDraft = {
  title: 'Q3 revenue',
  owners: [{ type: 'person', id: '1' }],
  measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [1, 2] } },
  target: { value: '25000.5', currency: 'EUR' },
  schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'quarterly' },
};

const variants: GoalInputDraft[] = [
  base,
  {
    ...base,
    target: { value: '12345678901234567.89', currency: 'USD' },
    schedule: { start: '2026-01-01', end: null, recurrence: 'yearly' },
  },
  {
    ...base,
    owners: [{ type: 'team', id: '7' }],
    measure: { kind: 'count', metric: 'deals_progressed', scope: { pipelineIds: [1], stageId: 3 } },
    target: { value: '20' },
  },
  {
    ...base,
    owners: [{ type: 'company', id: '7001' }],
    measure: { kind: 'count', metric: 'activities_completed', scope: { activityTypeIds: null } },
    target: { value: '300' },
  },
  {
    ...base,
    measure: { kind: 'count', metric: 'activities_added', scope: { activityTypeIds: [1, 2] } },
    target: { value: '40' },
    schedule: { start: '2026-01-05', end: '2026-03-29', recurrence: 'weekly' },
  },
  {
    ...base,
    measure: { kind: 'money', metric: 'revenue_forecast', scope: { pipelineIds: null } },
    extensions: { pipedrive: { extra: { seasonality: { intervals: [] } } } },
  },
  {
    ...base,
    measure: { kind: 'count', metric: 'deals_started' },
    target: { value: '5' },
    schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'monthly' },
  },
];

async function drive(
  options: Partial<PipedriveAdapterOptions>,
  simulator: PipedriveSimulator,
  fetch: typeof globalThis.fetch,
) {
  const adapter = createPipedriveAdapter({ ...options, fetch, plan: 'ultimate' } as PipedriveAdapterOptions);
  const created = [];
  for (const variant of variants) created.push((await adapter.create(variant)).goal);
  simulator.seedGoals([
    {
      title: 'past team goal',
      assignee: { id: 7, type: 'team' },
      type: { name: 'deals_won', params: { pipeline_id: null } },
      expected_outcome: { target: 1000.5, tracking_metric: 'sum', currency_id: 3 },
      duration: { start: '2020-01-01', end: '2020-12-31' },
      interval: 'yearly',
    },
  ]);
  simulator.seedDeals([
    {
      id: 1,
      userId: 1,
      pipelineId: 1,
      stageId: 2,
      status: 'won',
      value: '100.5',
      currencyId: 2,
      addTime: '2026-02-01',
      wonTime: '2026-02-10',
    },
  ]);
  for await (const _goal of adapter.list()) {
    // listing sends the six find queries
  }
  const [first, second, third] = created;
  if (!first || !second || !third) throw new Error('creates failed');
  await adapter.get(first.id);
  await createPipedriveAdapter({ apiToken: PIPEDRIVE_SANDBOX.apiToken, fetch, currencies: { EUR: 1 } }).get(
    second.id,
  );
  await adapter.update(first.id, { title: 'Renamed' });
  await adapter.update(first.id, { target: { value: '30000', currency: 'USD' } });
  await adapter.update(second.id, {
    measure: { kind: 'count', metric: 'deals_started', scope: { pipelineIds: null } },
    target: { value: '8' },
  });
  await adapter.update(third.id, {
    schedule: { start: '2026-02-01', end: null, recurrence: 'monthly' },
    owners: [{ type: 'person', id: '2' }],
  });
  await adapter.progress(first.id);
  await adapter.progress(first.id, { period: { start: '2026-02-01', end: '2026-02-28' } });
  await adapter.find();
  await adapter.find({
    typeName: 'deals_progressed',
    title: 'Q3',
    isActive: false,
    assigneeId: 5,
    assigneeType: 'team',
    target: 250.5,
    trackingMetric: 'sum',
    currencyId: 2,
    pipelineIds: [1, 2],
    stageId: 3,
    activityTypeIds: [4],
    period: { start: '2026-01-01', end: '2026-03-31' },
  });
  await adapter.find({
    typeName: 'revenue_forecast',
    pipelineIds: null,
    activityTypeIds: null,
    currency: 'EUR',
  });
  await adapter.delete(third.id);
  await adapter.get(third.id).catch(() => undefined);
}

const goalsExchanges = (exchanges: Exchange[]) =>
  exchanges.filter((exchange) => new URL(exchange.url).pathname.includes('/goals'));

describe('Pipedrive requests and responses against the official OpenAPI goals subset', () => {
  const runs: [string, Partial<PipedriveAdapterOptions>][] = [
    ['API token, api.pipedrive.com/v1', { apiToken: PIPEDRIVE_SANDBOX.apiToken }],
    [
      'OAuth token, <company>.pipedrive.com/api/v1',
      { accessToken: PIPEDRIVE_SANDBOX.accessToken, companyDomain: PIPEDRIVE_SANDBOX.companyDomain },
    ],
    [
      'API token, a user currency table, default interval',
      { apiToken: PIPEDRIVE_SANDBOX.apiToken, currencies: { EUR: 1, USD: 2 }, defaultInterval: 'monthly' },
    ],
  ];

  for (const [name, options] of runs) {
    describe(name, () => {
      let exchanges: Exchange[] = [];
      beforeAll(async () => {
        const simulator = createPipedriveSimulator({ plan: 'ultimate' });
        const recording = recorder(simulator);
        await drive(options, simulator, recording.fetch);
        exchanges = recording.exchanges;
      });

      it('covers every operation of the spec', () => {
        const operations = new Set(
          goalsExchanges(exchanges).map((exchange) => {
            const found = spec.operation(exchange.method, exchange.url);
            return found ? `${found.operation.method} ${found.operation.template}` : 'unknown';
          }),
        );
        expect([...operations].sort()).toEqual([
          'DELETE /goals/{id}',
          'GET /goals/find',
          'GET /goals/{id}/results',
          'POST /goals',
          'PUT /goals/{id}',
        ]);
      });

      it('sends only requests the spec allows (method, path, query, body)', () => {
        const problems = goalsExchanges(exchanges).flatMap((exchange) => spec.checkRequest(exchange));
        expect(problems).toEqual([]);
        for (const exchange of exchanges) {
          expect(new URL(exchange.url).searchParams.has('api_token')).toBe(false);
          expect(
            exchange.headers.has('x-api-token') ||
              exchange.headers.get('authorization')?.startsWith('Bearer '),
          ).toBe(true);
        }
      });

      it('gets answers that match the response schema of each operation', () => {
        const answers = goalsExchanges(exchanges).filter((exchange) => exchange.status === 200);
        expect(answers.length).toBeGreaterThan(20);
        const problems = answers.flatMap((exchange) =>
          spec.checkResponse(exchange, exchange.status, exchange.response),
        );
        expect(problems).toEqual([]);
      });

      it('needs every listed deviation: each one is met in this run', () => {
        const problems = goalsExchanges(exchanges).flatMap((exchange) => [
          ...strictSpec.checkRequest(exchange),
          ...(exchange.status === 200
            ? strictSpec.checkResponse(exchange, exchange.status, exchange.response)
            : []),
        ]);
        for (const deviation of deviations)
          expect(
            problems.some((problem) => deviation.test(problem)),
            String(deviation),
          ).toBe(true);
      });
    });
  }
});

/** The v1 error shapes from the spec's error excerpt (no error responses are declared on the goals paths). */
describe('simulator error answers against the v1 error shapes', () => {
  const excerpt = parseYaml(
    readFileSync(join(SHARED_SPECS, 'pipedrive', 'error-responses-v1.excerpt.yaml'), 'utf8'),
  ) as {
    responses: Record<string, { schema: object }>;
  };
  const ajv = new Ajv({ strict: false });
  const shape = (key: string) => {
    const schema = excerpt.responses[key]?.schema;
    if (!schema) throw new Error(`no ${key} in the excerpt`);
    return ajv.compile(convertNullable(schema));
  };
  const shapes: Record<number, string> = {
    400: '400 CallLogBadRequestResponse',
    401: '401 unathorizedResponse',
    403: '403 failResponse',
    404: '404 LeadNotFoundResponse',
    429: '403 failResponse',
    500: '500 CallLogInternalErrorResponse',
  };

  it('answers each failure in a documented v1 shape, with success: false and an error message', async () => {
    const simulator = createPipedriveSimulator({
      limits: { burstApiToken: 2 },
      users: [
        { id: 1, name: 'A', apiToken: 'tok', oauthTokens: [{ token: 'reader', scopes: ['goals:read'] }] },
      ],
    });
    const call = (path: string, init: RequestInit = {}, token: string | null = 'tok') =>
      simulator.fetch(`https://api.pipedrive.com${path}`, {
        ...init,
        headers: { ...(token ? { 'x-api-token': token } : {}), ...init.headers },
      });
    const answers = [
      await call('/v1/goals', { method: 'POST', body: '{}' }),
      await call('/v1/goals/find', {}, null),
      await call(
        '/v1/goals',
        { method: 'POST', body: '{}', headers: { authorization: 'Bearer reader' } },
        null,
      ),
      await call('/v1/goals/ffffffffffffffffffffffffffffffff', { method: 'DELETE' }),
      await call('/v1/goals/find'),
      await (async () => {
        simulator.faults.schedule({ kind: 'server-error' });
        return call('/v1/goals/find');
      })(),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([400, 401, 403, 404, 429, 500]);
    for (const answer of answers) {
      const body = (await answer.json()) as { success: unknown; error: unknown };
      const validate = shape(shapes[answer.status] as string);
      expect(validate(body), `${answer.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect([body.success, typeof body.error]).toEqual([false, 'string']);
    }
  });
});
