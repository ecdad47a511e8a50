/** The real `goalbridge` binary against the provider sandboxes: every command, exit codes, bad input. */
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { GoalSchema } from '@goalbridge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, startSandboxes } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-cli-'));
let sandbox: Awaited<ReturnType<typeof startSandboxes>>;

const adapter = (name: string) => sandbox.adapter(name);

async function count(name: string): Promise<number> {
  let total = 0;
  for await (const _goal of adapter(name).list()) total++;
  return total;
}

const TO_PLANNR = ['--default-owner', 'account:ecdeabf7-43b0-482b-977b-c29259480484', '--currency', 'GBP'];

beforeAll(async () => {
  sandbox = await startSandboxes({ pipedrive: 40 });
}, 30_000);
afterAll(async () => {
  await sandbox?.close();
});

describe('help and usage', () => {
  it('explains itself and every command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['providers', 'list', 'export', 'import', 'plan', 'migrate', 'sandbox', 'demo']) {
      expect(help.stdout).toContain(`  ${command} `);
      const own = await runCli([command, '--help']);
      expect(own.code, command).toBe(0);
      expect(own.stdout).toMatch(/^goalbridge /);
      expect(own.stdout).toContain('--help');
    }
    expect(help.stdout).toContain(
      'Exit codes: 0 ok · 1 some goals failed or the run stopped early · 2 usage or configuration error',
    );
    expect((await runCli(['help', 'migrate'])).stdout).toContain('--id-map FILE');
  });

  it.each([
    [[], /Usage: goalbridge <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list'], /--from is required: one of pipedrive, plannr, capillary/],
    [['list', '--from', 'salesforce'], /unknown provider "salesforce" for --from/],
    [['list', '--from', 'pipedrive', '--colour'], /Unknown option '--colour'/],
    [['list', '--from', 'pipedrive', 'extra'], /unexpected argument "extra"/],
    [
      ['migrate', '--from', 'pipedrive', '--to', 'plannr', '--concurrency', '0'],
      /--concurrency must be a whole number from 1 to 64/,
    ],
    [
      ['migrate', '--from', 'pipedrive', '--to', 'plannr', '--conflict', 'merge'],
      /--conflict must be one of update, skip, fail/,
    ],
    [
      ['plan', '--from', 'pipedrive', '--to', 'plannr', '--currency', 'EURO'],
      /--currency must be an ISO 4217 code/,
    ],
    [
      ['plan', '--from', 'pipedrive', '--to', 'plannr', '--start-date', '2026-02-30'],
      /--start-date must be YYYY-MM-DD/,
    ],
    [['export', '--from', 'pipedrive', '--format', 'csv'], /--format must be one of ndjson, singer/],
    [['help', 'frobnicate'], /unknown command "frobnicate"/],
    [
      ['plan', '--from', 'pipedrive', '--to', 'capillary', '--count-kpi='],
      /--count-kpi must be a metric such as TRANSACTION\/COUNT, got ""/,
    ],
    [
      ['migrate', '--from', 'pipedrive', '--to', 'capillary', '--money-kpi', ' '],
      /--money-kpi must be a metric such as TRANSACTION\/SALES, got " "/,
    ],
    [['plan', '--from', 'pipedrive', '--to', 'plannr', '--id-map='], /--id-map must be a file name/],
    [['export', '--from', 'pipedrive', '--out='], /--out must be a file name/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const result = await runCli(args, { env: sandbox.env });
    expect(result.code).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toMatch(message);
  });
});

