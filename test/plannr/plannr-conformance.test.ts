/** The shared adapter contract, held against the Plannr simulator: in process, and over a real localhost port. */
import type { Goal, GoalInputDraft, GoalPatchDraft } from '@goalbridge/core';
import { testGoalAdapter } from '@goalbridge/core/testing';
import { createPlannrAdapter, PLANNR_LIMITS } from '@goalbridge/plannr';
import { createPlannrSimulator, PLANNR_SANDBOX, startPlannrSandbox } from '@goalbridge/plannr/testing';

const [gareth, emily, priya] = PLANNR_SANDBOX.clientAccounts;
const [jonesFamily, thompsonFamily] = PLANNR_SANDBOX.circles;

function sampleInput(n: number): GoalInputDraft {
  return {
    title: `House deposit ${n}`,
    description: `Save a deposit for a first home (${n}).`,
    owners: [
      { type: 'account', id: gareth.uuid },
      { type: 'account', id: n % 2 === 0 ? emily.uuid : priya.uuid },
    ],
    measure: { kind: 'money', metric: 'financial_goal' },
    target: { value: `${25_000 + n}.5`, currency: 'GBP' },
    schedule: { end: '2027-04-29' },
    priority: (n % 5) + 1,
    progress: { percent: String(n % 101) },
    extensions: {
      plannr: {
        timeframe: 'Within the year.',
        shownOnCircles: true,
        visibleToCirclesUuids: [jonesFamily.uuid],
      },
    },
  };
}

function samplePatch(_goal: Goal, n: number): GoalPatchDraft {
  return {
    title: `Bigger deposit ${n}`,
    owners: [{ type: 'account', id: priya.uuid }],
    target: { value: '30000', currency: 'GBP' },
    schedule: { end: '2028-01-31' },
    priority: null,
    progress: { percent: '100' },
    extensions: {
      plannr: { timeframe: null, shownOnCircles: false, visibleToCirclesUuids: [thompsonFamily.uuid] },
    },
  };
}

const valid = sampleInput(1);
const withPlannr = (plannr: Record<string, unknown>) =>
  ({ ...valid, extensions: { plannr } }) as GoalInputDraft;

/** Plannr's own limits and rules, refused before any request (issue "Bad input"). */
const invalidInputs = [
  { path: 'title', input: { ...valid, title: 'x'.repeat(PLANNR_LIMITS.name + 1) } },
  { path: 'title', input: { ...valid, title: '😀'.repeat(PLANNR_LIMITS.name + 1) } },
  { path: 'description', input: { ...valid, description: 'x'.repeat(PLANNR_LIMITS.description + 1) } },
  { path: 'progress.percent', input: { ...valid, progress: { percent: '101' } } },
  { path: 'progress.percent', input: { ...valid, progress: { percent: '12.5' } } },
  { path: 'progress.percent', input: { ...valid, progress: { percent: -1 } } },
  { path: 'priority', input: { ...valid, priority: 0 } },
  { path: 'priority', input: { ...valid, priority: 6 } },
  { path: 'target.value', input: { ...valid, target: { value: '-0.01', currency: 'GBP' } } },
  { path: 'target.value', input: { ...valid, target: { value: 'a lot', currency: 'GBP' } } },
  { path: 'target.value', input: { ...valid, target: { value: '10.001', currency: 'GBP' } } },
  { path: 'target.value', input: { ...valid, target: { value: '1e20', currency: 'GBP' } } },
  { path: 'target.currency', input: { ...valid, target: { value: '10', currency: 'EUR' } } },
  { path: 'owners', input: { ...valid, owners: [] } },
  { path: 'owners.0.id', input: { ...valid, owners: [{ type: 'account', id: 'not-a-uuid' }] } },
  { path: 'owners.1.id', input: { ...valid, owners: [valid.owners?.[0], valid.owners?.[0]] } },
  { path: 'owners.0.type', input: { ...valid, owners: [{ type: 'person', id: '12' }] } },
  {
    path: 'extensions.plannr.timeframe',
    input: withPlannr({ timeframe: 'x'.repeat(PLANNR_LIMITS.timeframe + 1) }),
  },
  { path: 'extensions.plannr.shownOnCircles', input: withPlannr({ shownOnCircles: 'yes' }) },
  {
    path: 'extensions.plannr.visibleToCirclesUuids.0',
    input: withPlannr({ visibleToCirclesUuids: ['circle'] }),
  },
  { path: 'extensions.plannr.timeFrame', input: withPlannr({ timeFrame: 'typo' }) },
] as { input: GoalInputDraft; path: string }[];

const malformedIds = ['../goals', 'goal-1', '50436bb4-5120-4569-81d6-4c3b27de48a3/x', '50436bb4512045698'];

testGoalAdapter({
  name: 'plannr (in-process simulator)',
  setup() {
    const simulator = createPlannrSimulator();
    const adapter = createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: simulator.fetch,
    });
    return { adapter, requestCount: () => simulator.stats.requests };
  },
  sampleInput,
  samplePatch,
  unknownId: '6ff8f7f6-1eb3-3525-be4a-3932c805afed',
  invalidInputs,
  malformedIds,
  listing: { count: 23, pageSize: 5 },
});

testGoalAdapter({
  name: 'plannr (simulator on a localhost port)',
  async setup() {
    const sandbox = await startPlannrSandbox();
    const adapter = createPlannrAdapter({
      ...sandbox.adapterOptions,
      accessToken: async () => PLANNR_SANDBOX.accessToken,
    });
    return { adapter, requestCount: () => sandbox.simulator.stats.requests, cleanup: () => sandbox.close() };
  },
  sampleInput,
  samplePatch,
  unknownId: '6ff8f7f6-1eb3-3525-be4a-3932c805afed',
  malformedIds,
  listing: { count: 11, pageSize: 3 },
});
