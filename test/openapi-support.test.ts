/** The spec checker used by the provider spec tests must itself catch what it claims to. */
import { describe, expect, it } from 'vitest';
import { OpenApiDocument } from './support/openapi.ts';

const pipedrive = OpenApiDocument.load('pipedrive/goals-openapi-v1.subset.json', {
  basePaths: ['/v1', '/api/v1'],
});
const plannr = OpenApiDocument.load('plannr/goals.RECONSTRUCTED.openapi.yaml');
const capillary = OpenApiDocument.load('capillary/v3.targetGroups.openapi.json', { basePaths: ['/v3'] });

const goal = {
  title: 'Q3',
  assignee: { id: 1, type: 'person' },
  type: { name: 'deals_won', params: { pipeline_id: [1] } },
  expected_outcome: { target: 10, tracking_metric: 'quantity' },
  duration: { start: '2025-01-01', end: null },
  interval: 'monthly',
};

describe('OpenApiDocument', () => {
  it('accepts a conforming Pipedrive request under either base path', () => {
    expect(
      pipedrive.checkRequest({ method: 'POST', url: 'https://api.pipedrive.com/v1/goals', body: goal }),
    ).toEqual([]);
    expect(
      pipedrive.checkRequest({
        method: 'GET',
        url: 'https://acme.pipedrive.com/api/v1/goals/find?type.params.pipeline_id=1&type.params.pipeline_id=2&is_active=false',
      }),
    ).toEqual([]);
  });

  it('reports missing required body fields, wrong query types, bad enums, unknown parameters and operations', () => {
    const { interval: _interval, ...withoutInterval } = goal;
    expect(
      pipedrive
        .checkRequest({ method: 'POST', url: 'https://api.pipedrive.com/v1/goals', body: withoutInterval })
        .join(),
    ).toMatch(/interval/);
    expect(
      pipedrive
        .checkRequest({ method: 'GET', url: 'https://api.pipedrive.com/v1/goals/find?is_active=yes' })
        .join(),
    ).toMatch(/is_active="yes" is not boolean/);
    expect(
      pipedrive
        .checkRequest({ method: 'GET', url: 'https://api.pipedrive.com/v1/goals/find?assignee.type=user' })
        .join(),
    ).toMatch(/not one of person, company, team/);
    expect(
      pipedrive
        .checkRequest({ method: 'GET', url: 'https://api.pipedrive.com/v1/goals/find?api_token=x' })
        .join(),
    ).toMatch(/api_token is not in the spec/);
    expect(
      pipedrive
        .checkRequest({
          method: 'GET',
          url: 'https://api.pipedrive.com/v1/goals/find?type.params.pipeline_id=1,2',
        })
        .join(),
    ).toMatch(/is not integer/);
    expect(
      pipedrive.checkRequest({ method: 'PATCH', url: 'https://api.pipedrive.com/v1/goals/abc' }),
    ).toEqual(['PATCH /v1/goals/abc: no such operation in the spec']);
    expect(
      pipedrive.checkRequest({ method: 'GET', url: 'https://api.pipedrive.com/v1/goals/abc/results' }).join(),
    ).toMatch(/period.start is required/);
  });

  it('validates response bodies, treating OpenAPI 3.0 nullable as null-able', () => {
    const request = { method: 'GET', url: 'https://api.pipedrive.com/v1/goals/find' };
    const openEnded = {
      success: true,
      data: { goals: [{ ...goal, id: 'x', duration: { start: '2025-01-01', end: null } }] },
    };
    // The spec types duration.end as a string; the API sends null for open-ended goals (changelog 2021-01-12).
    expect(pipedrive.checkResponse(request, 200, openEnded)).toEqual([
      'GET /v1/goals/find → 200 body/data/goals/0/duration/end must be string',
    ]);
    const lenient = OpenApiDocument.load('pipedrive/goals-openapi-v1.subset.json', {
      basePaths: ['/v1'],
      deviations: [/duration\/end must be string/],
    });
    expect(lenient.checkResponse(request, 200, openEnded)).toEqual([]);
    expect(
      pipedrive.checkResponse(request, 200, { success: 'yes', data: { goals: {} } }).length,
    ).toBeGreaterThan(0);
    expect(pipedrive.checkResponse(request, 500, {})).toEqual([
      'GET /v1/goals/find → 500: status not declared',
    ]);
  });

  it('reads a YAML 3.1 document with $ref parameters and schemas (Plannr)', () => {
    const url = 'https://api.plannrcrm.com/api/v2/goals';
    const headers = { 'x-plannr-account-uuid': '0cc5c3a9-30c3-4236-92cc-2ffcf2de522f' };
    expect(
      plannr.checkRequest({
        method: 'POST',
        url,
        headers,
        body: { account_uuids: ['26600f83-c545-42f9-a2b9-a4c1b17d41b5'], name: 'x' },
      }),
    ).toEqual([]);
    expect(plannr.checkRequest({ method: 'POST', url, headers, body: { name: 'x' } }).join()).toMatch(
      /account_uuids/,
    );
    expect(
      plannr.checkRequest({ method: 'POST', url, body: { account_uuids: [], name: 'x' } }).join(),
    ).toMatch(/X-PLANNR-ACCOUNT-UUID is required/);
    expect(plannr.checkRequest({ method: 'GET', url: `${url}?per_page=abc` }).join()).toMatch(
      /per_page="abc" is not integer/,
    );
    expect(
      plannr
        .checkResponse({ method: 'GET', url: `${url}/x` }, 200, {
          uuid: 'not-a-uuid',
          created_at: 'a',
          updated_at: 'b',
          name: 'n',
        })
        .join(),
    ).toMatch(/format "uuid"/);
  });

  it('prefers literal segments and exposes Capillary examples', () => {
    expect(
      capillary.operation('GET', 'https://eu.api.capillarytech.com/v3/targetGroups/channels')?.operation
        .template,
    ).toBe('/targetGroups/channels');
    expect(capillary.operation('GET', 'https://eu.api.capillarytech.com/v3/targetGroups/42')?.params).toEqual(
      { targetGroupId: '42' },
    );
    expect(capillary.examples('GET', '/targetGroups/{targetGroupId}', '200').length).toBeGreaterThan(0);
  });
});