describe('credentials', () => {
  it('names the variable that is missing', async () => {
    const result = await runCli(['list', '--from', 'plannr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('goalbridge: plannr: set PLANNR_ACCESS_TOKEN (or --plannr-access-token)\n');
  });

  it('takes credentials from flags too, and never prints them, even when they are wrong', async () => {
    const secret = 'wrong-token-SHOULD-NOT-APPEAR-0123456789';
    const result = await runCli(['list', '--from', 'pipedrive', '--pipedrive-api-token', secret], {
      env: { PIPEDRIVE_BASE_URL: sandbox.env.PIPEDRIVE_BASE_URL as string },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^goalbridge: pipedrive find failed \(HTTP 401\): unauthorized access/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(secret);
  });
});

describe('providers', () => {
  it('describes each provider as JSON when piped', async () => {
    const result = await runCli(['providers']);
    expect(result.code).toBe(0);
    const providers = JSON.parse(result.stdout) as {
      provider: string;
      operations: string[];
      settings: { env: string }[];
      rateLimitsChangeWith: string[];
    }[];
    expect(providers.map((p) => p.provider)).toEqual(['pipedrive', 'plannr', 'capillary']);
    expect(providers[0]?.settings.map((s) => s.env)).toContain('PIPEDRIVE_API_TOKEN');
    expect(providers[2]?.operations).toContain('progress');
    // The limits shown are the defaults: the settings that change them are named.
    expect(providers.map((p) => p.rateLimitsChangeWith)).toEqual([
      ['PIPEDRIVE_PLAN', 'PIPEDRIVE_SEATS'],
      [],
      ['CAPILLARY_REQUESTS_PER_MINUTE'],
    ]);
  });
});

describe('list, export and import', () => {
  it('lists goals as NDJSON when piped, every line a valid goal', async () => {
    const result = await runCli(['list', '--from', 'pipedrive'], { env: sandbox.env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(40);
    for (const line of lines) expect(GoalSchema.safeParse(JSON.parse(line).goal).success).toBe(true);
    const limited = await runCli(['list', '--from', 'pipedrive', '--limit', '3'], { env: sandbox.env });
    expect(limited.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('writes --out through a link into the file it points to, and into a device as it is', async () => {
    const real = join(dir, 'real.ndjson');
    const link = join(dir, 'link.ndjson');
    writeFileSync(real, 'old\n');
    symlinkSync(real, link);
    const args = ['export', '--from', 'pipedrive'];
    expect((await runCli([...args, '--out', link], { env: sandbox.env })).code).toBe(0);
    expect([lstatSync(link).isSymbolicLink(), readFileSync(real, 'utf8').split('\n')]).toEqual([
      true,
      expect.arrayContaining([expect.stringContaining('"schema"')]),
    ]);
    // A pipe (like /dev/null or /dev/stdout, never to be replaced by a file) is written as it is.
    const pipe = join(dir, 'plan.pipe');
    execFileSync('mkfifo', [pipe]);
    const received = text(createReadStream(pipe));
    const plan = ['plan', '--from', 'pipedrive', '--to', 'plannr', '--out', pipe, ...TO_PLANNR];
    await runCli(plan, { env: sandbox.env });
    expect(JSON.parse(await received)).toHaveProperty('counts');
    expect(statSync(pipe).isFIFO()).toBe(true);
  });

  it('exports to a file, then imports it, reporting a bad line by number and importing the rest', async () => {
    const file = join(dir, 'goals.ndjson');
    const exported = await runCli(['export', '--from', 'pipedrive', '--out', file], { env: sandbox.env });
    expect(exported.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(40);
    const broken = join(dir, 'broken.ndjson');
    writeFileSync(
      broken,
      [...lines.slice(0, 5), '{"schema":"goalbridge/goal@1","goal":{"title":""}}', 'not json'].join('\n'),
    );
    const imported = await runCli(
      [
        'import',
        '--to',
        'capillary',
        '--in',
        'broken.ndjson',
        '--count-kpi',
        'TRANSACTION/COUNT',
        '--money-kpi',
        'TRANSACTION/SALES',
      ],
      {
        env: sandbox.env,
        cwd: dir,
      },
    );
    expect(imported.code).toBe(1);
    const summary = JSON.parse(imported.stdout.trim().split('\n').at(-1) as string);
    expect(summary.counts).toMatchObject({ created: 5, failed: 2 });
    expect(summary.failures.map((failure: { source: string }) => failure.source)).toEqual([
      'broken.ndjson:6',
      'broken.ndjson:7',
    ]);
    expect(await count('capillary')).toBe(5);
  });

  it('imports from standard input and validates without writing in a dry run', async () => {
    const exported = await runCli(['export', '--from', 'pipedrive'], { env: sandbox.env });
    const input = exported.stdout.split('\n').slice(0, 3).join('\n');
    const before = await count('plannr');
    const dry = await runCli(['import', '--to', 'plannr', '--in', '-', '--dry-run', ...TO_PLANNR], {
      env: sandbox.env,
      input,
    });
    const report = JSON.parse(dry.stdout) as { counts: Record<string, number>; problems: unknown[] };
    expect(
      Object.values(report.counts).reduce((sum, n) => sum + n, 0),
      'every line planned',
    ).toBe(3);
    expect(dry.code).toBe(report.problems.length > 0 ? 1 : 0);
    expect(await count('plannr')).toBe(before);
  });

  it('foresees in a dry run what the import does with a goal listed twice: unchanged, or a conflict when it differs', async () => {
    const exported = await runCli(['export', '--from', 'pipedrive'], { env: sandbox.env });
    // A goal Plannr takes: no currency but the account's.
    const line = exported.stdout
      .trim()
      .split('\n')
      .findLast((text) => [undefined, 'GBP'].includes(JSON.parse(text).goal.target?.currency)) as string;
    const envelope = JSON.parse(line);
    const changed = JSON.stringify({
      ...envelope,
      goal: { ...envelope.goal, description: 'another account' },
    });
    const input = [line, line, changed].join('\n');
    const args = ['import', '--to', 'plannr', '--in', '-', ...TO_PLANNR];
    const dry = await runCli([...args, '--dry-run'], { env: sandbox.env, input });
    const report = JSON.parse(dry.stdout) as { counts: Record<string, number>; problems: { line: number }[] };
    expect([report.counts, report.problems.map((problem) => problem.line)]).toEqual([
      { create: 1, unchanged: 1, conflict: 1 },
      [3],
    ]);
    const real = await runCli(args, { env: sandbox.env, input });
    const events = real.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect(events.at(-1).counts).toMatchObject({ created: 1, unchanged: 1, failed: 1 });
    expect([dry.code, real.code]).toEqual([1, 1]);
    // Now that the target holds the goal, the first line still decides.
    const again = await runCli([...args, '--dry-run'], { env: sandbox.env, input });
    expect(JSON.parse(again.stdout).counts).toEqual({ unchanged: 2, conflict: 1 });
    // The sandbox is shared with the tests that follow: the goal created here goes again.
    const created = events.find((event) => event.outcome === 'created');
    await adapter('plannr').delete(created.targetId);
  });

  it('foresees a repeat that differs only where the target stores nothing (Pipedrive: description) as unchanged', async () => {
    const exported = await runCli(['export', '--from', 'pipedrive'], { env: sandbox.env });
    const envelope = JSON.parse(exported.stdout.trim().split('\n').at(-1) as string);
    const goal = { ...envelope.goal, title: 'Listed twice in one input' };
    const input = [goal, { ...goal, description: 'no field for it in Pipedrive' }]
      .map((each) => JSON.stringify({ ...envelope, goal: each }))
      .join('\n');
    const args = ['import', '--to', 'pipedrive', '--in', '-'];
    const dry = await runCli([...args, '--dry-run'], { env: sandbox.env, input });
    expect([dry.code, JSON.parse(dry.stdout).counts]).toEqual([0, { create: 1, unchanged: 1 }]);
    const real = await runCli(args, { env: sandbox.env, input });
    const events = real.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    expect([real.code, events.at(-1).counts]).toEqual([
      0,
      expect.objectContaining({ created: 1, unchanged: 1 }),
    ]);
    await adapter('pipedrive').delete(events.find((event) => event.outcome === 'created').targetId);
  });

  it('stops an import at a bad line with --stop-on-invalid, summing up what it wrote before it', async () => {
    const exported = await runCli(['export', '--from', 'pipedrive'], { env: sandbox.env });
    const lines = exported.stdout.trim().split('\n').slice(10, 16);
    writeFileSync(join(dir, 'stop.ndjson'), [...lines.slice(0, 5), 'not json', lines[5]].join('\n'));
    const before = await count('capillary');
    const result = await runCli(
      [
        ...['import', '--to', 'capillary', '--in', 'stop.ndjson', '--stop-on-invalid', '--concurrency', '1'],
        ...['--count-kpi', 'TRANSACTION/COUNT', '--money-kpi', 'TRANSACTION/SALES'],
      ],
      { env: sandbox.env, cwd: dir },
    );
    expect(result.code).toBe(1);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const reason = 'stop.ndjson line 6 is invalid; nothing from it on was written';
    expect(events.at(-2)).toEqual({ event: 'stopped', reason });
    expect(events.at(-1)).toMatchObject({ event: 'summary', counts: { created: 5 }, stopped: { reason } });
    expect(result.stderr).toMatch(/^goalbridge: stop\.ndjson line 6: \(line\): not JSON/);
    expect(await count('capillary'), 'nothing after the bad line').toBe(before + 5);
  });

  it('refuses a Singer state that is not one, naming --state and the field, before any goal is read', async () => {
    const cases = [
      ['{"bookmarks":null}', /bookmarks: .*expected object, received null/],
      ['{"bookmarks":{"goals":{"updatedAt":"garbage"}}}', /bookmarks\.goals\.updatedAt: must be an ISO 8601/],
    ] as const;
    for (const [text, field] of cases) {
      writeFileSync(join(dir, 'state.json'), text);
      const result = await runCli(
        ['export', '--from', 'pipedrive', '--format', 'singer', '--state', 'state.json'],
        { env: sandbox.env, cwd: dir },
      );
      expect(result.code, text).toBe(2);
      expect(result.stderr).toMatch(/^goalbridge: --state state\.json: expected a Singer state value/);
      expect(result.stderr).toMatch(field);
      expect(result.stdout).toBe('');
    }
    // A good one is taken, its bookmark in UTC like the goals' (Pipedrive goals carry no update time).
    writeFileSync(
      join(dir, 'state.json'),
      '{"bookmarks":{"goals":{"updatedAt":"2026-01-01T02:00:00+02:00"}}}',
    );
    const next = await runCli(
      ['export', '--from', 'pipedrive', '--format', 'singer', '--state', 'state.json'],
      { env: sandbox.env, cwd: dir },
    );
    expect(next.code, next.stderr).toBe(0);
    const state = JSON.parse(next.stdout.trim().split('\n').at(-1) as string);
    expect(state.value.bookmarks.goals).toEqual({ count: 40, updatedAt: '2026-01-01T00:00:00.000Z' });
  });

  it('streams a Singer tap', async () => {
    const result = await runCli(['export', '--from', 'pipedrive', '--format', 'singer'], {
      env: sandbox.env,
    });
    const types = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(types[0]).toBe('SCHEMA');
    expect(types.filter((type) => type === 'RECORD')).toHaveLength(40);
    expect(types.at(-1)).toBe('STATE');
  });

  it('leaves no half-written export file when the export fails', async () => {
    const file = join(dir, 'never.ndjson');
    const result = await runCli(['export', '--from', 'pipedrive', '--out', file], {
      env: { ...sandbox.env, PIPEDRIVE_API_TOKEN: 'not-the-right-token-abc' },
    });
    expect(result.code).toBe(2);
    expect(() => readFileSync(file)).toThrow();
    expect(() => readFileSync(`${file}.partial`)).toThrow();
  });
});

describe('plan and migrate', () => {
  it('plans without writing, as JSON when piped, and saves the plan', async () => {
    const out = join(dir, 'plan.json');
    const result = await runCli(
      ['plan', '--from', 'pipedrive', '--to', 'plannr', '--out', out, ...TO_PLANNR],
      { env: sandbox.env },
    );
    const planned = JSON.parse(result.stdout);
    expect(planned.counts.create + planned.counts.invalid).toBe(40);
    expect(result.code).toBe(planned.counts.invalid > 0 ? 1 : 0);
    expect(JSON.parse(readFileSync(out, 'utf8')).items).toHaveLength(40);
  });

  it('refuses a malformed owner map or ID map, naming the file', async () => {
    const owners = join(dir, 'owners.json');
    writeFileSync(owners, '{"person:1": {"type": "account"}');
    const badOwners = await runCli(['plan', '--from', 'pipedrive', '--to', 'plannr', '--owner-map', owners], {
      env: sandbox.env,
    });
    expect(badOwners.code).toBe(2);
    expect(badOwners.stderr).toContain(`${owners} (line 1, column`);
    const ids = join(dir, 'ids.jsonl');
    writeFileSync(ids, 'garbage\n{"also": "garbage"}\n');
    const badIds = await runCli(['migrate', '--from', 'pipedrive', '--to', 'plannr', '--id-map', ids], {
      env: sandbox.env,
    });
    expect(badIds.code).toBe(2);
    expect(badIds.stderr).toContain(`ID map ${ids} line 1 is not a valid entry`);
  });

  it('creates no ID map for a usage error, a plan or a dry run', async () => {
    const ids = join(dir, 'untouched-ids.jsonl');
    const usageErrors = [
      ['plan', '--from', 'pipedrive', '--to', 'capillary', '--id-map', ids, '--conflict', 'bogus'],
      ['migrate', '--from', 'pipedrive', '--to', 'capillary', '--id-map', ids, '--count-kpi='],
    ];
    const readOnly = [
      ['plan', '--from', 'pipedrive', '--to', 'plannr', '--id-map', ids, ...TO_PLANNR],
      ['migrate', '--from', 'pipedrive', '--to', 'plannr', '--id-map', ids, '--dry-run', ...TO_PLANNR],
      ['import', '--to', 'plannr', '--in', '-', '--id-map', ids, '--dry-run', ...TO_PLANNR],
    ];
    for (const args of [...usageErrors, ...readOnly]) {
      const result = await runCli(args, { env: sandbox.env });
      const codes = usageErrors.includes(args) ? [2] : [0, 1];
      expect(codes, `${args.join(' ')}: ${result.stderr}`).toContain(result.code);
      expect(existsSync(ids), args.join(' ')).toBe(false);
      expect(existsSync(`${ids}.lock`), args.join(' ')).toBe(false);
    }
  });

  it('migrates with an ID map, and a second run creates nothing', async () => {
    const ids = join(dir, 'migrate-ids.jsonl');
    const args = ['migrate', '--from', 'pipedrive', '--to', 'plannr', '--id-map', ids, ...TO_PLANNR];
    const before = await count('plannr');
    const dry = await runCli([...args, '--dry-run'], { env: sandbox.env });
    const planned = JSON.parse(dry.stdout);
    expect(planned.counts.create).toBeGreaterThan(0);
    expect(await count('plannr'), 'a dry run writes nothing').toBe(before);

    const first = await runCli(args, { env: sandbox.env });
    const events = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const summary = events.at(-1);
    expect(summary.event).toBe('summary');
    expect(summary.counts.created).toBe(planned.counts.create);
    expect(events.filter((event) => event.event === 'item')).toHaveLength(40);
    expect(await count('plannr')).toBe(before + planned.counts.create);

    const second = await runCli(args, { env: sandbox.env });
    const again = JSON.parse(second.stdout.trim().split('\n').at(-1) as string);
    expect(again.counts).toMatchObject({ created: 0, unchanged: planned.counts.create });
    expect(await count('plannr')).toBe(before + planned.counts.create);

    // A plan reads the map as it is: matched by it, the file left byte for byte, no lock taken.
    const saved = readFileSync(ids, 'utf8');
    const replanned = await runCli(
      ['plan', '--from', 'pipedrive', '--to', 'plannr', '--id-map', ids, ...TO_PLANNR],
      {
        env: sandbox.env,
      },
    );
    expect(JSON.parse(replanned.stdout).counts).toMatchObject({
      create: 0,
      unchanged: planned.counts.create,
    });
    expect(readFileSync(ids, 'utf8')).toBe(saved);
    expect(existsSync(`${ids}.lock`)).toBe(false);
  });
});

describe('sandbox and demo', () => {
  it('runs the three simulators until stopped, printing how to reach them and a command that works', async () => {
    const child = startCli(['sandbox', '--goals', '5']);
    let out = '';
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('CAPILLARY_REQUESTS_PER_MINUTE')) resolve();
      });
    });
    await expect.poll(() => err).toContain('Then e.g.: goalbridge ');
    const suggested = (/Then e\.g\.: goalbridge (.+)\n/.exec(err)?.[1] ?? '').split(' ');
    const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    const tried = await runCli([...suggested, '--json'], { env });
    const { counts } = JSON.parse(tried.stdout) as { counts: { create: number; invalid: number } };
    expect(counts.create).toBeGreaterThan(0);
    expect(tried.code, tried.stderr).toBe(counts.invalid > 0 ? 1 : 0);
    const pipedriveUrl = /export PIPEDRIVE_BASE_URL=(\S+)/.exec(out)?.[1];
    const token = /export PIPEDRIVE_API_TOKEN=(\S+)/.exec(out)?.[1];
    const response = await fetch(`${pipedriveUrl}/goals/find?assignee.type=person&is_active=true`, {
      headers: { 'x-api-token': token as string },
    });
    expect(response.status).toBe(200);
    const code = await new Promise((resolve) => {
      child.on('close', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    await expect(fetch(`${pipedriveUrl}/goals/find`)).rejects.toThrow();
  });

  it('runs the demo end to end and proves the counts', async () => {
    const result = await runCli(['demo', '--goals', '60']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Pipedrive holds 60 goals');
    expect(result.stdout).toMatch(/Counts match\. Done in/);
    expect(result.stdout).toContain('Warnings, by reason:');
  }, 60_000);
});
