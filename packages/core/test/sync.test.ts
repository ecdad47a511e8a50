import { describe, expect, it } from 'vitest';
import type { GoalAdapter } from '../src/adapter/contract.ts';
import {
  PartialWriteError,
  RateLimitError,
  TimeoutError,
  TransientError,
  ValidationError,
} from '../src/errors.ts';
import { sleep } from '../src/http/retry-timing.ts';
import { createMemoryAdapter, type MemoryAdapter } from '../src/memory/memory-adapter.ts';
import type { GoalInputDraft } from '../src/model/goal.ts';
import { exportNdjson, importNdjson } from '../src/streams/ndjson.ts';
import { type ApplyEvent, apply } from '../src/sync/apply.ts';
import { covers, diffGoal, sameValue, unstoredPaths } from '../src/sync/compare.ts';
import { type IdMapStore, MemoryIdMapStore } from '../src/sync/id-map.ts';
import { migrate } from '../src/sync/migrate.ts';
import { parseOwnerMap } from '../src/sync/owner-map.ts';
import { plan } from '../src/sync/plan.ts';
import { WarningGroups } from '../src/sync/summary.ts';

function goal(n: number, extra: Partial<GoalInputDraft> = {}): GoalInputDraft {
  return {
    title: `Goal ${n}`,
    owners: [{ type: 'person', id: String(n % 4) }],
    measure: { kind: 'money', metric: 'deals_won' },
    target: { value: `${n}00`, currency: 'EUR' },
    schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'monthly' },
    ...extra,
  };
}

function source(count: number): MemoryAdapter {
  return createMemoryAdapter({
    provider: 'origin',
    goals: Array.from({ length: count }, (_, i) => goal(i + 1)),
    createId: (n) => `s${n}`,
  });
}

function target(goals: GoalInputDraft[] = []): MemoryAdapter {
  return createMemoryAdapter({ provider: 'destination', goals, createId: (n) => `t${n}` });
}

/** `count` source goals migrated once into an empty target, with the ID map that run wrote. */
async function migrated(count: number) {
  const from = source(count);
  const to = target();
  const idMap = new MemoryIdMapStore();
  await migrate(from, to, { ownerMap, idMap });
  return { from, to, idMap };
}

/** A memory target that needs unique titles, as Capillary does: `inner` holds its goals. */
function uniqueTarget(): { inner: MemoryAdapter; unique: GoalAdapter } {
  const inner = createMemoryAdapter({ provider: 'unique' });
  return { inner, unique: { ...inner, capabilities: { ...inner.capabilities, uniqueTitles: true } } };
}

/** The target, but its first create never reaches it while the client cannot know (a lost request). */
function firstCreateUnanswered(inner: MemoryAdapter): GoalAdapter {
  let creates = 0;
  return {
    ...inner,
    async create(input, options) {
      if (++creates === 1) throw new TimeoutError('no answer', { outcomeUnknown: true });
      return inner.create(input, options);
    },
  };
}

async function linesOf(adapter: GoalAdapter): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportNdjson(adapter.list())) lines.push(line);
  return lines;
}

const ownerMap = parseOwnerMap({
  'person:0': { type: 'person', id: 'p0' },
  'person:1': { type: 'person', id: 'p1' },
  'person:2': { type: 'person', id: 'p2' },
  'origin:person:3': { type: 'team', id: 'T3' },
});

const sameOwner = parseOwnerMap({
  'person:0': { type: 'person', id: 'p' },
  'person:1': { type: 'person', id: 'p' },
  'person:2': { type: 'person', id: 'p' },
  'person:3': { type: 'person', id: 'p' },
});

type Fault = 'lost' | 'refused' | 'daily' | 'invalid' | 'partial';

/** A write whose first call took effect and whose second the server refused with a 400. */
function partialWrite(): PartialWriteError {
  const cause = new ValidationError([{ path: 'target', message: 'refused' }], { status: 400 });
  return new PartialWriteError('wrote the goal, not its values', {
    status: 400,
    written: ['create'],
    cause,
  });
}

/** The memory target, but each create may fail as scripted: after writing (answer lost) or before. */
function flaky(
  inner: MemoryAdapter,
  script: (call: number) => Fault | undefined,
): GoalAdapter & { creates: number } {
  let calls = 0;
  const adapter = {
    ...inner,
    creates: 0,
    async create(input: GoalInputDraft, options?: { signal?: AbortSignal }) {
      const fault = script(++calls);
      if (fault === 'refused') throw new TransientError('503 before acting', { status: 503 });
      if (fault === 'daily')
        throw new RateLimitError('daily budget spent', {
          kind: 'daily',
          resetAt: new Date('2026-01-02T00:00:00Z'),
        });
      if (fault === 'invalid')
        throw new ValidationError([{ path: 'title', message: 'rejected by server' }], {
          provider: 'destination',
        });
      const result = await inner.create(input, options);
      adapter.creates++;
      if (fault === 'lost') throw new TimeoutError('no answer', { outcomeUnknown: true });
      if (fault === 'partial') throw partialWrite();
      return result;
    },
  };
  return adapter;
}

