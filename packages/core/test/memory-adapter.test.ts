import { describe, expect, it } from 'vitest';
import { NotFoundError, UnsupportedError, ValidationError } from '../src/errors.ts';
import { createMemoryAdapter } from '../src/memory/memory-adapter.ts';
import type { GoalInputDraft } from '../src/model/goal.ts';
import { testGoalAdapter } from '../src/testing/conformance.ts';

function sample(n: number): GoalInputDraft {
  return {
    title: `Goal ${n}`,
    description: `Sample goal number ${n}`,
    owners: [{ type: 'person', id: String(n), name: `Person ${n}` }],
    measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [n % 3] } },
    target: { value: `${n}.25`, currency: 'EUR' },
    schedule: {
      start: '2025-01-01',
      end: '2025-03-31',
      recurrence: 'monthly',
      periods: [{ start: '2025-01-01', end: '2025-01-31', target: '10', ref: 'jan' }],
    },
    status: 'active',
    priority: (n % 5) + 1,
    progress: { percent: '12.5' },
    origin: { provider: 'pipedrive', id: `p-${n}` },
    extensions: { memory: { note: `n${n}` } },
  };
}

let adapter = createMemoryAdapter();
testGoalAdapter({
  name: 'memory',
  setup: () => {
    adapter = createMemoryAdapter({ pageSize: 4 });
    return { adapter, requestCount: () => adapter.operationCount };
  },
  sampleInput: sample,
  samplePatch: (_goal, n) => ({
    title: `Renamed ${n}`,
    target: { value: '99', currency: 'GBP' },
    priority: 1,
  }),
  unknownId: 'mem-does-not-exist',
});

testGoalAdapter({
  name: 'memory, read-only',
  setup: () => {
    const readOnly = createMemoryAdapter({ operations: ['list', 'get'], goals: [sample(1)] });
    return { adapter: readOnly, requestCount: () => readOnly.operationCount };
  },
  sampleInput: sample,
  unknownId: 'mem-404',
});

describe('memory adapter', () => {
  it('starts with the given goals and numbers new ones', async () => {
    const memory = createMemoryAdapter({ goals: [sample(1), sample(2)], createId: (n) => `g${n}` });
    expect(memory.goals().map((g) => g.id)).toEqual(['g1', 'g2']);
    expect(memory.operationCount).toBe(0);
    const { goal } = await memory.create(sample(3));
    expect(goal.id).toBe('g3');
  });

  it('refuses an update that would make the goal inconsistent, keeping the stored goal', async () => {
    const memory = createMemoryAdapter({ goals: [sample(1)] });
    const [stored] = memory.goals();
    await expect(
      memory.update('mem-1', { schedule: { start: '2025-05-01', end: '2025-04-01' } }),
    ).rejects.toSatisfy((error) => ValidationError.isInstance(error));
    expect(memory.goals()[0]).toEqual(stored);
  });

  it('returns copies, so callers cannot change stored goals', async () => {
    const memory = createMemoryAdapter({ goals: [sample(1)] });
    const goal = await memory.get('mem-1');
    goal.title = 'mutated';
    (goal.owners[0] as { id: string }).id = 'x';
    expect((await memory.get('mem-1')).title).toBe('Goal 1');
    expect((await memory.get('mem-1')).owners[0]?.id).toBe('1');
  });

  it('lists goals edited or deleted during listing at most once', async () => {
    const memory = createMemoryAdapter({ goals: [1, 2, 3, 4, 5].map(sample), pageSize: 2 });
    const seen: string[] = [];
    for await (const goal of memory.list()) {
      seen.push(goal.id);
      if (goal.id === 'mem-1') {
        await memory.update('mem-4', { title: 'changed' });
        await memory.delete('mem-5');
        await memory.create(sample(6));
      }
    }
    expect(seen).toEqual(['mem-1', 'mem-2', 'mem-3', 'mem-4']);
  });

  it('stops listing when aborted', async () => {
    const memory = createMemoryAdapter({ goals: [1, 2, 3, 4, 5].map(sample), pageSize: 2 });
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const goal of memory.list({ signal: controller.signal })) {
          seen.push(goal.id);
          controller.abort(new Error('enough'));
        }
      })(),
    ).rejects.toThrow('enough');
    // At the next goal, though the page read holds another.
    expect(seen).toEqual(['mem-1']);
  });

  it('reports progress and unknown ids', async () => {
    const memory = createMemoryAdapter({ goals: [sample(1)] });
    expect(await memory.progress('mem-1')).toEqual({ percent: '12.5' });
    await expect(memory.progress('nope')).rejects.toSatisfy((error) => NotFoundError.isInstance(error));
    const noProgress = createMemoryAdapter({ operations: ['get'] });
    await expect(noProgress.progress('x')).rejects.toSatisfy((error) => UnsupportedError.isInstance(error));
  });

  it('checks an input without storing anything', () => {
    const memory = createMemoryAdapter();
    expect(memory.check(sample(1))).toEqual({ issues: [], warnings: [] });
    expect(memory.check({ ...sample(1), title: '' }).issues.map((i) => i.path)).toEqual(['title']);
    expect(memory.goals()).toEqual([]);
  });
});
