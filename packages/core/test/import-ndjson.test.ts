/**
 * Importing NDJSON. A source listed more than once in one input (files concatenated) is written once: a later
 * listing goes to the goal its first listing matched or created, never to another goal that happens to share
 * its key. An import that cannot go on ends its input early: the writes before finish and come summed up with
 * the error.
 */
import { describe, expect, it } from 'vitest';
import {
  type ApplyEvent,
  createMemoryAdapter,
  type Goal,
  type GoalInputDraft,
  goalToNdjson,
  ImportInterruptedError,
  InvalidLineError,
  importNdjson,
  MemoryIdMapStore,
  RateLimitError,
  ValidationError,
} from '../src/index.ts';

const BASE: GoalInputDraft = {
  title: 'A',
  measure: { kind: 'count', metric: 'deals' },
  target: { value: '1' },
};

/** Source goal `g1` of provider `src`, as an export would list it. */
function sourceGoal(overrides: Partial<Goal> = {}): Goal {
  return {
    id: 'g1',
    provider: 'src',
    title: 'A',
    owners: [],
    measure: { kind: 'count', metric: 'deals' },
    target: { value: '1' },
    schedule: {},
    status: 'active',
    extensions: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  } as Goal;
}

const values = (goals: Goal[]) => goals.map((goal) => [goal.id, goal.title, goal.target?.value]);

describe('a source listed twice in one input', () => {
  it.each([
    ['with an ID map', () => new MemoryIdMapStore()],
    ['without one', () => undefined],
  ])(
    'created by its first listing, a later one matching another goal by key leaves that goal alone (%s)',
    async (_name, idMap) => {
      const target = createMemoryAdapter({ goals: [BASE] });
      const lines = [
        goalToNdjson(sourceGoal({ title: 'B' })),
        goalToNdjson(sourceGoal({ target: { value: '2' } })),
      ];
      const summary = await importNdjson(lines, target, { concurrency: 1, idMap: idMap() });
      expect(summary.counts).toMatchObject({ created: 1, updated: 0, failed: 1 });
      expect(summary.failures[0]?.reason).toMatch(
        /came twice in this input with different .*the first was written as mem-2/,
      );
      expect(values(target.goals())).toEqual([
        ['mem-1', 'A', '1'],
        ['mem-2', 'B', '1'],
      ]);
    },
  );

  it('matched by its first listing, later ones are judged against that goal, not the next one with its key', async () => {
    const target = createMemoryAdapter({ goals: [BASE, BASE] });
    const same = goalToNdjson(sourceGoal({ target: { value: '5' } }));
    const events: { outcome: string; targetId: string | undefined }[] = [];
    const summary = await importNdjson([same, same, same], target, {
      concurrency: 1,
      onProgress: (event) => {
        if (event.type === 'item') events.push({ outcome: event.outcome, targetId: event.targetId });
      },
    });
    expect(summary.counts).toMatchObject({ updated: 1, unchanged: 2, failed: 0 });
    expect(events.map((event) => event.targetId)).toEqual(['mem-1', 'mem-1', 'mem-1']);
    expect(values(target.goals())).toEqual([
      ['mem-1', 'A', '5'],
      ['mem-2', 'A', '1'],
    ]);
  });

  it('created by its first listing, later ones like the goals already there are refused, never matched to them', async () => {
    const target = createMemoryAdapter({ goals: [BASE, BASE] });
    const idMap = new MemoryIdMapStore();
    const lines = [
      goalToNdjson(sourceGoal({ title: 'X' })),
      goalToNdjson(sourceGoal()),
      goalToNdjson(sourceGoal()),
    ];
    const targets: (string | undefined)[] = [];
    const summary = await importNdjson(lines, target, {
      concurrency: 1,
      idMap,
      onProgress: (event) => {
        if (event.type === 'item') targets.push(event.targetId);
      },
    });
    expect(summary.counts).toMatchObject({ created: 1, unchanged: 0, failed: 2 });
    expect(targets).toEqual(['mem-3', 'mem-3', 'mem-3']);
    expect((await idMap.get('src:g1', 'memory'))?.targetId).toBe('mem-3');
    expect(values(target.goals())).toEqual([
      ['mem-1', 'A', '1'],
      ['mem-2', 'A', '1'],
      ['mem-3', 'X', '1'],
    ]);
  });

  it.each([
    ['alike', { title: 'A' }, { unchanged: 2, created: 0, failed: 0 }],
    ['with another title', { title: 'A2' }, { unchanged: 1, created: 0, failed: 1 }],
  ] as const)(
    'held by the target before the run, listed twice %s under concurrent writes, is written once',
    async (_name, second, counts) => {
      const target = createMemoryAdapter({ goals: [BASE] });
      const lines = [goalToNdjson(sourceGoal()), goalToNdjson(sourceGoal(second))];
      const summary = await importNdjson(lines, target, { concurrency: 4, idMap: new MemoryIdMapStore() });
      expect(summary.counts).toMatchObject(counts);
      expect(values(target.goals())).toEqual([['mem-1', 'A', '1']]);
    },
  );

  it('on a target that needs unique titles, listed twice alike after a goal of the same title, is unchanged', async () => {
    const memory = createMemoryAdapter();
    const target = { ...memory, capabilities: { ...memory.capabilities, uniqueTitles: true } };
    const lines = [
      goalToNdjson(sourceGoal({ id: 'g1', title: 'Q1 spend' })),
      goalToNdjson(sourceGoal({ id: 'g2', title: 'Q1 spend', target: { value: '7' } })),
      goalToNdjson(sourceGoal({ id: 'g2', title: 'Q1 spend', target: { value: '7' } })),
    ];
    const summary = await importNdjson(lines, target, { concurrency: 1 });
    expect(summary.counts).toMatchObject({ created: 2, unchanged: 1, failed: 0 });
    expect(values(memory.goals())).toEqual([
      ['mem-1', 'Q1 spend', '1'],
      ['mem-2', 'Q1 spend (2)', '7'],
    ]);
  });

  it.each([1, 4])(
    'held by the target, whose update fails, fails on every listing (concurrency %i)',
    async (concurrency) => {
      const memory = createMemoryAdapter({ goals: [BASE] });
      const refusing = {
        ...memory,
        update: async () => {
          throw new ValidationError([{ path: 'target', message: 'refused' }], {
            subject: 'goal',
            provider: 'memory',
          });
        },
      };
      const line = goalToNdjson(sourceGoal({ target: { value: '5' } }));
      const idMap = new MemoryIdMapStore();
      const summary = await importNdjson([line, line], refusing, { concurrency, idMap });
      expect(summary.counts).toMatchObject({ updated: 0, unchanged: 0, failed: 2 });
      expect(summary.failures[1]?.reason).toMatch(/after its first listing failed/);
      expect(await idMap.get('src:g1', 'memory')).toBeUndefined();
    },
  );

  it('created by its first listing, a repeat whose comparison read fails fails alone; the run goes on', async () => {
    const memory = createMemoryAdapter();
    const unreadable = {
      ...memory,
      get: async () => {
        throw new ValidationError([{ path: 'id', message: 'cannot be read' }], {
          subject: 'id',
          provider: 'memory',
        });
      },
    };
    const lines = [
      goalToNdjson(sourceGoal()),
      goalToNdjson(sourceGoal()),
      goalToNdjson(sourceGoal({ id: 'g2' })),
    ];
    const summary = await importNdjson(lines, unreadable, { concurrency: 1 });
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 });
    expect(memory.goals()).toHaveLength(2);
  });

  it('held by the target, whose first update meets a spent budget, is left for the next run, not failed', async () => {
    const memory = createMemoryAdapter({ goals: [BASE] });
    const spent = {
      ...memory,
      update: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new RateLimitError('budget spent', {
          kind: 'daily',
          resetAt: new Date('2026-12-01T00:00:00Z'),
        });
      },
    };
    const line = goalToNdjson(sourceGoal({ target: { value: '5' } }));
    const summary = await importNdjson([line, line], spent, { concurrency: 4 });
    expect(summary.counts).toMatchObject({ updated: 0, unchanged: 0, failed: 0 });
    expect(summary.stopped?.resetAt).toBe('2026-12-01T00:00:00.000Z');
  });
});

