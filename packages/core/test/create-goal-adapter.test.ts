/** The adapter shell around a driver: which driver methods implement an operation, and what it refuses. */
import { describe, expect, it } from 'vitest';
import type { AdapterCapabilities, GoalDriver, Operation, PreparedWrite } from '../src/adapter/contract.ts';
import { createGoalAdapter } from '../src/adapter/create-goal-adapter.ts';
import { UnsupportedError, ValidationError } from '../src/errors.ts';
import type { Goal, GoalInputDraft } from '../src/model/goal.ts';

const GOAL: Goal = {
  id: 'g-1',
  provider: 'prepared',
  title: 'Deals won',
  owners: [],
  measure: { kind: 'count', metric: 'deals_won' },
  target: { value: '10' },
  schedule: { start: '2026-01-01', end: '2026-12-31' },
  status: 'active',
  extensions: {},
};
const INPUT: GoalInputDraft = {
  title: 'Deals won',
  measure: { kind: 'count', metric: 'deals_won' },
  target: { value: '10' },
  schedule: { start: '2026-01-01', end: '2026-12-31' },
};

function capabilities(operations: Operation[]): AdapterCapabilities {
  return {
    operations,
    fields: { readable: ['title'], writable: ['title'] },
    rateLimits: [],
    pagination: { kind: 'none' },
    measureKinds: ['count'],
    ownerTypes: [],
  };
}

/** A driver that writes only through prepared writes, refusing a title of "refused". */
function preparedDriver(operations: Operation[], sent: string[]): GoalDriver {
  const prepared = (what: string, title: unknown): PreparedWrite => ({
    issues: title === 'refused' ? [{ path: 'title', message: 'refused here' }] : [],
    send: async () => {
      sent.push(what);
      return { goal: GOAL, warnings: [] };
    },
  });
  return {
    provider: 'prepared',
    capabilities: capabilities(operations),
    prepareCreate: (input) => prepared('create', input.title),
    prepareUpdate: (id, patch) => prepared(`update ${id}`, patch.title),
  };
}

describe('a driver that writes only through prepared writes', () => {
  it('creates and updates with them, no create or update method needed', async () => {
    const sent: string[] = [];
    const adapter = createGoalAdapter(preparedDriver(['create', 'update'], sent));
    expect((await adapter.create(INPUT)).goal).toEqual(GOAL);
    expect((await adapter.update('g-1', { title: 'More deals' })).goal).toEqual(GOAL);
    expect(sent).toEqual(['create', 'update g-1']);
  });

  it('refuses with the prepared issues before sending anything', async () => {
    const sent: string[] = [];
    const adapter = createGoalAdapter(preparedDriver(['create', 'update'], sent));
    const created = await adapter.create({ ...INPUT, title: 'refused' }).catch((error: unknown) => error);
    const updated = await adapter.update('g-1', { title: 'refused' }).catch((error: unknown) => error);
    for (const error of [created, updated]) {
      expect(ValidationError.isInstance(error) && error.issues).toEqual([
        { path: 'title', message: 'refused here' },
      ]);
    }
    expect(sent).toEqual([]);
  });

  it('still refuses an operation it does not declare, before reading the input', async () => {
    const sent: string[] = [];
    const adapter = createGoalAdapter(preparedDriver(['list'], sent));
    for (const write of [
      () => adapter.create({ nonsense: true } as unknown as GoalInputDraft),
      () => adapter.update('g-1', {}),
    ]) {
      const error = await write().catch((caught: unknown) => caught);
      expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
    }
    expect(sent).toEqual([]);
  });
});

describe('checkUpdate: what an update of a goal as read would be refused for, sending nothing', () => {
  it('reads the patch, asks the prepared write, then the driver’s check against the current goal', () => {
    const sent: string[] = [];
    const asked: string[] = [];
    const adapter = createGoalAdapter({
      ...preparedDriver(['update'], sent),
      checkUpdate: (current, patch) => {
        asked.push(`${current.id}: ${patch.title}`);
        return patch.title === 'stale' ? [{ path: 'title', message: 'not as the goal stands' }] : [];
      },
    });
    expect(adapter.checkUpdate(GOAL, { title: 42 } as never)).toEqual([
      { path: 'title', message: expect.stringContaining('string') },
    ]);
    expect(adapter.checkUpdate(GOAL, { title: 'refused' })).toEqual([
      { path: 'title', message: 'refused here' },
    ]);
    expect(adapter.checkUpdate(GOAL, { title: 'stale' })).toEqual([
      { path: 'title', message: 'not as the goal stands' },
    ]);
    expect(adapter.checkUpdate(GOAL, { title: 'More deals' })).toEqual([]);
    expect(asked).toEqual(['g-1: stale', 'g-1: More deals']);
    expect(sent).toEqual([]);
  });

  it('leaves the update to decide when the driver’s check throws', () => {
    const adapter = createGoalAdapter({
      ...preparedDriver(['update'], []),
      checkUpdate: () => {
        throw new TypeError('a bug in the prediction');
      },
    });
    expect(adapter.checkUpdate(GOAL, { title: 'More deals' })).toEqual([]);
  });

  it('uses checkPatch for a driver without prepared writes, and refuses an undeclared update', () => {
    const driver: GoalDriver = {
      provider: 'plain',
      capabilities: capabilities(['update']),
      checkPatch: (patch) => ({
        issues: patch.title === 'refused' ? [{ path: 'title', message: 'refused by checkPatch' }] : [],
        warnings: [],
      }),
      update: async () => ({ goal: GOAL, warnings: [] }),
    };
    expect(createGoalAdapter(driver).checkUpdate(GOAL, { title: 'refused' })).toEqual([
      { path: 'title', message: 'refused by checkPatch' },
    ]);
    expect(createGoalAdapter(driver).checkUpdate(GOAL, { title: 'fine' })).toEqual([]);
    const readOnly = createGoalAdapter({ ...driver, capabilities: capabilities(['list']) });
    const { update: _update, ...withoutUpdate } = driver;
    const declaredOnly = createGoalAdapter(withoutUpdate);
    for (const adapter of [readOnly, declaredOnly]) {
      expect(adapter.checkUpdate(GOAL, { title: 'fine' })).toEqual([
        { path: '', message: 'plain does not support update' },
      ]);
    }
  });
});

