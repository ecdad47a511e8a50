/**
 * Core-only demo: streams goals from one in-memory adapter into another and proves nothing was lost.
 * (The CLI's `goalbridge demo` runs a real migration between the provider simulators.)
 */
import { createMemoryAdapter, type GoalInputDraft } from '@goalbridge/core';

const kinds = ['deals_won', 'activities_completed', 'revenue_forecast'] as const;

function sampleGoal(n: number): GoalInputDraft {
  const money = n % 2 === 0;
  return {
    title: `Goal ${n}: ${kinds[n % kinds.length]}`,
    owners: [{ type: n % 3 === 0 ? 'team' : 'person', id: String(100 + (n % 7)) }],
    measure: { kind: money ? 'money' : 'count', metric: kinds[n % kinds.length] as string },
    target: money ? { value: `${1000 + n}.50`, currency: 'EUR' } : { value: String(10 + n) },
    schedule: { start: '2026-01-01', end: n % 5 === 0 ? null : '2026-12-31', recurrence: 'quarterly' },
  };
}

const source = createMemoryAdapter({
  provider: 'memory-source',
  goals: Array.from({ length: 250 }, (_, i) => sampleGoal(i)),
});
const target = createMemoryAdapter({ provider: 'memory-target' });

const started = performance.now();
let copied = 0;
for await (const goal of source.list({ pageSize: 40 })) {
  const { id, provider, createdAt, updatedAt, ...data } = goal;
  await target.create({ ...data, origin: { provider, id } });
  copied++;
}
const elapsed = (performance.now() - started).toFixed(0);

const sourceGoals = source.goals();
const targetGoals = target.goals();
const sameData = targetGoals.every(
  (goal, index) => goal.title === sourceGoals[index]?.title && goal.origin?.id === sourceGoals[index]?.id,
);
console.table({
  source: { goals: sourceGoals.length },
  target: { goals: targetGoals.length },
});
console.log(
  `copied ${copied} goals in ${elapsed} ms; counts match: ${sourceGoals.length === targetGoals.length}; data matches: ${sameData}`,
);
if (sourceGoals.length !== targetGoals.length || !sameData) process.exit(1);
