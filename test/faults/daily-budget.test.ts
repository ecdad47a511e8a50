/**
 * Pipedrive's daily token budget: when it is spent the run stops within one request, says when it can go on,
 * and finishes cleanly after the reset with no duplicate. Three ways it runs out: the adapter sees it coming
 * from the budget headers, another integration spends it behind the adapter's back (the server refuses), and
 * the real binary meets it (exit code 1, a `stopped` event with the reset time, then a rerun after the reset).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apply,
  type GoalAdapter,
  type HttpHooks,
  MemoryIdMapStore,
  type MigrationSummary,
  plan,
} from '@goalbridge/core';
import { createPipedriveAdapter } from '@goalbridge/pipedrive';
import {
  createPipedriveSimulator,
  PIPEDRIVE_SANDBOX,
  type PipedriveSimulator,
  startPipedriveSandbox,
} from '@goalbridge/pipedrive/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startSandboxes } from '../support/cli.ts';
import { cliDefaultFlags, DEFAULTS_FOR, listGoals, testProvider } from '../support/providers.ts';

const GOALS = 60;
const COST = { find: 20, currencies: 20, add: 10 };
/** What planning into an empty Pipedrive costs: the six find queries that list it, and its currencies. */
const PLAN_TOKENS = 6 * COST.find + COST.currencies;

function pipedriveTarget(simulator: PipedriveSimulator, hooks?: HttpHooks): GoalAdapter {
  return createPipedriveAdapter({
    apiToken: PIPEDRIVE_SANDBOX.apiToken,
    fetch: simulator.fetch,
    plan: 'ultimate',
    defaultInterval: 'monthly',
    retry: { baseDelayMs: 1, maxDelayMs: 20 },
    ...(hooks ? { hooks } : {}),
  });
}

/** Requests the server refused: every request it received minus every call it admitted (and charged). */
function refused(simulator: PipedriveSimulator): number {
  const admitted = Object.values(simulator.usage().byOperation).reduce(
    (sum, op) => sum + (op?.calls ?? 0),
    0,
  );
  return simulator.stats.requests - admitted;
}

function titles(goals: readonly { title: string }[]): string[] {
  return goals.map((goal) => goal.title).sort();
}

/** Hooks that record the order of requests sent and daily refusals received. */
function requestLog() {
  const log: string[] = [];
  const hooks: HttpHooks = {
    onRequest: (event) => log.push(`send ${event.operation}`),
    onResponse: (event) =>
      log.push(event.status === 429 ? `refused ${event.operation}` : `ok ${event.operation}`),
  };
  return { log, hooks };
}

describe('the budget runs out during a migration', () => {
  it('the adapter sees it coming in the budget headers: stops, says when, and a run after the reset finishes', async () => {
    const source = testProvider('capillary', { goals: GOALS });
    const simulator = createPipedriveSimulator({ plan: 'ultimate' });
    const resetAt = simulator.dailyBudget()?.resetAt as number;
    // Enough for planning and 25 creates, and 5 tokens to spare.
    simulator.setDailyBudget({ remaining: PLAN_TOKENS + 25 * COST.add + 5 });
    const idMap = new MemoryIdMapStore();
    const options = { ...DEFAULTS_FOR.pipedrive, idMap };
    const first = pipedriveTarget(simulator);
    const planned = await plan(source.adapter, first, options);
    expect(planned.counts.create).toBe(GOALS);

    // One write at a time, so the adapter's count of the budget is exact: it stops before the server must refuse.
    const stopped = await apply(planned, { target: first, idMap, concurrency: 1 });
    expect(stopped.stopped?.reason).toMatch(/daily budget is spent/);
    const created = stopped.counts.created;
    expect(created).toBe(25);
    expect(simulator.goals()).toHaveLength(created);
    expect(stopped.counts.remaining).toBe(GOALS - created);
    expect(refused(simulator), 'no request past the budget').toBe(0);
    expect(simulator.dailyBudget()?.remaining).toBeLessThan(COST.add);
    const reportedReset = Date.parse(stopped.stopped?.resetAt ?? '');
    // The adapter knows the reset from its own clock: midnight UTC, when Pipedrive resets.
    expect(reportedReset).toBe(resetAt);

    // A day later. The stopped adapter's own clock has not reached the reset; a new run (as a rerun of the
    // command is) starts with a new adapter and finishes the job.
    simulator.clock.set(resetAt + 60_000);
    const rerun = pipedriveTarget(simulator);
    const again = await plan(source.adapter, rerun, options);
    expect(again.counts).toMatchObject({ create: GOALS - created, unchanged: created });
    const finished = await apply(again, { target: rerun, idMap });
    expect(finished.stopped).toBeUndefined();
    expect(finished.counts).toMatchObject({
      created: GOALS - created,
      unchanged: created,
      failed: 0,
      remaining: 0,
    });
    const held = await listGoals(rerun);
    expect(titles(held), 'no duplicate, no loss').toEqual(titles(await listGoals(source.adapter)));
  });

  it.each([1, 4])(
    'spent behind its back (concurrency %i): the server refuses, nothing more is sent, the same adapter resumes after the reset',
    async (concurrency) => {
      const source = testProvider('capillary', { goals: GOALS });
      const simulator = createPipedriveSimulator({ plan: 'ultimate' });
      const { log, hooks } = requestLog();
      const target = pipedriveTarget(simulator, hooks);
      const idMap = new MemoryIdMapStore();
      const options = { ...DEFAULTS_FOR.pipedrive, idMap };
      const planned = await plan(source.adapter, target, options);
      // Another integration of the company spends the rest of the budget after our 20th create; it resets
      // a moment later (the simulator and the adapter share the real clock here).
      let creates = 0;
      const resetAt = Date.now() + 1500;
      const spending: GoalAdapter = {
        ...target,
        async create(input, call) {
          const result = await target.create(input, call);
          if (++creates === 20) simulator.setDailyBudget({ remaining: 0, resetAt });
          return result;
        },
      };
      const stopped: MigrationSummary = await apply(planned, { target: spending, idMap, concurrency });
      expect(stopped.stopped?.reason).toMatch(/daily token budget is spent/);
      const firstRefusal = log.indexOf(`refused add`);
      expect(firstRefusal, 'the server refused a create').toBeGreaterThan(-1);
      expect(
        log.slice(firstRefusal).filter((entry) => entry.startsWith('send')),
        'nothing sent after it',
      ).toEqual([]);
      expect(refused(simulator)).toBe(log.filter((entry) => entry.startsWith('refused')).length);
      if (concurrency === 1) expect(refused(simulator), 'one request, refused').toBe(1);
      else expect(refused(simulator)).toBeLessThanOrEqual(concurrency);
      const reportedReset = Date.parse(stopped.stopped?.resetAt ?? '');
      expect(reportedReset - resetAt).toBeGreaterThanOrEqual(0);
      expect(reportedReset - resetAt).toBeLessThan(1100);
      const created = stopped.counts.created;
      expect(created).toBeGreaterThanOrEqual(20);

      // The same adapter goes on once its clock passes the reset it was told.
      await new Promise((resolve) => setTimeout(resolve, reportedReset - Date.now() + 20));
      const again = await plan(source.adapter, target, options);
      expect(again.counts).toMatchObject({ create: GOALS - created, unchanged: created });
      const finished = await apply(again, { target, idMap, concurrency });
      expect(finished.counts).toMatchObject({ created: GOALS - created, failed: 0, remaining: 0 });
      expect(titles(await listGoals(target)), 'no duplicate, no loss').toEqual(
        titles(await listGoals(source.adapter)),
      );
    },
  );
});

