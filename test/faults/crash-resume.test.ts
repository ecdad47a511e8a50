/**
 * Crash and resume with the real binary: `goalbridge migrate --id-map FILE` against the sandboxes (served on
 * localhost by this process) is killed with SIGKILL at a dozen random points — after a random number of
 * goals reported created, or after a random delay — and run again each time, until a run finishes. The target must
 * then hold exactly the goals a migration into an empty target creates, each once, and the ID map must name
 * each of them. Kill points come from a seeded generator; the seed is in every assertion message (set
 * GOALBRIDGE_CRASH_SEED to replay or explore).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type IdMapEntry, plan } from '@goalbridge/core';
import { FileIdMapStore } from '@goalbridge/core/node';
import { createRandom, randomInt } from '@goalbridge/core/simulator';
import { PLANNR_SANDBOX } from '@goalbridge/plannr/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, startSandboxes } from '../support/cli.ts';
import { listGoals } from '../support/providers.ts';

const SEED = Number(process.env.GOALBRIDGE_CRASH_SEED ?? 20_260_712);
const KILLS = 12;
/** Enough work left for every kill to land mid-run, and within the Plannr sandbox's 500 requests a minute. */
const GOALS = 400;
const OWNER = PLANNR_SANDBOX.clientAccounts[0].uuid;
const PLAN_OPTIONS = { defaults: { owners: [{ type: 'account', id: OWNER }], currency: 'GBP' as const } };

let sandbox: Awaited<ReturnType<typeof startSandboxes>>;
const dir = mkdtempSync(join(tmpdir(), 'goalbridge-crash-'));

beforeAll(async () => {
  sandbox = await startSandboxes({ pipedrive: GOALS });
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
});

const adapter = (name: string) => sandbox.adapter(name);

type KillPoint = { after: 'creates'; creates: number } | { after: 'delay'; ms: number };

interface KilledRun {
  signal: NodeJS.Signals | null;
  code: number | null;
  /** Goals reported created before the kill. */
  created: number;
  /** The end of what it printed on stderr: why a run ended by itself. */
  stderr: string;
}

/** Runs the binary and kills it with SIGKILL at `point`: after that many goals reported created, or a delay. */
function runAndKill(args: readonly string[], point: KillPoint): Promise<KilledRun> {
  const child = startCli(args, { env: sandbox.env, cwd: dir });
  child.stdin?.end();
  let buffer = '';
  let created = 0;
  const kill = () => child.kill('SIGKILL');
  const timer = point.after === 'delay' ? setTimeout(kill, point.ms) : undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const event = JSON.parse(buffer.slice(0, newline)) as { event: string; outcome?: string };
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (event.event !== 'item' || event.outcome !== 'created') continue;
      created++;
      if (point.after === 'creates' && created === point.creates) kill();
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, created, stderr });
    });
  });
}

/** The last state of every entry in the ID map's journal (a torn last line, as a kill can leave, is skipped). */
function journal(file: string): IdMapEntry[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const entries = new Map<string, IdMapEntry>();
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as IdMapEntry;
      entries.set(entry.source, entry);
    } catch {
      // The torn tail of a write the kill interrupted.
    }
  }
  return [...entries.values()];
}

describe('migrate, killed with SIGKILL again and again', () => {
  it(`finishes with no duplicate and no loss after ${KILLS} kills (seed ${SEED})`, async () => {
    const random = createRandom(SEED);
    const source = adapter('pipedrive');
    const target = adapter('plannr');
    const expected = await plan(source, target, PLAN_OPTIONS);
    expect(expected.counts.create, 'the target starts empty').toBeGreaterThan(200);

    const idMapFile = join(dir, 'ids.jsonl');
    const args = [
      'migrate',
      '--from',
      'pipedrive',
      '--to',
      'plannr',
      '--id-map',
      idMapFile,
      '--default-owner',
      `account:${OWNER}`,
      '--currency',
      'GBP',
      '--json',
    ];
    const kills: (KillPoint & { created: number; pending: number })[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Planning lists both sides first: kill points fall before, during and after the writes start.
      const point: KillPoint =
        random() < 0.7
          ? { after: 'creates', creates: randomInt(random, 1, 6) }
          : { after: 'delay', ms: randomInt(random, 50, 700) };
      const run = await runAndKill(args, point);
      const where = `seed ${SEED}, kill ${kill + 1}: ${JSON.stringify(point)}`;
      const ended = `exit ${run.code} after ${run.created} created: ${run.stderr}`;
      expect(run.signal, `${where} — the run was still going (${ended})`).toBe('SIGKILL');
      const entries = journal(idMapFile);
      const pending = entries.filter((entry) => entry.state === 'pending').length;
      kills.push({ ...point, created: run.created, pending });
    }
    expect(
      kills.some((kill) => kill.pending > 0),
      `seed ${SEED}: some kill hit a write in flight ${JSON.stringify(kills)}`,
    ).toBe(true);

    const last = await runCli(args, { env: sandbox.env, cwd: dir });
    const summary = JSON.parse(last.stdout.trim().split('\n').at(-1) as string);
    expect(summary.event, `seed ${SEED}: ${last.stderr}`).toBe('summary');
    expect(summary.counts.failed, `seed ${SEED}`).toBe(expected.counts.invalid);
    expect(summary.counts.created + summary.counts.unchanged, `seed ${SEED}`).toBe(expected.counts.create);

    // Exactly one goal per planned create, each named by the ID map, none twice.
    const held = await listGoals(target);
    expect(held, `seed ${SEED}: no duplicate, no loss after kills ${JSON.stringify(kills)}`).toHaveLength(
      expected.counts.create,
    );
    const titles = (goals: { title: string }[]) => goals.map((goal) => goal.title).sort();
    expect(titles(held)).toEqual(
      titles(expected.items.flatMap((item) => (item.action === 'create' ? [item.input] : []))),
    );
    const idMap = await FileIdMapStore.open(idMapFile);
    try {
      const entries = await idMap.entries('plannr');
      const created = new Set(expected.items.filter((item) => item.action === 'create').map((i) => i.source));
      const mapped = entries.filter((entry) => created.has(entry.source));
      expect(mapped.every((entry) => entry.state === 'done')).toBe(true);
      expect(new Set(mapped.map((entry) => entry.targetId))).toEqual(new Set(held.map((goal) => goal.id)));
      expect(mapped).toHaveLength(created.size);
      const again = await plan(source, target, { ...PLAN_OPTIONS, idMap });
      expect(again.counts, `seed ${SEED}: nothing left to do`).toMatchObject({ create: 0, update: 0 });
    } finally {
      await idMap.close();
    }
  }, 180_000);
});
