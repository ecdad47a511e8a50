/**
 * The real `goalbridge` binary when its run is cut short from outside: a reader of standard output that goes
 * away (`| head`), a reader slower than the export, a Ctrl-C while an export file is being written.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  generatePipedriveDataset,
  PIPEDRIVE_SANDBOX,
  type PipedriveSandbox,
  startPipedriveSandbox,
} from '@goalbridge/pipedrive/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, collect, runCli, startCli, startSandboxes } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-cli-stops-'));
/** Far more output than a pipe holds (64 KiB): a reader that stops reading is felt at once. */
const MANY = 3000;
let pipedrive: PipedriveSandbox;
let env: Record<string, string>;

beforeAll(async () => {
  pipedrive = await startPipedriveSandbox({
    plan: 'growth',
    dataset: generatePipedriveDataset({ seed: 5, goals: MANY }),
  });
  env = { PIPEDRIVE_BASE_URL: pipedrive.baseURL, PIPEDRIVE_API_TOKEN: PIPEDRIVE_SANDBOX.apiToken };
});
afterAll(async () => {
  await pipedrive?.close();
});

/** Runs the binary and closes its standard output after `keep` bytes, as `| head -c keep` does. */
function readThenClose(args: readonly string[], keep: number, options = {}): Promise<CliResult> {
  const child = startCli(args, options);
  child.stdin?.end();
  const { ended } = collect(child);
  let read = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read >= keep) child.stdout?.destroy();
  });
  return ended;
}

describe('a reader of standard output that goes away', () => {
  it.each([
    ['list', ['list', '--from', 'pipedrive']],
    ['export', ['export', '--from', 'pipedrive']],
    ['export --format singer', ['export', '--from', 'pipedrive', '--format', 'singer']],
  ])('%s stops quietly, exit 1, no stack trace', async (_name, args) => {
    const result = await readThenClose(args, 100, { env });
    expect(result.stdout).toMatch(/^\{"/);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });

  it('stops a migration as Ctrl-C does: the next run finishes it, with no goal written twice', async () => {
    const sandbox = await startSandboxes({ pipedrive: 200 });
    try {
      const args = [
        'migrate',
        ...['--from', 'pipedrive', '--to', 'capillary', '--id-map', 'ids.jsonl', '--json'],
        ...['--count-kpi', 'TRANSACTION/COUNT', '--money-kpi', 'TRANSACTION/SALES', '--concurrency', '2'],
      ];
      const options = { env: sandbox.env, cwd: dir };
      // Closed once the first goal is reported: the run is still writing the rest.
      const first = await readThenClose(args, 1, options);
      expect(first.stdout).toMatch(/^\{"event":"start"/);
      expect(first.stderr).toMatch(
        // Then the read warnings (untitled sandbox goals), told on every run.
        /^goalbridge: standard output closed, so the run stopped after writing \d+ goals; run the same command again to finish\nWarnings while reading goals/,
      );
      expect(first.code).toBe(1);
      const second = await runCli(args, options);
      expect(second.code, second.stderr).toBe(0);
      const summary = JSON.parse(second.stdout.trim().split('\n').at(-1) as string);
      expect(summary.counts).toMatchObject({ failed: 0, remaining: 0 });
      expect(summary.counts.created, 'the first run stopped early').toBeGreaterThan(0);
      expect(summary.counts.created + summary.counts.unchanged).toBe(200);
      const listed = await runCli(['list', '--from', 'capillary'], options);
      const titles = listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).goal.title as string);
      expect(titles).toHaveLength(200);
      expect(new Set(titles).size).toBe(200);
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});

describe('a slow reader', () => {
  it('holds an export back instead of reading every goal into memory', async () => {
    const finds = () => pipedrive.simulator.stats.byRoute.get('GET /v1/goals/find') ?? 0;
    const before = finds();
    const child = startCli(['export', '--from', 'pipedrive'], { env });
    child.stdin?.end();
    // Not read at all for a while (no 'data' listener yet): the pipe fills, then the export must wait.
    await sleep(1500);
    const whileWaiting = finds() - before;
    const result = await collect(child).ended;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(MANY);
    // The listing runs six queries, one after another, each read as the lines before it are taken.
    expect(finds() - before).toBe(6);
    expect(whileWaiting).toBeLessThan(6);
  });
});

describe('Ctrl-C while an export file is written', () => {
  it('is a stop (exit 1), not a file error, and leaves no partial file', async () => {
    // A Pipedrive that never answers: the export is still waiting for its first page when stopped.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const out = join(dir, 'goals.ndjson');
    try {
      const child = startCli(['export', '--from', 'pipedrive', '--out', out], {
        env: { PIPEDRIVE_BASE_URL: `http://127.0.0.1:${port}/v1`, PIPEDRIVE_API_TOKEN: 'any-token' },
      });
      child.stdin?.end();
      const result = collect(child).ended;
      while (!existsSync(`${out}.partial`)) await sleep(10);
      await sleep(200);
      child.kill('SIGINT');
      const { code, stderr } = await result;
      expect(stderr).toMatch(/goalbridge: stopped\n$/);
      expect(stderr).not.toContain('cannot write');
      expect(code).toBe(1);
      expect(existsSync(`${out}.partial`)).toBe(false);
      expect(() => readFileSync(out)).toThrow();
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('Ctrl-C while an import waits for standard input', () => {
  it('ends the process at once, though the input is still open', async () => {
    const exported = await readThenClose(['export', '--from', 'pipedrive'], 2000, { env });
    const [line] = exported.stdout.split('\n');
    const child = startCli(['import', '--to', 'pipedrive', '--in', '-', '--json'], { env });
    const { stdout, ended: result } = collect(child);
    child.stdin?.write(`${line}\n`); // and the input stays open, as a terminal's would
    while (!stdout().includes('"event":"item"')) await sleep(10);
    child.kill('SIGINT');
    const outcome = await Promise.race([result, sleep(5000).then(() => 'still running' as const)]);
    child.kill('SIGKILL');
    expect(outcome).not.toBe('still running');
    expect((outcome as CliResult).code).toBe(1);
    expect((outcome as CliResult).stdout).toContain('"stopped"');
  });
});