describe('the real binary meets a spent budget', () => {
  let sources: Awaited<ReturnType<typeof startSandboxes>>;
  let pipedrive: Awaited<ReturnType<typeof startPipedriveSandbox>>;
  const dir = mkdtempSync(join(tmpdir(), 'goalbridge-budget-'));
  beforeAll(async () => {
    sources = await startSandboxes({ capillary: GOALS });
    pipedrive = await startPipedriveSandbox({ plan: 'ultimate' });
  }, 30_000);
  afterAll(async () => {
    await sources?.close();
    await pipedrive?.close();
  });

  it('exits 1 with a stopped event naming the reset time; run again after the reset, it finishes', async () => {
    const { simulator } = pipedrive;
    const resetAt = simulator.dailyBudget()?.resetAt as number;
    simulator.setDailyBudget({ remaining: PLAN_TOKENS + 30 * COST.add + 5 });
    const env = {
      ...sources.env,
      PIPEDRIVE_BASE_URL: pipedrive.baseURL,
      PIPEDRIVE_API_TOKEN: PIPEDRIVE_SANDBOX.apiToken,
      PIPEDRIVE_PLAN: 'ultimate',
      PIPEDRIVE_DEFAULT_INTERVAL: 'monthly',
    };
    const args = [
      'migrate',
      '--from',
      'capillary',
      '--to',
      'pipedrive',
      '--id-map',
      'ids.jsonl',
      ...cliDefaultFlags('pipedrive'),
    ];
    const first = await runCli(args, { env, cwd: dir });
    expect(first.code, first.stderr).toBe(1);
    const events = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; resetAt?: string; stopped?: { resetAt?: string } });
    const stopped = events.find((event) => event.event === 'stopped');
    expect(Date.parse(stopped?.resetAt ?? '') - resetAt).toBeGreaterThanOrEqual(0);
    expect(Date.parse(stopped?.resetAt ?? '') - resetAt).toBeLessThan(1100);
    expect(events.at(-1)?.stopped?.resetAt).toBe(stopped?.resetAt);
    // Four writes in flight by default: at most those were already sent when the budget ran out.
    expect(refused(simulator)).toBeLessThanOrEqual(4);
    // Asked again before the reset: at most one request, and the message says when to come back.
    const before = simulator.stats.requests;
    const early = await runCli([...args, '--dry-run'], { env, cwd: dir });
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/budget is spent.*(it resets at|run the same command again after) \S+Z\n$/);
    expect(simulator.stats.requests - before, 'within one request').toBeLessThanOrEqual(1);

    simulator.clock.set(resetAt + 60_000);
    const second = await runCli(args, { env, cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout.trim().split('\n').at(-1) as string);
    expect(summary.counts).toMatchObject({ failed: 0, remaining: 0 });
    expect(summary.counts.created + summary.counts.unchanged).toBe(GOALS);
    expect(simulator.goals()).toHaveLength(GOALS);
    expect(new Set(simulator.goals().map((goal) => goal.title)).size).toBe(GOALS);
  }, 60_000);
});
