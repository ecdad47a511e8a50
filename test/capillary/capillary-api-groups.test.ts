/**
 * Groups as the docs show the API answering them (../shared/specs/capillary/examples), with the values
 * legacy and UI-made groups carry: preferredTillId 0 and -1, frequency -10, recurringCycles -1 and 0, no
 * trackingType. Each reads as a Goal, writes back with those values unchanged, and takes a title-only
 * update; a copy of a group without trackingType sends the one the create schema requires.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CapillaryTargetGroup,
  CapillaryTargetGroupSchema,
  capillaryTargetGroupToGoal,
  createCapillaryAdapter,
  goalToCapillaryTargetGroup,
} from '@goalbridge/capillary';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '@goalbridge/capillary/testing';
import { addDays, type IsoDate, toGoalInput } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../packages/capillary/src/capillary-auth.ts';
import { OpenApiDocument, SHARED_SPECS } from '../support/openapi.ts';

const EXAMPLES = join(SHARED_SPECS, 'capillary', 'examples');
const example = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
const LIST = 'md.01-target-group-1__06-get-target-groups-all.01.json_Response.json';
const NOW = Date.parse('2026-02-15T09:00:00Z');

type Json = Record<string, unknown>;

function listed(id: number): Json {
  const group = (example(LIST).data as Json[]).find((item) => item.id === id);
  if (!group) throw new Error(`group ${id} is not in ${LIST}`);
  return group;
}

/**
 * The group as `GET /targetGroups/{id}?includePeriods=true` answers it: the list leaves periods out, so
 * one per default value is put back (daily from the cycle start, the last one to the cycle end).
 */
function withPeriods(group: Json): Json {
  const [target] = group.targets as { defaultValues: { periodId: number }[] }[];
  const start = String(group.targetCycleStartDate).slice(0, 10) as IsoDate;
  const end = String(group.targetCycleEndDate).slice(0, 10) as IsoDate;
  const ids = (target?.defaultValues ?? []).map((value) => value.periodId);
  const periods = ids.map((id, index) => ({
    id,
    startDate: addDays(start, index),
    endDate: index === ids.length - 1 ? end : addDays(start, index),
    refCode: `Cycle_${index + 1}`,
    description: '',
    active: true,
  }));
  return { ...group, periods };
}

/** The create request that makes the same group on the simulator (server ids left out). */
function createRequestOf(group: Json): Json {
  const periods = (group.periods as Json[]).map(({ id: _id, ...period }) => period);
  const targets = (group.targets as Json[]).map(({ id: _id, ...target }) => ({
    ...target,
    defaultValues: (target.defaultValues as Json[]).map((value) => ({ defaultValue: value.defaultValue })),
  }));
  return { ...group, periods, targets };
}

const read = (group: Json): CapillaryTargetGroup => CapillaryTargetGroupSchema.parse(group);

/** A simulator at NOW, and an adapter talking to it without rate limits. */
function simulated(options: { retry?: false } = {}) {
  const simulator = createCapillarySimulator({ rateLimit: false, now: () => NOW });
  const adapter = createCapillaryAdapter({
    auth: CAPILLARY_SANDBOX.basic,
    fetch: simulator.fetch,
    rateLimits: false,
    ...options,
    now: () => NOW,
  });
  return { simulator, adapter };
}

const API_GROUPS: [string, Json][] = [
  ['2259: frequency -10, recurringCycles 0', withPeriods(listed(2259))],
  ['2094: frequency -10, deactivated', withPeriods(listed(2094))],
  ['1944: preferredTillId -1, recurringCycles -1', withPeriods(listed(1944))],
  ['9919: preferredTillId 0', example('edit-streaks.response.200.Result.json').data],
];
const SETTINGS = ['preferredTillId', 'frequency', 'recurringCycles', 'totalPeriods', 'frequencyType'];

