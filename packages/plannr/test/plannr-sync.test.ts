/**
 * Plannr as a migration target. Plannr answers UUIDs in lower case and a sync compares owner ids exactly, so an
 * owner id in any other case is refused when the migration is planned, before any write; given as Plannr
 * writes it, a written goal is recognised by the next plan.
 */
import {
  apply,
  createMemoryAdapter,
  type GoalInputDraft,
  MemoryIdMapStore,
  type Owner,
  type PlanOptions,
  parseOwnerMap,
  plan,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { createPlannrAdapter, PLANNR_MEASURE } from '../src/index.ts';
import { createPlannrSimulator, PLANNR_SANDBOX } from '../src/testing/index.ts';

const [gareth, emily] = PLANNR_SANDBOX.clientAccounts;
const account = (id: string): Owner => ({ type: 'account', id });
const lowerCaseOnly = (uuid: string) => ({
  path: 'owners.0.id',
  message: `must be a lower-case UUID, as Plannr writes it: ${uuid}`,
});

/** Goals whose owners (memory persons) have no Plannr account: the default owner or the owner map decides. */
const sourceGoals: GoalInputDraft[] = ['House deposit', 'Pension top-up', 'Emergency fund'].map(
  (title, n) => ({
    title,
    owners: [{ type: 'person', id: String(n + 1) }],
    measure: PLANNR_MEASURE,
    target: { value: String((n + 1) * 1000), currency: 'GBP' },
  }),
);

/** A memory source and a Plannr target on the simulator, recording the methods of the requests sent. */
function setup() {
  const simulator = createPlannrSimulator({ rateLimit: false });
  const methods: string[] = [];
  const target = createPlannrAdapter({
    accessToken: PLANNR_SANDBOX.accessToken,
    accountUuid: PLANNR_SANDBOX.accountUuid,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      methods.push(request.method);
      return simulator.fetch(request);
    },
    rateLimits: false,
  });
  const source = createMemoryAdapter({ goals: sourceGoals });
  return { simulator, source, target, writes: () => methods.filter((method) => method !== 'GET') };
}

describe.each([
  ['without an ID map', (): PlanOptions => ({})],
  ['with an ID map', (): PlanOptions => ({ idMap: new MemoryIdMapStore() })],
])('Plannr as a migration target, %s', (_, state) => {
  it('refuses an upper-case default owner before any write; in lower case, a re-plan finds nothing to do', async () => {
    const { simulator, source, target, writes } = setup();
    const { idMap } = state();
    const upper = { idMap, defaults: { owners: [account(gareth.uuid.toUpperCase())] } };
    const refused = await plan(source, target, upper);
    expect(refused.counts).toMatchObject({ create: 0, invalid: 3 });
    for (const item of refused.items) {
      expect(item.action === 'invalid' && item.issues).toEqual([lowerCaseOnly(gareth.uuid)]);
    }
    expect((await apply(refused, { target, idMap })).counts).toMatchObject({ created: 0, failed: 3 });
    expect(writes()).toEqual([]);

    const lower = { idMap, defaults: { owners: [account(gareth.uuid)] } };
    const written = await apply(await plan(source, target, lower), { target, idMap });
    expect(written.counts.created).toBe(3);
    const again = await plan(source, target, lower);
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: 3 });
    expect(simulator.goalCount).toBe(3);
  });
});

describe('Plannr as a migration target, with an ID map', () => {
  it('refuses an upper-case owner from an owner map instead of planning an owners update for ever', async () => {
    const { simulator, source, target, writes } = setup();
    const idMap = new MemoryIdMapStore();
    const defaults = { owners: [account(gareth.uuid)] };
    await apply(await plan(source, target, { idMap, defaults }), { target, idMap });
    const writesBefore = writes().length;

    const ownerMap = (id: string) => parseOwnerMap({ 'memory:person:1': account(id) });
    const upper = await plan(source, target, {
      idMap,
      defaults,
      ownerMap: ownerMap(emily.uuid.toUpperCase()),
    });
    expect(upper.counts).toMatchObject({ update: 0, invalid: 1, unchanged: 2 });
    const refused = upper.items.find((item) => item.action === 'invalid');
    expect(refused?.action === 'invalid' && refused.issues).toEqual([lowerCaseOnly(emily.uuid)]);
    await apply(upper, { target, idMap });
    expect(writes()).toHaveLength(writesBefore);

    const lower = { idMap, defaults, ownerMap: ownerMap(emily.uuid) };
    const moved = await plan(source, target, lower);
    expect(moved.counts).toMatchObject({ update: 1, unchanged: 2 });
    expect((await apply(moved, { target, idMap })).counts.updated).toBe(1);
    expect((await plan(source, target, lower)).counts).toMatchObject({ update: 0, unchanged: 3 });
    expect(simulator.goalCount).toBe(3);
  });
});
