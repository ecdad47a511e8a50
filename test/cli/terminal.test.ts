/**
 * What a person at a terminal sees (tables, the progress bar on stderr), from the CLI run in-process with a
 * terminal for stdout and stderr, against the provider sandboxes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runInProcess, startSandboxes } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-cli-terminal-'));
let sandbox: Awaited<ReturnType<typeof startSandboxes>>;

beforeAll(async () => {
  sandbox = await startSandboxes({ pipedrive: 10 });
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
});

describe('import --stop-on-invalid on a terminal', () => {
  it('shows what was written and where it stopped, then the bad line on a line of its own', async () => {
    const exported = await runCli(['export', '--from', 'pipedrive'], { env: sandbox.env });
    const [first, second, third] = exported.stdout.trim().split('\n');
    writeFileSync(
      join(dir, 'goals.ndjson'),
      [first, second, '{"schema":"goalbridge/goal@1"}', third].join('\n'),
    );
    const { code, stdout, stderr } = await runInProcess(
      [
        ...['import', '--to', 'capillary', '--in', 'goals.ndjson', '--stop-on-invalid', '--concurrency', '1'],
        ...['--count-kpi', 'TRANSACTION/COUNT', '--money-kpi', 'TRANSACTION/SALES'],
      ],
      { env: sandbox.env, cwd: dir, terminal: { columns: 100 } },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/created +2\n/);
    expect(stdout).toContain(
      'Stopped early: goals.ndjson line 3 is invalid; nothing from it on was written.',
    );
    // The progress bar's line is finished before the error is written.
    expect(stderr).toMatch(/\ngoalbridge: goals\.ndjson line 3: goal: .*\n$/);
  });
});
