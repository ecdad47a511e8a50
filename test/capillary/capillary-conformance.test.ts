/** The shared adapter contract, held against the Capillary simulator with both auth kinds. */
import { createCapillaryAdapter } from '@goalbridge/capillary';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '@goalbridge/capillary/testing';
import type { GoalInputDraft } from '@goalbridge/core';
import { testGoalAdapter } from '@goalbridge/core/testing';

const EXPRESSION_JSON_TRUE = '{"arity":"literal","value":"true","type":"boolean:primitive"}';
const scope = {
  eventName: 'TransactionAdd',
  expression: 'true',
  expressionJson: EXPRESSION_JSON_TRUE,
  filters: [],
};

function sample(n: number): GoalInputDraft {
  return {
    title: `Spend goal ${n}`,
    description: `Monthly spend target number ${n}`,
    measure: { kind: 'money', metric: 'TRANSACTION/SALES', scope },
    target: { value: `${n}.25` },
    schedule: {
      start: '2026-01-01',
      end: '2026-03-31',
      recurrence: 'monthly',
      periods: [
        { start: '2026-01-01', end: '2026-01-31', ref: 'Cycle_1' },
        { start: '2026-02-01', end: '2026-02-28', ref: 'Cycle_2' },
        { start: '2026-03-01', end: '2026-03-31', ref: 'Cycle_3', target: `${n + 1}` },
      ],
    },
    status: 'active',
    extensions: { capillary: { preferredTillId: 75155297, target: { enrolmentMethod: 'TRANSACTION' } } },
  };
}

const valid = sample(1);
const invalidInputs: { input: GoalInputDraft; path: string }[] = [
  { path: 'title', input: { ...valid, title: 'x'.repeat(201) } },
  { path: 'description', input: { ...valid, description: 'x'.repeat(256) } },
  { path: 'measure.metric', input: { ...valid, measure: { kind: 'count', metric: 'deals_won' } } },
  { path: 'measure.kind', input: { ...valid, measure: { kind: 'count', metric: 'TRANSACTION/SALES' } } },
  { path: 'target', input: { ...valid, target: null } },
  { path: 'target.value', input: { ...valid, target: { value: '10.1234' } } },
  { path: 'schedule.start', input: { ...valid, schedule: { end: '2026-03-31', recurrence: 'monthly' } } },
  { path: 'schedule.end', input: { ...valid, schedule: { start: '2026-01-01', end: null } } },
  {
    path: 'schedule.end',
    input: { ...valid, schedule: { start: '2026-01-01', end: '2027-12-31', recurrence: 'daily' } },
  },
  {
    path: 'schedule.periods',
    input: { ...valid, schedule: { start: '2026-01-01', end: '2026-03-31', recurrence: 'custom' } },
  },
  {
    path: 'schedule.periods.1.start',
    input: {
      ...valid,
      schedule: {
        start: '2026-01-01',
        end: '2026-03-31',
        periods: [
          { start: '2026-01-01', end: '2026-02-10' },
          { start: '2026-02-01', end: '2026-03-31' },
        ],
      },
    },
  },
  {
    path: 'schedule.periods.0.end',
    input: {
      ...valid,
      schedule: {
        start: '2026-01-01',
        end: '2026-03-31',
        periods: [{ start: '2026-01-01', end: '2026-04-30' }],
      },
    },
  },
  {
    path: 'measure.scope.eventName',
    input: { ...valid, measure: { kind: 'count', metric: 'EVENT/COUNT', scope: { expression: 'true' } } },
  },
  {
    path: 'measure.scope.filters.0.entityType',
    input: {
      ...valid,
      measure: { ...valid.measure, scope: { ...scope, filters: [{ entityType: 'REGION', entityIds: [1] }] } },
    },
  },
  {
    path: 'extensions.capillary.trackingType',
    input: { ...valid, extensions: { capillary: { trackingType: 'SPRINT' } } },
  },
  {
    path: 'extensions.capillary.streaks',
    input: { ...valid, extensions: { capillary: { trackingType: 'STREAKS' } } },
  },
  {
    path: 'extensions.capillary.additionalTargets.0.values.Cycle_9',
    input: {
      ...valid,
      extensions: {
        capillary: {
          additionalTargets: [
            {
              name: 'visits',
              metric: 'TRANSACTION/VISIT',
              values: { Cycle_1: '1', Cycle_2: '1', Cycle_3: '1', Cycle_9: '4' },
            },
          ],
        },
      },
    },
  },
];

for (const auth of [CAPILLARY_SANDBOX.basic, CAPILLARY_SANDBOX.oauth]) {
  testGoalAdapter({
    name: `capillary (${auth.type} auth, simulator)`,
    setup: () => {
      const simulator = createCapillarySimulator({ rateLimit: false });
      const adapter = createCapillaryAdapter({
        auth,
        fetch: simulator.fetch,
        rateLimits: false,
        retry: false,
      });
      return { adapter, requestCount: () => simulator.stats.requests };
    },
    sampleInput: sample,
    samplePatch: (_goal, n) => ({
      title: `Renamed ${n}`,
      description: `Changed ${n}`,
      target: { value: `${n}.5` },
    }),
    unknownId: '999999',
    invalidInputs,
    malformedIds: ['../targetGroups', 'abc', '0', '-1', '12.5', '1e3'],
    deleteBehaviour: 'deactivate',
  });
}