/** Line `n` of an input: source goal `g<n>`, titled `Goal <n>`. */
const line = (n: number, overrides: Partial<Goal> = {}) =>
  goalToNdjson(sourceGoal({ id: `g${n}`, title: `Goal ${n}`, ...overrides }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe('importNdjson stopping early', () => {
  it('with stopOnInvalid stops at a line the plan finds invalid for the target, not only at one that does not parse', async () => {
    const target = createMemoryAdapter({
      goals: [{ title: 'Goal 2', measure: { kind: 'count', metric: 'deals' }, target: { value: '1' } }],
    });
    const lines = [line(1), line(2, { target: { value: '9' } }), line(3)];
    const error = await rejection(
      importNdjson(lines, target, { concurrency: 1, stopOnInvalid: true, conflict: 'fail' }),
    );
    expect(error).toBeInstanceOf(InvalidLineError);
    const { line: at, summary, issues } = error as InvalidLineError;
    expect(at).toBe(2);
    expect(issues[0]?.message).toMatch(/differs in target \(conflict policy: fail\)/);
    expect(summary?.counts).toMatchObject({ created: 1, failed: 0 });
    expect(summary?.stopped?.reason).toMatch(/input line 2 is invalid/);
    expect(target.goals().map((goal) => goal.title)).toEqual(['Goal 2', 'Goal 1']);
  });

  it('an input that fails while read ends the run with the summary of what was written, and says after which line', async () => {
    const target = createMemoryAdapter();
    const events: ApplyEvent['type'][] = [];
    async function* failing() {
      for (let n = 1; n <= 3; n++) yield line(n);
      throw new Error('disk read failed');
    }
    const error = await rejection(
      importNdjson(failing(), target, {
        inputName: 'goals.ndjson',
        onProgress: (event) => events.push(event.type),
      }),
    );
    expect(error).toBeInstanceOf(ImportInterruptedError);
    const { summary, afterLine, message, cause } = error as ImportInterruptedError;
    expect([afterLine, message]).toEqual([3, 'goals.ndjson failed after line 3: disk read failed']);
    expect((cause as Error).message).toBe('disk read failed');
    expect(summary.counts).toMatchObject({ created: 3 });
    expect(summary.stopped?.reason).toBe(message);
    expect(events.slice(-2)).toEqual(['stopped', 'done']);
    expect(target.goals()).toHaveLength(3);
  });
});