describe('call options: refused with a ValidationError naming them, before the driver is asked', () => {
  /** A driver implementing every operation, recording the ones it is asked for. */
  function recordingDriver(asked: string[], maxPageSize?: number): GoalDriver {
    const answer =
      <T>(operation: string, value: T) =>
      async () => {
        asked.push(operation);
        return value;
      };
    return {
      provider: 'recording',
      capabilities: {
        ...capabilities(['list', 'get', 'create', 'update', 'delete', 'progress']),
        pagination: maxPageSize === undefined ? { kind: 'page' } : { kind: 'page', maxPageSize },
      },
      async *list() {
        asked.push('list');
        yield GOAL;
      },
      get: answer('get', GOAL),
      create: answer('create', { goal: GOAL, warnings: [] }),
      update: answer('update', { goal: GOAL, warnings: [] }),
      delete: answer('delete', undefined),
      progress: answer('progress', { achieved: '1' }),
    };
  }

  async function refusal(run: () => Promise<unknown>): Promise<unknown> {
    return run().then(
      () => new Error('expected a refusal'),
      (error: unknown) => error,
    );
  }

  async function listed(adapter: ReturnType<typeof createGoalAdapter>, options: unknown): Promise<Goal[]> {
    const goals: Goal[] = [];
    for await (const goal of adapter.list(options as never)) goals.push(goal);
    return goals;
  }

  it('refuses a bad timeoutMs or signal for every operation', async () => {
    const asked: string[] = [];
    const adapter = createGoalAdapter(recordingDriver(asked));
    const bad: [unknown, string][] = [
      [{ timeoutMs: -5 }, 'timeoutMs'],
      [{ timeoutMs: 0.5 }, 'timeoutMs'],
      [{ timeoutMs: Number.NaN }, 'timeoutMs'],
      [{ timeoutMs: 3e9 }, 'timeoutMs'],
      [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs'],
      [{ timeoutMs: 'abc' }, 'timeoutMs'],
      [{ signal: {} }, 'signal'],
      [null, ''],
      ['abc', ''],
      [5, ''],
      [[], ''],
    ];
    for (const [options, path] of bad) {
      const call = options as never;
      for (const run of [
        () => listed(adapter, call),
        () => adapter.get('g-1', call),
        () => adapter.create(INPUT, call),
        () => adapter.update('g-1', { title: 'More deals' }, call),
        () => adapter.delete('g-1', call),
        () => adapter.progress('g-1', {}, call),
      ]) {
        const error = await refusal(run);
        expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([path]);
      }
    }
    expect(asked).toEqual([]);
    const signal = new AbortController().signal;
    await adapter.get('g-1', { signal, timeoutMs: 2_147_483_647 });
    expect(asked).toEqual(['get']);
  });

  it('refuses a list pageSize that is not a whole number from 1 to the largest page the provider serves', async () => {
    const asked: string[] = [];
    const adapter = createGoalAdapter(recordingDriver(asked, 100));
    for (const pageSize of [0, -5, 2.5, 'abc', 101, 1e7]) {
      const error = await refusal(() => listed(adapter, { pageSize }));
      expect(ValidationError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual([
        'pageSize',
      ]);
    }
    expect(asked).toEqual([]);
    expect(await listed(adapter, { pageSize: 100 })).toEqual([GOAL]);
    const unbounded = createGoalAdapter(recordingDriver(asked));
    expect(await listed(unbounded, { pageSize: 1e7 })).toEqual([GOAL]);
  });
});

describe('list: an abort ends the listing at the next goal, not at the next page', () => {
  it('yields no goal of a page already read once the signal aborts', async () => {
    const pages: number[] = [];
    const adapter = createGoalAdapter({
      provider: 'paged',
      capabilities: capabilities(['list']),
      async *list() {
        for (let page = 1; page <= 2; page++) {
          pages.push(page);
          for (let n = 0; n < 50; n++) yield { ...GOAL, id: `g-${page}-${n}` };
        }
      },
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const ended = (async () => {
      for await (const goal of adapter.list({ signal: controller.signal })) {
        seen.push(goal.id);
        controller.abort(new Error('stop'));
      }
    })();
    await expect(ended).rejects.toThrow('stop');
    expect([seen, pages]).toEqual([['g-1-0'], [1]]);
  });
});