describe('groups as the API returns them', () => {
  it.each(API_GROUPS)('%s writes back with its values unchanged', (_name, group) => {
    const { value: goal } = capillaryTargetGroupToGoal(read(group));
    const { value: request } = goalToCapillaryTargetGroup(goal);
    for (const setting of SETTINGS) {
      // A frequency field the group was read without is required by the create schema: one is derived.
      if (group[setting] === undefined && setting !== 'preferredTillId')
        expect((request as Json)[setting], setting).toBeTypeOf('number');
      else expect((request as Json)[setting], setting).toEqual(group[setting] ?? undefined);
    }
  });

  it.each(API_GROUPS.filter(([, group]) => group.active))(
    '%s takes a title-only update',
    async (_name, group) => {
      const { simulator, adapter } = simulated();
      const [id] = simulator.seedGroups([createRequestOf(group)]);
      const { goal } = await adapter.update(String(id), { title: `${group.name} renamed` });
      expect(goal.title).toBe(`${group.name} renamed`);
      const stored = simulator.targetGroups().find((item) => item.id === id) as Json | undefined;
      for (const setting of SETTINGS) expect(stored?.[setting], setting).toEqual(group[setting]);
    },
  );
});

describe('a copy of a group read without frequency fields (edit-streaks 9919)', () => {
  const group = example('edit-streaks.response.200.Result.json').data as Json;
  const { value: goal } = capillaryTargetGroupToGoal(read(group));
  const FREQUENCY_FIELDS = ['frequencyType', 'frequency', 'recurringCycles', 'totalPeriods'];

  it('sends every frequency field the OpenAPI create schema requires, deriving the missing ones', () => {
    expect([group.frequency, group.recurringCycles]).toEqual([undefined, undefined]);
    const { value: request } = goalToCapillaryTargetGroup(toGoalInput(goal));
    const spec = OpenApiDocument.load('capillary/v3.targetGroups.openapi.json', { basePaths: ['/v3'] });
    const problems = spec.checkRequest({
      method: 'POST',
      url: `${CAPILLARY_SANDBOX.origin}/v3/targetGroups`,
      body: request,
    });
    expect(problems.filter((problem) => FREQUENCY_FIELDS.some((field) => problem.includes(field)))).toEqual(
      [],
    );
    for (const field of [...FREQUENCY_FIELDS, 'targetEvaluationType'])
      expect((request as Json)[field], field).toBeDefined();
  });

  it('is created on a server that requires them, which refuses a body without one', async () => {
    const { simulator, adapter } = simulated({ retry: false });
    const { goal: created } = await adapter.create(toGoalInput(goal));
    expect(created.title).toBe(goal.title);
    const { value: request } = goalToCapillaryTargetGroup({ ...toGoalInput(goal), title: 'Another copy' });
    const { frequency: _dropped, ...withoutFrequency } = request as Json;
    const refused = await simulator.fetch(`${CAPILLARY_SANDBOX.origin}/v3/targetGroups`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(CAPILLARY_SANDBOX.basic.username, CAPILLARY_SANDBOX.basic.password),
        'content-type': 'application/json',
      },
      body: JSON.stringify(withoutFrequency),
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/300004.*body\.frequency is required/);
  });
});

describe('a copy of a legacy group without trackingType (get-target-groups-id Without_UC_Targets)', () => {
  const legacy = example('get-target-groups-id.response.200.Without_UC_Targets.json').data as Json;
  // The legacy answer has no targets; a copy gives it one, as a migration would.
  const { value: goal } = capillaryTargetGroupToGoal(read(legacy));
  const copy = {
    ...toGoalInput(goal),
    measure: { kind: 'count', metric: 'TRANSACTION/COUNT' },
    target: { value: '1' },
  } as const;

  it('sends the documented default, DEFAULT, that the OpenAPI create schema requires', () => {
    expect(legacy.trackingType).toBeUndefined();
    const { value: request } = goalToCapillaryTargetGroup(copy);
    expect(request.trackingType).toBe('DEFAULT');
    const spec = OpenApiDocument.load('capillary/v3.targetGroups.openapi.json', { basePaths: ['/v3'] });
    const problems = spec.checkRequest({
      method: 'POST',
      url: `${CAPILLARY_SANDBOX.origin}/v3/targetGroups`,
      body: request,
    });
    expect(problems.filter((problem) => problem.includes('trackingType'))).toEqual([]);
  });

  it('is created on a server that requires it', async () => {
    const { simulator, adapter } = simulated({ retry: false });
    const { goal: created } = await adapter.create(copy);
    expect(simulator.targetGroups().find((item) => String(item.id) === created.id)).toMatchObject({
      name: 'Demo Targets',
      trackingType: 'DEFAULT',
      recurringCycles: -1,
      frequency: 0,
      totalPeriods: 2,
    });
  });
});