describe('plan', () => {
  it('plans creates for an empty target without writing anything', async () => {
    const to = target();
    const planned = await plan(source(5), to, { ownerMap });
    expect(planned.counts).toEqual({ create: 5, update: 0, unchanged: 0, skip: 0, invalid: 0 });
    expect(to.goals()).toEqual([]);
    const first = planned.items[0];
    expect(first).toMatchObject({ action: 'create', source: 'origin:s1', title: 'Goal 1' });
    expect(first?.action === 'create' && first.input.origin).toEqual({ provider: 'origin', id: 's1' });
  });

  it('lists a target owner once when two source owners map to it', async () => {
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [
        goal(1, {
          owners: [
            { type: 'person', id: '0' },
            { type: 'person', id: '1' },
          ],
        }),
      ],
    });
    const planned = await plan(from, target(), { ownerMap: sameOwner });
    expect(planned.items[0]).toMatchObject({
      action: 'create',
      input: { owners: [{ type: 'person', id: 'p' }] },
    });
  });

  it('maps owners through the owner map, provider-specific keys first, and warns for unmapped ones', async () => {
    const planned = await plan(source(4), target(), {
      ownerMap: parseOwnerMap({ 'person:1': { type: 'person', id: 'p1' } }),
    });
    const owners = planned.items.map((item) => (item.action === 'create' ? item.input.owners : undefined));
    expect(owners[0]).toEqual([{ type: 'person', id: 'p1' }]);
    expect(owners[1]).toEqual([]);
    expect(planned.items[1]?.warnings).toEqual([
      {
        field: 'owners',
        reason: 'owner has no entry in the owner map',
        action: 'left out',
        detail: 'person:2',
      },
    ]);
    const specific = await plan(source(3), target(), { ownerMap });
    expect(specific.items[2]?.action === 'create' && specific.items[2].input.owners).toEqual([
      { type: 'team', id: 'T3' },
    ]);
  });

  it('finds goals the target already holds: unchanged, changed (update), matched by ID map or natural key', async () => {
    const { from, to, idMap } = await migrated(3);
    await from.update('s2', { target: { value: '999', currency: 'EUR' } });
    await from.update('s3', { title: 'Goal 3 renamed' });

    const again = await plan(from, to, { ownerMap, idMap });
    expect(
      again.items.map((item) => [item.action, 'matchedBy' in item ? item.matchedBy : undefined]),
    ).toEqual([
      ['unchanged', 'id-map'],
      ['update', 'id-map'],
      ['update', 'id-map'],
    ]);
    const update = again.items[1];
    expect(update?.action === 'update' && update.patch).toEqual({
      target: { value: '999', currency: 'EUR' },
    });

    // Without the ID map, title and owners recognise a goal whose value changed; a renamed goal is new.
    const withoutMap = await plan(from, to, { ownerMap });
    expect(
      withoutMap.items.map((item) => [item.action, 'matchedBy' in item ? item.matchedBy : undefined]),
    ).toEqual([
      ['unchanged', 'natural-key'],
      ['update', 'natural-key'],
      ['create', undefined],
    ]);
  });

  it('ignores what the target cannot store as given, so a second run finds nothing to do', async () => {
    // A target that keeps money goals only: a count goal's target value is dropped (and it says so).
    const inner = createMemoryAdapter({ provider: 'money-only' });
    const moneyOnly: GoalAdapter = {
      ...inner,
      check: (input) => ({
        issues: [],
        warnings:
          input.measure.kind === 'count'
            ? [{ field: 'target', reason: 'count targets have no home', action: 'dropped' }]
            : [],
      }),
      create: (input, options) =>
        inner.create(input.measure.kind === 'count' ? { ...input, target: null } : input, options),
    };
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [goal(1, { measure: { kind: 'count', metric: 'calls' }, target: { value: '40' } }), goal(2)],
    });
    const first = await migrate(from, moneyOnly, { ownerMap: sameOwner });
    expect(first.summary?.counts.created).toBe(2);
    expect(inner.goals()[0]?.target).toBeNull();
    const again = await plan(from, moneyOnly, { ownerMap: sameOwner });
    expect(again.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('numbers titles for a target that needs unique ones, the same way on every run', async () => {
    const { inner, unique } = uniqueTarget();
    const twins = createMemoryAdapter({
      provider: 'origin',
      goals: [goal(1), { ...goal(2), title: 'Goal 1' }, { ...goal(3), title: 'goal 1 ' }, goal(4)],
    });
    const first = await migrate(twins, unique, { ownerMap: sameOwner });
    expect(inner.goals().map((g) => g.title)).toEqual(['Goal 1', 'Goal 1 (2)', 'goal 1 (3)', 'Goal 4']);
    expect(first.summary?.warnings).toContainEqual(
      expect.objectContaining({ field: 'title', action: 'added a number', count: 2 }),
    );
    const again = await plan(twins, unique, { ownerMap: sameOwner });
    expect(again.items.map((item) => item.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('drops a number once no other goal has the title, and keeps one a source title has itself', async () => {
    const { inner, unique } = uniqueTarget();
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [{ ...goal(1), title: 'Q3 push (2)' }, goal(2)],
      createId: (n) => `s${n}`,
    });
    const idMap = new MemoryIdMapStore();
    await migrate(from, unique, { ownerMap: sameOwner, idMap });
    expect(inner.goals().map((g) => g.title)).toEqual(['Q3 push (2)', 'Goal 2']);
    await from.update('s1', { title: 'Q3 push' });
    const renamed = await migrate(from, unique, { ownerMap: sameOwner, idMap });
    expect(renamed.summary?.counts).toMatchObject({ updated: 1, unchanged: 1 });
    expect(inner.goals().map((g) => g.title)).toEqual(['Q3 push', 'Goal 2']);
  });

  it('numbers a title an update would give a second goal in a target that needs unique ones', async () => {
    const { inner, unique } = uniqueTarget();
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [goal(1), goal(2), goal(3)],
      createId: (n) => `s${n}`,
    });
    const idMap = new MemoryIdMapStore();
    await migrate(from, unique, { ownerMap: sameOwner, idMap });
    await from.update('s2', { title: 'Goal 1' });
    await from.update('s3', { title: 'goal 1 ' });
    const renamed = await plan(from, unique, { ownerMap: sameOwner, idMap });
    expect(renamed.items.map((item) => (item.action === 'update' ? item.patch.title : item.action))).toEqual([
      'unchanged',
      'Goal 1 (2)',
      'goal 1 (3)',
    ]);
    expect(renamed.items[1]?.warnings).toContainEqual(
      expect.objectContaining({ field: 'title', action: 'added a number', detail: 'Goal 1 (2)' }),
    );
    await apply(renamed, { target: unique, idMap });
    expect(inner.goals().map((g) => g.title)).toEqual(['Goal 1', 'Goal 1 (2)', 'goal 1 (3)']);
    const again = await plan(from, unique, { ownerMap: sameOwner, idMap });
    expect(again.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('gives a renamed goal a title only when it will carry it, and numbers a swap for one run', async () => {
    const { inner, unique } = uniqueTarget();
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [goal(1), goal(2)],
      createId: (n) => `s${n}`,
    });
    const idMap = new MemoryIdMapStore();
    await migrate(from, unique, { ownerMap: sameOwner, idMap });
    const newcomer = await from.create({ ...goal(3), title: 'Goal 9' });
    await from.update('s1', { title: 'Goal 9' });
    // Skipped, s1 keeps its title: the new goal takes "Goal 9" without a number.
    const skipping = await plan(from, unique, { ownerMap: sameOwner, idMap, conflict: 'skip' });
    expect(skipping.items.map((item) => [item.action, item.action === 'create' && item.input.title])).toEqual(
      [
        ['skip', false],
        ['unchanged', false],
        ['create', 'Goal 9'],
      ],
    );
    await from.delete(newcomer.goal.id);

    // Two goals swap titles: each title is still the other goal's in this run, so both get a number ...
    await from.update('s1', { title: 'Goal 2' });
    await from.update('s2', { title: 'Goal 1' });
    await migrate(from, unique, { ownerMap: sameOwner, idMap });
    expect(inner.goals().map((g) => g.title)).toEqual(['Goal 2 (2)', 'Goal 1 (2)']);
    // ... which the next run drops, and the run after that finds nothing to do.
    await migrate(from, unique, { ownerMap: sameOwner, idMap });
    expect(inner.goals().map((g) => g.title)).toEqual(['Goal 2', 'Goal 1']);
    const settled = await plan(from, unique, { ownerMap: sameOwner, idMap });
    expect(settled.items.map((item) => item.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('fills a start date and a recurrence for targets that need them', async () => {
    const inner = createMemoryAdapter({ provider: 'strict' });
    const needsRecurrence: GoalAdapter = {
      ...inner,
      check: (input) => ({
        issues:
          input.schedule?.recurrence && input.schedule.recurrence !== 'none'
            ? []
            : [{ path: 'schedule.recurrence', message: 'required' }],
        warnings: [],
      }),
    };
    const from = createMemoryAdapter({
      provider: 'plannr',
      now: () => Date.parse('2026-03-04T10:00:00Z'),
      goals: [{ ...goal(1), schedule: { end: '2026-12-31', recurrence: 'none' } }],
    });
    const options = { defaults: { start: 'created', recurrence: 'quarterly' }, ownerMap: sameOwner } as const;
    const planned = await plan(from, needsRecurrence, options);
    const item = planned.items[0];
    expect(item?.action === 'create' && item.input.schedule).toEqual({
      start: '2026-03-04',
      end: '2026-12-31',
      recurrence: 'quarterly',
    });
    const noRecurrence = await plan(from, needsRecurrence, {
      defaults: { start: '2026-01-15' },
      ownerMap: sameOwner,
    });
    expect(noRecurrence.items[0]).toMatchObject({
      action: 'invalid',
      issues: [{ path: 'schedule.recurrence' }],
    });
    const today = await plan(from, inner, { defaults: { start: 'today' } });
    const first = today.items[0];
    expect(first?.action === 'create' && first.input.schedule.start).toBe(
      new Date().toISOString().slice(0, 10),
    );
  });

  it('pairs identical goals one to one, never two sources to one target goal', async () => {
    const twins = createMemoryAdapter({ provider: 'origin', goals: [goal(1), goal(1), goal(1)] });
    const to = target([{ ...goal(1), owners: [{ type: 'person', id: 'p1' }] }]);
    const planned = await plan(twins, to, { ownerMap });
    expect(planned.items.map((item) => item.action)).toEqual(['unchanged', 'create', 'create']);
  });

  it('marks an update the target would refuse as the goal stands invalid, with the target’s issues', async () => {
    const { from, to: inner, idMap } = await migrated(2);
    await from.update('s1', { title: 'Goal 1 renamed' });
    await from.update('s2', { title: 'Goal 2 renamed' });
    const asked: string[] = [];
    const frozen: GoalAdapter = {
      ...inner,
      checkUpdate: (current, patch) => {
        asked.push(`${current.id} ${JSON.stringify(patch)}`);
        return current.id === 't1' ? [{ path: 'title', message: 'this goal has ended' }] : [];
      },
    };
    const again = await plan(from, frozen, { ownerMap, idMap });
    expect(again.items).toMatchObject([
      { action: 'invalid', issues: [{ path: 'title', message: 'this goal has ended' }] },
      { action: 'update', targetId: 't2', patch: { title: 'Goal 2 renamed' } },
    ]);
    expect(asked).toEqual(['t1 {"title":"Goal 1 renamed"}', 't2 {"title":"Goal 2 renamed"}']);
    const run = await migrate(from, frozen, { ownerMap, idMap });
    expect(run.summary?.counts).toMatchObject({ updated: 1, failed: 1 });
    expect(run.summary?.failures).toEqual([
      {
        source: 'origin:s1',
        title: 'Goal 1 renamed',
        reason: 'title: this goal has ended',
        code: 'validation',
      },
    ]);
    expect(inner.goals().map((goal) => goal.title)).toEqual(['Goal 1', 'Goal 2 renamed']);
  });

  it('applies the conflict policy', async () => {
    const to = target([
      { ...goal(1), owners: [{ type: 'person', id: 'p1' }], target: { value: '1', currency: 'EUR' } },
    ]);
    const skip = await plan(source(1), to, { ownerMap, conflict: 'skip', naturalKey: (g) => g.title });
    expect(skip.items[0]).toMatchObject({ action: 'skip', targetId: 't1' });
    const fail = await plan(source(1), to, { ownerMap, conflict: 'fail', naturalKey: (g) => g.title });
    expect(fail.items[0]).toMatchObject({
      action: 'invalid',
      issues: [{ message: 'target goal t1 differs in target (conflict policy: fail)' }],
    });
  });

  it('filters, overrides and fills defaults for what the target requires', async () => {
    const strict = createMemoryAdapter({ provider: 'strict' });
    const requiring: GoalAdapter = {
      ...strict,
      check: (input) => ({
        issues: [
          ...(input.measure.metric.includes('/')
            ? []
            : [{ path: 'measure.metric', message: 'must be ENTITY/TYPE' }]),
          ...(input.measure.kind === 'count' || input.target?.currency
            ? []
            : [{ path: 'target.currency', message: 'required' }]),
        ],
        warnings: [],
      }),
    };
    const from = createMemoryAdapter({
      provider: 'origin',
      goals: [
        goal(1, { target: { value: '5' } }),
        goal(2, { measure: { kind: 'count', metric: 'calls' }, target: { value: '7' } }),
        goal(3),
      ],
    });
    const planned = await plan(from, requiring, {
      filter: (g) => g.title !== 'Goal 3',
      defaults: {
        currency: 'GBP',
        measure: { money: { metric: 'TRANSACTION/SALES' }, count: { metric: 'TRANSACTION/COUNT' } },
      },
      overrides: { description: 'migrated' },
    });
    expect(planned.counts).toMatchObject({ create: 2, skip: 1 });
    const first = planned.items[0];
    expect(first?.action === 'create' && first.input).toMatchObject({
      measure: { kind: 'money', metric: 'TRANSACTION/SALES' },
      target: { value: '5', currency: 'GBP' },
      description: 'migrated',
    });
    const second = planned.items[1];
    expect(second?.action === 'create' && second.input.measure).toEqual({
      kind: 'count',
      metric: 'TRANSACTION/COUNT',
    });
    const invalid = await plan(from, requiring, {});
    expect(invalid.items[0]).toMatchObject({
      action: 'invalid',
      issues: [{ path: 'measure.metric' }, { path: 'target.currency' }],
    });
  });
});

describe('apply', () => {
  it('creates every goal once, records the ID map and reports progress', async () => {
    const to = target();
    const idMap = new MemoryIdMapStore();
    const events: ApplyEvent[] = [];
    const planned = await plan(source(10), to, { ownerMap });
    const summary = await apply(planned, { target: to, idMap, onProgress: (event) => events.push(event) });
    expect(summary.counts).toEqual({
      created: 10,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      remaining: 0,
    });
    expect(to.goals()).toHaveLength(10);
    expect(
      (await idMap.entries('destination')).every((entry) => entry.state === 'done' && entry.targetId),
    ).toBe(true);
    expect(events[0]).toEqual({ type: 'start', total: 10, writes: 10 });
    expect(events.filter((event) => event.type === 'item')).toHaveLength(10);
    expect(events.at(-1)).toMatchObject({ type: 'done', summary: { counts: { created: 10 } } });
  });

  it('keeps at most `concurrency` writes in flight', async () => {
    const to = target();
    let inFlight = 0;
    let peak = 0;
    const slow: GoalAdapter = {
      ...to,
      async create(input, options) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return to.create(input, options);
      },
    };
    await apply(await plan(source(12), to, { ownerMap }), { target: slow, concurrency: 3 });
    expect(peak).toBe(3);
    expect(to.goals()).toHaveLength(12);
  });

  it('reconciles a create whose answer was lost instead of sending it again', async () => {
    const to = target();
    const lossy = flaky(to, (call) => (call === 2 || call === 5 ? 'lost' : undefined));
    const summary = await apply(await plan(source(6), to, { ownerMap }), {
      target: lossy,
      idMap: new MemoryIdMapStore(),
    });
    expect(summary.counts.created).toBe(6);
    expect(summary.recovered).toBe(2);
    expect(lossy.creates).toBe(6);
    expect(
      to
        .goals()
        .map((g) => g.title)
        .sort(),
    ).toEqual(['Goal 1', 'Goal 2', 'Goal 3', 'Goal 4', 'Goal 5', 'Goal 6']);
  });

  it('settles a pass of lost answers with one read of the target, not one read per loss', async () => {
    const to = target();
    const lossy = flaky(to, (call) => (call % 2 === 0 && call <= 10 ? 'lost' : undefined));
    let reads = 0;
    const counting: GoalAdapter = {
      ...lossy,
      create: (input, options) => lossy.create(input, options),
      list: (options) => {
        reads++;
        return to.list(options);
      },
    };
    const planned = await plan(source(12), to, { ownerMap });
    const summary = await apply(planned, { target: counting, concurrency: 3 });
    expect(summary.counts).toMatchObject({ created: 12, failed: 0 });
    expect(summary.recovered).toBe(5);
    expect(reads).toBe(1);
    expect(to.goals()).toHaveLength(12);
  });

  it('counts a create the adapter itself recovered (its answer was lost) as recovered', async () => {
    const to = target();
    const recovering: GoalAdapter = {
      ...to,
      async create(input, options) {
        return { ...(await to.create(input, options)), recovered: true };
      },
    };
    const summary = await apply(await plan(source(2), to, { ownerMap }), { target: recovering });
    expect(summary.counts.created).toBe(2);
    expect(summary.recovered).toBe(2);
  });

  it('re-sends a create the server refused before acting, still exactly once', async () => {
    const to = target();
    const refusing = flaky(to, (call) => (call <= 2 ? 'refused' : undefined));
    const summary = await apply(await plan(source(2), to, { ownerMap }), { target: refusing });
    expect(summary.counts).toMatchObject({ created: 2, failed: 0 });
    expect(to.goals()).toHaveLength(2);
  });

  it('fails a goal the target rejects, with the reason, and goes on with the others', async () => {
    const to = target();
    const picky = flaky(to, (call) => (call === 1 ? 'invalid' : undefined));
    const summary = await apply(await plan(source(3), to, { ownerMap }), { target: picky });
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 });
    expect(summary.failures).toEqual([
      {
        source: 'origin:s1',
        title: 'Goal 1',
        reason: 'invalid input: title: rejected by server',
        code: 'validation',
      },
    ]);
  });

  it('reads the target after a partial create, though its failed call was a 400: the goal is not lost', async () => {
    const to = target();
    const partial = flaky(to, (call) => (call === 1 ? 'partial' : undefined));
    const summary = await apply(await plan(source(2), to, { ownerMap }), { target: partial });
    expect(summary.counts).toMatchObject({ created: 2, failed: 0 });
    expect(summary.recovered).toBe(1);
    expect(partial.creates).toBe(2);
    expect(to.goals()).toHaveLength(2);
  });

  it('stops at once when the daily budget is spent, and the next run finishes the job', async () => {
    const to = target();
    const idMap = new MemoryIdMapStore();
    const budget = flaky(to, (call) => (call === 4 ? 'daily' : undefined));
    const from = source(10);
    const first = await apply(await plan(from, to, { ownerMap, idMap }), {
      target: budget,
      idMap,
      concurrency: 1,
    });
    expect(first.stopped).toEqual({ reason: 'daily budget spent', resetAt: '2026-01-02T00:00:00.000Z' });
    expect(first.counts).toMatchObject({ created: 3, remaining: 7 });

    const second = await apply(await plan(from, to, { ownerMap, idMap }), { target: to, idMap });
    expect(second.counts).toMatchObject({ created: 7, unchanged: 3, remaining: 0 });
    expect(to.goals()).toHaveLength(10);
  });

  it('stops the run when the daily budget cuts an update short after some of its calls took effect', async () => {
    const to = target();
    const idMap = new MemoryIdMapStore();
    const from = source(3);
    await apply(await plan(from, to, { ownerMap, idMap }), { target: to, idMap });
    for (const id of ['s1', 's2', 's3']) await from.update(id, { title: `${id} renamed` });
    const spent = new RateLimitError('daily budget spent', {
      kind: 'daily',
      resetAt: new Date('2026-01-02'),
    });
    let updates = 0;
    const cutShort: GoalAdapter = {
      ...to,
      async update() {
        updates++;
        throw new PartialWriteError('renamed, values not sent', { written: ['edit'], cause: spent });
      },
    };
    const run = await apply(await plan(from, to, { ownerMap, idMap }), {
      target: cutShort,
      idMap,
      concurrency: 1,
    });
    expect(run.stopped).toEqual({ reason: 'daily budget spent', resetAt: '2026-01-02T00:00:00.000Z' });
    expect(updates).toBe(1);
  });

  it('lets writes already sent finish when the budget runs out, so none of them becomes unknown', async () => {
    const to = target();
    let calls = 0;
    const answering: GoalAdapter = {
      ...to,
      async create(input, options) {
        if (++calls === 4) {
          throw new RateLimitError('daily budget spent', { kind: 'daily', resetAt: new Date('2026-01-02') });
        }
        const result = await to.create(input, options);
        // The goal exists; its answer is still on the way when the budget runs out.
        await sleep(20, options?.signal);
        return result;
      },
    };
    const idMap = new MemoryIdMapStore();
    const summary = await apply(await plan(source(10), to, { ownerMap }), {
      target: answering,
      idMap,
      concurrency: 4,
    });
    expect(summary.stopped?.resetAt).toBe('2026-01-02T00:00:00.000Z');
    expect(summary.counts).toMatchObject({ created: 3, remaining: 7 });
    expect(to.goals()).toHaveLength(3);
    // Only the refused create is left pending (the next run checks the target once before sending it again).
    const pending = (await idMap.entries('destination')).filter((entry) => entry.state === 'pending');
    expect(pending.map((entry) => entry.source)).toEqual(['origin:s4']);
  });

  it('resumes after being stopped mid-write with no duplicate and no lost goal', async () => {
    const to = target();
    const idMap = new MemoryIdMapStore();
    const from = source(20);
    const controller = new AbortController();
    const stopping: GoalAdapter = {
      ...to,
      async create(input, options) {
        const result = await to.create(input, options);
        // The write lands, then the process is stopped before the answer is recorded.
        if (to.goals().length >= 7) controller.abort(new Error('SIGINT'));
        options?.signal?.throwIfAborted();
        return result;
      },
    };
    const first = await apply(await plan(from, to, { ownerMap, idMap }), {
      target: stopping,
      idMap,
      signal: controller.signal,
      concurrency: 2,
    });
    expect(first.stopped?.reason).toBe('stopped before finishing');
    expect((await idMap.entries('destination')).some((entry) => entry.state === 'pending')).toBe(true);

    const second = await apply(await plan(from, to, { ownerMap, idMap }), { target: to, idMap });
    expect(second.counts.failed).toBe(0);
    const titles = to.goals().map((g) => g.title);
    expect(titles).toHaveLength(20);
    expect(new Set(titles).size).toBe(20);
  });

  it('resumes without a duplicate when a goal whose create was in flight has been renamed since', async () => {
    const to = target();
    const idMap = new MemoryIdMapStore();
    const from = source(1);
    const controller = new AbortController();
    const stopping: GoalAdapter = {
      ...to,
      async create(input, options) {
        const result = await to.create(input, options);
        controller.abort(new Error('SIGINT')); // landed, but the answer is never recorded
        options?.signal?.throwIfAborted();
        return result;
      },
    };
    await apply(await plan(from, to, { ownerMap, idMap }), {
      target: stopping,
      idMap,
      signal: controller.signal,
    });
    expect((await idMap.entries('destination')).map((entry) => entry.state)).toEqual(['pending']);
    await from.update('s1', { title: 'Goal 1, renamed' });

    const resumed = await apply(await plan(from, to, { ownerMap, idMap }), { target: to, idMap });
    expect(resumed.counts).toMatchObject({ created: 0, updated: 1, failed: 0 });
    expect(to.goals().map((g) => [g.id, g.title])).toEqual([['t1', 'Goal 1, renamed']]);
    expect(await idMap.get('origin:s1', 'destination')).toMatchObject({ state: 'done', targetId: 't1' });
    expect((await plan(from, to, { ownerMap, idMap })).counts).toMatchObject({ unchanged: 1 });
  });

  it('creates again a goal deleted in the target, though the ID map still names the deleted one', async () => {
    const { from, to, idMap } = await migrated(3);
    await to.delete('t2');
    const planned = await plan(from, to, { ownerMap, idMap });
    expect(planned.items.find((item) => item.action === 'create')).toMatchObject({
      source: 'origin:s2',
      replaces: 't2',
    });
    const summary = await apply(planned, { target: to, idMap });
    expect(summary.counts).toMatchObject({ created: 1, unchanged: 2 });
    expect(summary.recovered).toBe(0);
    expect(to.goals().map((g) => g.title)).toEqual(['Goal 1', 'Goal 3', 'Goal 2']);
    expect((await idMap.get('origin:s2', 'destination'))?.targetId).toBe('t4');
    expect((await plan(from, to, { ownerMap, idMap })).counts).toMatchObject({ create: 0, unchanged: 3 });
  });

  it('does not take a goal it cannot see for deleted when the target cannot list', async () => {
    const { from, to, idMap } = await migrated(2);
    const blind: GoalAdapter = {
      ...to,
      capabilities: {
        ...to.capabilities,
        operations: to.capabilities.operations.filter((operation) => operation !== 'list'),
      },
    };
    const planned = await plan(from, blind, { ownerMap, idMap });
    expect(planned.items.map((item) => (item.action === 'create' ? item.replaces : item.action))).toEqual([
      undefined,
      undefined,
    ]);
    const summary = await apply(planned, { target: blind, idMap });
    expect([summary.counts.created, summary.recovered, to.goals().length]).toEqual([2, 2, 2]);
  });

  it('never hands a lost create a target goal the stream planned as unchanged for another source goal', async () => {
    // Two source goals with the same content; the target already holds one copy. The first line matches it
    // (unchanged), the second is created, but its answer is lost: the reconciliation must not take the copy.
    const same = goal(1, { owners: [] });
    const from = createMemoryAdapter({ provider: 'origin', goals: [same, same], createId: (n) => `s${n}` });
    const to = target([same]);
    const idMap = new MemoryIdMapStore();
    const summary = await importNdjson(await linesOf(from), firstCreateUnanswered(to), { idMap });
    expect(summary.counts).toMatchObject({ unchanged: 1, created: 1, failed: 0 });
    expect(to.goals()).toHaveLength(2);
    const targets = (await idMap.entries('destination')).map((entry) => entry.targetId);
    expect(new Set(targets).size).toBe(2);
  });

  // The target holds G. Source A has G's key but other content: with conflict "fail" it is refused, and the
  // planner keeps G as A's. Source B has G's key and content, so it is planned as a create, whose answer is
  // lost: only the plan's claims (a stream's planner, a listed plan's refused item) tell the reconciliation
  // that G is not B's.
  it.each([
    [
      'a streamed import',
      async (from: MemoryAdapter, to: GoalAdapter, idMap: IdMapStore) =>
        importNdjson(await linesOf(from), to, { idMap, conflict: 'fail' }),
    ],
    [
      'migrate (a listed plan)',
      async (from: MemoryAdapter, to: GoalAdapter, idMap: IdMapStore) =>
        (await migrate(from, to, { idMap, conflict: 'fail' })).summary,
    ],
  ])(
    'never hands a lost create a target goal the plan gave another source goal and then refused: %s',
    async (_, run) => {
      const held = goal(1, { owners: [] });
      const from = createMemoryAdapter({
        provider: 'origin',
        goals: [{ ...held, target: { value: '999', currency: 'EUR' } }, held],
        createId: (n) => `s${n}`,
      });
      const to = target([held]);
      const idMap = new MemoryIdMapStore();
      const summary = await run(from, firstCreateUnanswered(to), idMap);
      expect([summary?.counts.failed, summary?.counts.created, summary?.recovered]).toEqual([1, 1, 0]);
      expect(to.goals()).toHaveLength(2);
      expect((await idMap.get('origin:s2', 'destination'))?.targetId).not.toBe('t1');
    },
  );

  it('finishes a run without creates though the ID map cannot list its entries', async () => {
    const to = target([goal(1, { owners: [] })]);
    const idMap = new MemoryIdMapStore();
    const failing: IdMapStore = {
      get: (source, to) => idMap.get(source, to),
      set: (entry) => idMap.set(entry),
      entries: async () => {
        await sleep(5);
        throw new Error('database connection reset');
      },
    };
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const from = createMemoryAdapter({ provider: 'origin', goals: [goal(1, { owners: [] })] });
      const planned = await plan(from, to);
      const summary = await apply(planned, { target: to, idMap: failing });
      await sleep(20);
      expect(summary.counts).toMatchObject({ unchanged: 1 });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('writes updates and counts unchanged goals', async () => {
    const { from, to, idMap } = await migrated(3);
    await from.update('s1', { description: 'changed' });
    const { summary } = await migrate(from, to, { ownerMap, idMap });
    expect(summary?.counts).toMatchObject({ updated: 1, unchanged: 2, created: 0 });
    expect((await to.get('t1')).description).toBe('changed');
  });

  it('groups warnings by reason with examples', async () => {
    const { summary } = await migrate(source(6), target(), {
      ownerMap: parseOwnerMap({ 'person:1': { type: 'person', id: 'p1' } }),
    });
    expect(summary?.warnings).toEqual([
      {
        field: 'owners',
        reason: 'owner has no entry in the owner map',
        action: 'left out',
        count: 4,
        examples: [
          'origin:s2 (person:2)',
          'origin:s3 (person:3)',
          'origin:s4 (person:0)',
          'origin:s6 (person:2)',
        ],
      },
    ]);
  });

  it('names each example by its source once, when a warning’s detail is the source itself', async () => {
    const inner = target();
    const forgetful: GoalAdapter = {
      ...inner,
      check: (input) => ({
        issues: [],
        warnings: [
          {
            field: 'origin',
            reason: 'cannot record it',
            action: 'dropped',
            detail: `${input.origin?.provider}:${input.origin?.id}`,
          },
        ],
      }),
    };
    const { summary } = await migrate(source(2), forgetful, { ownerMap: sameOwner });
    expect(summary?.warnings).toEqual([
      {
        field: 'origin',
        reason: 'cannot record it',
        action: 'dropped',
        count: 2,
        examples: ['origin:s1', 'origin:s2'],
      },
    ]);
  });

  it('writes nothing in a dry run', async () => {
    const to = target();
    const { plan: planned, summary } = await migrate(source(4), to, { ownerMap, dryRun: true });
    expect(planned.counts.create).toBe(4);
    expect(summary).toBeUndefined();
    expect(to.goals()).toEqual([]);
    expect(to.operationCount).toBe(0);
  });
});

describe('owner map files', () => {
  it('names each bad key', () => {
    expect(() => parseOwnerMap([])).toThrow(/must be a JSON object/);
    const error = (() => {
      try {
        parseOwnerMap(
          { 'person 12': { type: 'account', id: 'x' }, 'person:13': { type: 'account' } },
          'owners.json',
        );
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error?.message).toMatch(/^invalid owners\.json: /);
    expect(error?.issues.map((issue) => issue.path).sort()).toEqual(['person 12', 'person:13.id']);
  });

  it('refuses a "__proto__" key instead of dropping it unseen', () => {
    const parsed = JSON.parse('{"__proto__": {"type": "account", "id": "x"}}');
    expect(() => parseOwnerMap(parsed, 'owners.json')).toThrow(
      'invalid owners.json: __proto__: forbidden key',
    );
  });
});

describe('comparing a plan with the target', () => {
  const base = {
    title: 'Goal',
    owners: [],
    measure: { kind: 'count' as const, metric: 'calls' },
    target: { value: '5' },
    schedule: { start: '2026-01-01', end: null },
    status: 'active' as const,
    extensions: { memory: { a: 1 } },
  };
  const stored = [
    'title',
    'measure',
    'target',
    'schedule.start',
    'schedule.end',
    'schedule.periods',
    'extensions',
  ] as const;

  it('compares only what the input specifies; null is a value', () => {
    expect(covers(undefined, { derived: true })).toBe(true);
    expect(covers({ a: 1 }, { a: 1, b: 2 })).toBe(true);
    expect(covers({ a: null }, {})).toBe(true);
    expect(covers({ a: null }, { a: 3 })).toBe(false);
    expect(covers([{ a: 1 }], [{ a: 1, id: 'x' }])).toBe(true);
    expect(covers([], [{ a: 1 }])).toBe(false);
    expect(covers({ a: [1] }, { a: { 0: 1 } })).toBe(false);
  });

  it("reads only own keys: a key named like an Object member ('constructor', 'toString') is absent when missing", () => {
    expect(covers({ constructor: null }, {})).toBe(true);
    expect(sameValue({ toString: null }, {})).toBe(true);
    expect(sameValue({}, { valueOf: null })).toBe(true);
    expect(sameValue({ toString: 1 }, {})).toBe(false);
  });

  it('finds no change when the target only derived more', () => {
    const current = {
      ...base,
      measure: { ...base.measure, scope: { eventName: 'TransactionAdd' } },
      schedule: { ...base.schedule, periods: [{ start: '2026-01-01', end: '2026-01-31', id: '9' }] },
      extensions: { memory: { a: 1 }, other: { server: true } },
    };
    expect(diffGoal(base, current, stored)).toEqual({});
  });

  it('skips paths through arrays: ids the target assigns itself differ without a change', () => {
    const periods = (id: string) => [{ start: '2026-01-01', end: '2026-01-31', id }];
    const wanted = {
      ...base,
      schedule: { ...base.schedule, periods: periods('from-another-account') },
      extensions: { memory: { parts: [{ id: 1, name: 'a' }] } },
    };
    const current = {
      ...wanted,
      schedule: { ...base.schedule, periods: periods('9') },
      extensions: { memory: { parts: [{ id: 2, name: 'a' }] } },
    };
    expect(Object.keys(diffGoal(wanted, current, stored))).toEqual(['schedule', 'extensions']);
    const assigned = ['schedule.periods.id', 'extensions.memory.parts.id'];
    expect(diffGoal(wanted, current, stored, assigned)).toEqual({});
    // Only the id is skipped: another name is still a change.
    const renamed = { ...current, extensions: { memory: { parts: [{ id: 2, name: 'b' }] } } };
    expect(Object.keys(diffGoal(wanted, renamed, stored, assigned))).toEqual(['extensions']);
  });

  it('patches what differs, and never what the target said it cannot store', () => {
    const current = {
      ...base,
      title: 'Old',
      target: null,
      schedule: { start: '2026-01-01', end: '2026-12-31' },
    };
    expect(diffGoal(base, current, stored)).toEqual({
      title: 'Goal',
      target: base.target,
      schedule: base.schedule,
    });
    expect(diffGoal(base, current, stored, ['target', 'schedule.end'])).toEqual({ title: 'Goal' });
    expect(
      diffGoal(base, { ...base, extensions: { memory: { a: 2 } } }, stored, ['extensions.memory']),
    ).toEqual({});
    expect(
      unstoredPaths([
        { field: 'target', reason: 'r', action: 'a' },
        { field: 'target', reason: 's', action: 'b' },
      ]),
    ).toEqual(['target']);
  });
});

describe('warning groups', () => {
  it('leaves out a detail that only repeats the source or its id, and keeps any other', () => {
    const groups = new WarningGroups();
    const warning = { field: 'title', reason: 'Pipedrive goal has no title', action: 'generated one' };
    groups.add('pipedrive:12', { ...warning, detail: '12' });
    groups.add('pipedrive:13', { ...warning, detail: 'pipedrive:13' });
    groups.add('pipedrive:14', { ...warning, detail: '978' });
    expect(groups.list()[0]?.examples).toEqual(['pipedrive:12', 'pipedrive:13', 'pipedrive:14 (978)']);
  });

  it('counts a warning of a goal listed twice in an input (or read twice) once, and each of its details', () => {
    const unmapped = { field: 'owners', reason: 'owner has no entry in the owner map', action: 'dropped it' };
    const groups = new WarningGroups();
    for (const [source, owner] of [
      ['src:1', '7'],
      ['src:1', '8'],
      ['src:2', '7'],
      ['src:1', '7'],
    ] as const)
      groups.add(source, { ...unmapped, detail: owner });
    expect(groups.list()).toMatchObject([{ count: 3, examples: ['src:1 (7)', 'src:1 (8)', 'src:2 (7)'] }]);
  });
});
