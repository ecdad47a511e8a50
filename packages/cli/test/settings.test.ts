/**
 * How the CLI turns flags and environment into an adapter, and what it lets reach the terminal: settings named
 * as the user gave them, flags winning over alternatives, refused access as a settings error, read warnings
 * told, provider text shown without its control characters.
 */

import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import {
  createMemoryAdapter,
  type GoalAdapter,
  type HttpHooks,
  PermissionError,
  RateLimitError,
  TransientError,
  toGoalInput,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli.ts';
import { openProvider, type ProviderEntry } from '../src/provider-registry.ts';
import { capillary } from '../src/providers/capillary.ts';
import { pipedrive } from '../src/providers/pipedrive.ts';
import { ReadWarnings } from '../src/render/read-warnings.ts';
import { fakeIo } from './fake-io.ts';

function configMessage(open: () => unknown): string | undefined {
  try {
    open();
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
}

describe('provider settings', () => {
  it('names a refused setting by its variable and flag, not by the adapter option', () => {
    for (const baseURL of ['ftp://files.example.com', 'https://api.example.com/v1?company=x']) {
      const message = configMessage(() =>
        openProvider(pipedrive, {}, { PIPEDRIVE_API_TOKEN: 'token', PIPEDRIVE_BASE_URL: baseURL }, undefined),
      );
      expect(message).toMatch(/^pipedrive: PIPEDRIVE_BASE_URL \(--pipedrive-base-url\): must /);
      expect(message).not.toContain('baseURL');
    }
  });

  it('names a refused credential nested in the adapter options by its own variable', () => {
    const message = configMessage(() =>
      openProvider(
        capillary,
        {},
        { CAPILLARY_USERNAME: 'till', CAPILLARY_PASSWORD: 'pass\nword' },
        undefined,
      ),
    );
    expect(message).toMatch(
      /^capillary: CAPILLARY_PASSWORD \(--capillary-password\): must not contain line breaks/,
    );
    expect(message).not.toContain('pass\nword');
  });

  it('refuses two alternatives given together, naming both', () => {
    expect(
      configMessage(() =>
        openProvider(pipedrive, {}, { PIPEDRIVE_API_TOKEN: 'a', PIPEDRIVE_ACCESS_TOKEN: 'b' }, undefined),
      ),
    ).toBe(
      'pipedrive: set either PIPEDRIVE_API_TOKEN (--pipedrive-api-token) or PIPEDRIVE_ACCESS_TOKEN (--pipedrive-access-token), not both',
    );
    expect(
      configMessage(() =>
        openProvider(
          capillary,
          { 'capillary-username': 'till', 'capillary-key': 'k' },
          { CAPILLARY_PASSWORD: 'p', CAPILLARY_SECRET: 's' },
          undefined,
        ),
      ),
    ).toMatch(/^capillary: set either CAPILLARY_USERNAME .* or CAPILLARY_KEY .*, not both$/);
  });

  it('lets a flag win over the environment’s alternative to it', () => {
    const opened = (entry: ProviderEntry, flags: Record<string, string>, env: Record<string, string>) =>
      configMessage(() => openProvider(entry, flags, env, undefined));
    expect(
      opened(pipedrive, { 'pipedrive-api-token': 'a' }, { PIPEDRIVE_ACCESS_TOKEN: 'b' }),
    ).toBeUndefined();
    expect(
      opened(
        pipedrive,
        { 'pipedrive-base-url': 'https://proxy.example.com/v1' },
        { PIPEDRIVE_API_TOKEN: 'a', PIPEDRIVE_COMPANY_DOMAIN: 'acme' },
      ),
    ).toBeUndefined();
    // The key from a flag, its secret from the environment: the environment's Basic auth is set aside.
    expect(
      opened(
        capillary,
        { 'capillary-key': 'k' },
        { CAPILLARY_SECRET: 's', CAPILLARY_USERNAME: 'till', CAPILLARY_PASSWORD: 'p' },
      ),
    ).toBeUndefined();
    expect(
      opened(
        capillary,
        { 'capillary-cluster': 'apac' },
        { CAPILLARY_BASE_URL: 'http://localhost:1', CAPILLARY_USERNAME: 'till', CAPILLARY_PASSWORD: 'p' },
      ),
    ).toBeUndefined();
  });
});

/** A provider whose listing does what `list` says, given the hooks the CLI passes. */
function fakeProvider(list: (hooks: HttpHooks | undefined) => GoalAdapter['list']): ProviderEntry {
  const memory = createMemoryAdapter({ provider: 'fake' });
  return {
    name: 'fake',
    title: 'fake',
    settings: [],
    capabilities: () => memory.capabilities,
    create: (_settings, { hooks }) => ({ ...memory, list: list(hooks) }),
    startSandbox: () => Promise.reject(new Error('no sandbox')),
  };
}

async function* goalsTitled(...titles: string[]) {
  const memory = createMemoryAdapter({ provider: 'fake' });
  for (const title of titles) {
    const { goal } = await memory.create({
      title,
      measure: { kind: 'count', metric: 'deals_won' },
      target: { value: '5' },
      schedule: { start: '2026-01-01' },
    });
    yield goal;
  }
}

describe('what reaches the terminal', () => {
  it('exits 2 when the provider refuses access (403): the settings are wrong, not a goal', async () => {
    const io = fakeIo();
    const denied = fakeProvider(() => () => {
      throw new PermissionError('fake find failed (HTTP 403): not your company', {
        provider: 'fake',
        status: 403,
      });
    });
    expect(await run(['list', '--from', 'fake'], io, [denied])).toBe(2);
    expect(io.stderr.text).toBe('goalbridge: fake find failed (HTTP 403): not your company\n');
  });

  it('shows control characters from providers as escapes, in tables and in errors', async () => {
    const title = 'Q1\u001b]0;owned\u0007\r\u009b2J\u202eevil';
    const io = fakeIo({ terminal: true });
    expect(await run(['list', '--from', 'fake'], io, [fakeProvider(() => () => goalsTitled(title))])).toBe(0);
    expect(io.stdout.text).toContain('Q1\\u001b]0;owned\\u0007\\u000d\\u009b2J\\u202eevil');
    const failing = fakeProvider(() => () => {
      throw new TransientError(`fake find failed: ${title}\nsecond line`, { provider: 'fake' });
    });
    const errors = fakeIo();
    expect(await run(['list', '--from', 'fake'], errors, [failing])).toBe(1);
    expect(errors.stderr.text).toBe(
      'goalbridge: fake find failed: Q1\\u001b]0;owned\\u0007\\u000d\\u009b2J\\u202eevil\nsecond line\n',
    );
    for (const text of [io.stdout.text, io.stderr.text, errors.stderr.text])
      for (const control of ['\u001b', '\u0007', '\r', '\u009b', '\u202e'])
        expect(text).not.toContain(control);
  });

  it('escapes in JSON what a terminal would act on, without changing the value', async () => {
    const title = 'Q1\u009b2J\u202eevil\u2028';
    const io = fakeIo({ terminal: true });
    expect(
      await run(['list', '--from', 'fake', '--json'], io, [fakeProvider(() => () => goalsTitled(title))]),
    ).toBe(0);
    expect(io.stdout.text).toContain('Q1\\u009b2J\\u202eevil\\u2028');
    expect((JSON.parse(io.stdout.text) as { goal: { title: string } }).goal.title).toBe(title);
  });

  it('escapes the same in an export to a device (/dev/tty, a link to a pipe), not in one to a file', async () => {
    const title = 'Q1\u009b2J\u202eevil';
    const folder = mkdtempSync(join(tmpdir(), 'goalbridge-device-'));
    const [device, file] = [join(folder, 'device.ndjson'), join(folder, 'file.ndjson')];
    const exporting = (out: string) =>
      run(['export', '--from', 'fake', '--out', out], fakeIo({ cwd: folder }), [
        fakeProvider(() => () => goalsTitled(title)),
      ]);
    const fd = openSync(device, 'w');
    try {
      expect(await exporting(`/dev/fd/${fd}`)).toBe(0);
      expect(await exporting(file)).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(device, 'utf8')).toContain('Q1\\u009b2J\\u202eevil');
    // A link to a pipe, read as it is written: a device too.
    const fifo = join(folder, 'fifo');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(fifo, join(folder, 'to-fifo'));
    const piped = text(createReadStream(fifo));
    expect(await exporting(join(folder, 'to-fifo'))).toBe(0);
    expect(await piped).toContain('Q1\\u009b2J\\u202eevil');
    expect(readFileSync(file, 'utf8')).toContain(title);
    for (const written of [device, file])
      expect((JSON.parse(readFileSync(written, 'utf8')) as { goal: { title: string } }).goal.title).toBe(
        title,
      );
  });

  it('escapes provider text in a migration summary, as the reason a run stopped', async () => {
    const source = createMemoryAdapter({ provider: 'fake' });
    for await (const goal of goalsTitled('A', 'B')) await source.create(toGoalInput(goal));
    const spent = new RateLimitError('budget spent \u001b]0;owned\u0007\r', { kind: 'daily' });
    const entry = (name: string, adapter: GoalAdapter): ProviderEntry => ({
      name,
      title: name,
      settings: [],
      capabilities: () => adapter.capabilities,
      create: () => adapter,
      startSandbox: () => Promise.reject(new Error('no sandbox')),
    });
    const target = createMemoryAdapter({ provider: 'to' });
    const refusing: GoalAdapter = { ...target, create: () => Promise.reject(spent) };
    const io = fakeIo({ terminal: true });
    const argv = ['migrate', '--from', 'fake', '--to', 'to'];
    expect(await run(argv, io, [entry('fake', source), entry('to', refusing)])).toBe(1);
    expect(io.stdout.text).toContain('Stopped early: budget spent \\u001b]0;owned\\u0007\\u000d.');
    for (const control of ['\u001b', '\u0007', '\r']) expect(io.stdout.text).not.toContain(control);
  });

  it('tells the warnings of reads once the command ends, grouped by reason with examples', async () => {
    const warn = fakeProvider(
      (hooks) =>
        async function* () {
          for await (const goal of goalsTitled('A', 'B')) {
            hooks?.onWarning?.({
              provider: 'fake',
              operation: 'list',
              goalId: goal.id,
              field: 'target.currency',
              reason: 'currency id could not be resolved',
              action: 'kept its id',
              detail: '978',
            });
            yield goal;
          }
        },
    );
    const io = fakeIo();
    expect(await run(['list', '--from', 'fake'], io, [warn])).toBe(0);
    expect(io.stdout.text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(io.stderr.text).toMatch(/^Warnings while reading goals \(2\), by reason:\n/);
    expect(io.stderr.text).toMatch(
      /2 +target\.currency +currency id could not be resolved +kept its id +fake:\S+ \(978\)/,
    );
  });

  it('counts a goal read twice (again after a lost answer) once, in the header as in the table', () => {
    const warnings = new ReadWarnings();
    const event = {
      provider: 'fake',
      operation: 'read',
      goalId: '7',
      field: 'title',
      reason: 'no title',
      action: 'generated one',
    };
    warnings.hooks.onWarning?.(event);
    warnings.hooks.onWarning?.(event);
    expect(warnings.report()).toMatch(/^Warnings while reading goals \(1\), by reason:\n.*\n1 +title/s);
  });
});
