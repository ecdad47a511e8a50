/** The shared adapter contract, held against the Pipedrive simulator with each kind of credential. */
import type { GoalInputDraft } from '@goalbridge/core';
import { toMswHandlers } from '@goalbridge/core/msw';
import { testGoalAdapter } from '@goalbridge/core/testing';
import { createPipedriveAdapter } from '@goalbridge/pipedrive';
import { createPipedriveSimulator, PIPEDRIVE_SANDBOX } from '@goalbridge/pipedrive/testing';
import { setupServer } from 'msw/node';

const sampleInput = (n: number): GoalInputDraft => ({
  title: `Q${(n % 4) + 1} revenue, goal ${n}`,
  owners: [{ type: 'person', id: String(PIPEDRIVE_SANDBOX.userId) }],
  measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [1, 2] } },
  target: { value: `${n}.25`, currency: 'EUR' },
  schedule: { start: '2026-01-01', end: null, recurrence: 'quarterly' },
  extensions: { pipedrive: { extra: { seasonality: { tracking_metric: 'sum', intervals: [] } } } },
});

const invalidInputs = [
  {
    path: 'measure.scope.stageId',
    input: { ...sampleInput(1), measure: { kind: 'money', metric: 'deals_won', scope: { stageId: 3 } } },
  },
  { path: 'target.currency', input: { ...sampleInput(1), target: { value: '10' } } },
  {
    path: 'schedule.start',
    input: { ...sampleInput(1), schedule: { end: '2026-12-31', recurrence: 'monthly' } },
  },
  {
    path: 'schedule.recurrence',
    input: { ...sampleInput(1), schedule: { start: '2026-01-01', recurrence: 'daily' } },
  },
  { path: 'owners', input: { ...sampleInput(1), owners: [] } },
  { path: 'owners.0.type', input: { ...sampleInput(1), owners: [{ type: 'account', id: '1' }] } },
  { path: 'owners.0.id', input: { ...sampleInput(1), owners: [{ type: 'person', id: 'me' }] } },
  {
    path: 'measure.metric',
    input: { ...sampleInput(1), measure: { kind: 'money', metric: 'TRANSACTION/SALES' } },
  },
  { path: 'target', input: { ...sampleInput(1), target: null } },
  {
    path: 'extensions.pipedrive.ownerID',
    input: { ...sampleInput(1), extensions: { pipedrive: { ownerID: 1 } } },
  },
  {
    path: 'extensions.pipedrive.extra.title',
    input: { ...sampleInput(1), extensions: { pipedrive: { extra: { title: 'x' } } } },
  },
] as const satisfies readonly { path: string; input: GoalInputDraft }[];

const common = {
  sampleInput,
  samplePatch: (_goal: unknown, n: number) => ({
    title: `Renamed ${n}`,
    target: { value: `${n * 2}`, currency: 'USD' },
    schedule: { start: '2026-02-01', end: '2026-11-30', recurrence: 'monthly' as const },
  }),
  unknownId: 'ffffffffffffffffffffffffffffffff',
  invalidInputs,
  malformedIds: [
    '../deals',
    '..',
    '5665cef556ddff22606fc8f6c0004807/results',
    'abc',
    ' 5665cef556ddff22606fc8f6c0004807',
  ],
  deleteBehaviour: 'remove' as const,
};

testGoalAdapter({
  ...common,
  name: 'pipedrive, API token, in-process fetch',
  setup: () => {
    const simulator = createPipedriveSimulator({ plan: 'ultimate' });
    const adapter = createPipedriveAdapter({
      apiToken: PIPEDRIVE_SANDBOX.apiToken,
      fetch: simulator.fetch,
      plan: 'ultimate',
    });
    return { adapter, requestCount: () => simulator.stats.requests };
  },
});

testGoalAdapter({
  ...common,
  name: 'pipedrive, OAuth token, company domain over msw',
  setup: () => {
    const simulator = createPipedriveSimulator({ plan: 'ultimate' });
    const server = setupServer(...toMswHandlers(simulator));
    server.listen({ onUnhandledFrame: 'error' });
    const adapter = createPipedriveAdapter({
      accessToken: async () => PIPEDRIVE_SANDBOX.accessToken,
      companyDomain: PIPEDRIVE_SANDBOX.companyDomain,
      plan: 'ultimate',
    });
    return { adapter, requestCount: () => simulator.stats.requests, cleanup: () => server.close() };
  },
});
