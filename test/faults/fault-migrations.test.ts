/**
 * 2,000-goal migrations for every ordered provider pair while both simulators fail 20% of requests with every
 * fault kind: 5xx, 429 with and without Retry-After, HTML error pages, connections reset before and after the
 * server acted, answers that never come, truncated JSON. The source's reads are retried by the HTTP layer;
 * writes whose outcome is unknown are reconciled by the engine (or, for Capillary, by the adapter). The run
 * must end exactly where a fault-free plan of the same data says: every goal the target can hold arrives
 * once, with what was planned; every goal it refuses is refused before any write, with its reason; and the
 * summary's warnings are the plan's, neither more nor fewer.
 */
import {
  apply,
  diffGoal,
  type Goal,
  MemoryIdMapStore,
  type MigrationPlan,
  type MigrationSummary,
  plan,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { scheduleEveryKind, tallyFaults } from '../support/faults.ts';
import {
  DEFAULTS_FOR,
  listGoals,
  PROVIDER_NAMES,
  type TestProvider,
  testProvider,
} from '../support/providers.ts';

const GOALS = 2000;
const FAULT_RATE = 0.2;
/**
 * Time is scaled down so 2,000 goals through 20% faults stay fast: answers that never come are given up after
 * 300 ms (every real answer of these simulators takes a few), 429s ask for 10 ms instead of a second, and
 * retries back off by milliseconds. Listings come in pages of 50 so no answer comes near the timeout.
 */
const TRANSPORT = {
  timeoutMs: 300,
  retry: { retries: 12, baseDelayMs: 1, maxDelayMs: 20 },
  pageSize: 50,
};
const RATE_LIMIT_WAIT_SECONDS = 0.01;
/** Attempts per create: at 20% faults an unlucky goal can lose several answers in a row. */
const MAX_ATTEMPTS = 8;

const pairs = PROVIDER_NAMES.flatMap((from) =>
  PROVIDER_NAMES.filter((to) => to !== from).map((to) => [from, to] as const),
);

function injectFaults(provider: TestProvider, seed: number) {
  const tally = tallyFaults(provider.simulator);
  provider.simulator.faults.setRateLimitWait(RATE_LIMIT_WAIT_SECONDS);
  provider.simulator.faults.setRandom({ rate: FAULT_RATE }, seed);
  return tally;
}

/** Warning counts by field, reason and action. */
function warningCounts(groups: readonly { field: string; reason: string; action: string; count: number }[]) {
  const counts = new Map<string, number>();
  for (const group of groups) {
    const id = `${group.field} | ${group.reason} | ${group.action}`;
    counts.set(id, (counts.get(id) ?? 0) + group.count);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

function planWarnings(planned: MigrationPlan) {
  return warningCounts(
    planned.items.flatMap((item) => item.warnings.map((warning) => ({ ...warning, count: 1 }))),
  );
}

describe.each(pairs)('%s → %s, 2,000 goals, 20% faults', (from, to) => {
  it('ends with exactly the goals a fault-free plan moves, each once, and the same warnings', async () => {
    const seed = 1000 + pairs.findIndex(([a, b]) => a === from && b === to);
    const source = testProvider(from, { goals: GOALS, ...TRANSPORT });
    const target = testProvider(to, TRANSPORT);
    const reference = await plan(source.adapter, target.adapter, DEFAULTS_FOR[to]);
    expect(reference.items).toHaveLength(GOALS);

    const sourceFaults = injectFaults(source, seed);
    const targetFaults = injectFaults(target, seed + 100);
    scheduleEveryKind(source.simulator, (request) => request.method === 'GET');
    const idMap = new MemoryIdMapStore();
    const planned = await plan(source.adapter, target.adapter, { ...DEFAULTS_FOR[to], idMap });
    expect(planned.items, `plan read through faults (fault seed ${seed})`).toEqual(reference.items);

    const summary: MigrationSummary = await apply(planned, {
      target: target.adapter,
      idMap,
      concurrency: 16,
      maxAttempts: MAX_ATTEMPTS,
    });
    source.simulator.faults.setRandom(undefined);
    target.simulator.faults.setRandom(undefined);

    expect(sourceFaults.missingOn('GET'), 'every kind of fault hit the source reads').toEqual([]);
    expect(targetFaults.missingOn('POST'), 'every kind of fault hit the target writes').toEqual([]);

    const { counts } = reference;
    expect(summary.counts, `fault seed ${seed}`).toEqual({
      created: counts.create,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      failed: counts.invalid,
      remaining: 0,
    });
    const refused = reference.items.filter((item) => item.action === 'invalid').map((item) => item.source);
    expect(summary.failures.map((failure) => failure.source).sort()).toEqual(refused.sort());
    expect(summary.failures.every((failure) => failure.code === 'validation')).toBe(true);
    expect(warningCounts(summary.warnings), 'faults add no warning and lose none').toEqual(
      planWarnings(reference),
    );

    // The target holds one goal per planned create, each the one the ID map names, holding what was planned.
    const held = new Map<string, Goal>((await listGoals(target.adapter)).map((goal) => [goal.id, goal]));
    expect(held.size, 'no duplicate, no loss').toBe(counts.create);
    const entries = await idMap.entries(target.adapter.provider);
    const stored = target.adapter.capabilities.fields.writable.filter((field) =>
      target.adapter.capabilities.fields.readable.includes(field),
    );
    const bySource = new Map(entries.map((entry) => [entry.source, entry]));
    const claimed = new Set<string>();
    for (const item of reference.items) {
      if (item.action !== 'create') continue;
      const entry = bySource.get(item.source);
      expect(entry?.state, item.source).toBe('done');
      const goal = held.get(entry?.targetId ?? '');
      expect(goal, `${item.source} arrived`).toBeDefined();
      expect(claimed.has(goal?.id ?? ''), `${item.source} has a goal of its own`).toBe(false);
      claimed.add(goal?.id ?? '');
      expect(diffGoal(item.input, goal as Goal, stored, item.unstored), `${item.source} as planned`).toEqual(
        {},
      );
    }
  }, 180_000);
});
