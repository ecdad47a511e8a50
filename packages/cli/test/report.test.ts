import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryAdapter, type GoalAdapter, RateLimitError } from '@goalbridge/core';
import { FileIdMapStore } from '@goalbridge/core/node';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli.ts';
import type { ProviderEntry } from '../src/provider-registry.ts';
import { fakeIo } from './fake-io.ts';

/** A provider holding no goals. */
function emptyProvider(): ProviderEntry {
  const memory = createMemoryAdapter();
  return {
    name: 'empty',
    title: 'empty',
    settings: [],
    capabilities: () => memory.capabilities,
    create: () => memory,
    startSandbox: () => Promise.reject(new Error('no sandbox')),
  };
}

/** A provider whose every listing meets a spent daily budget. */
function spentProvider(message: string): ProviderEntry {
  const memory = createMemoryAdapter();
  const adapter: GoalAdapter = {
    ...memory,
    provider: 'spent',
    list: () => ({
      [Symbol.asyncIterator]: () => ({
        next: () =>
          Promise.reject(
            new RateLimitError(message, { kind: 'daily', resetAt: new Date('2026-03-11T00:00:00Z') }),
          ),
      }),
    }),
  };
  return {
    name: 'spent',
    title: 'spent',
    settings: [],
    capabilities: () => memory.capabilities,
    create: () => adapter,
    startSandbox: () => Promise.reject(new Error('no sandbox')),
  };
}

describe('a spent daily budget', () => {
  it('says when the same command can run again, and exits 1', async () => {
    const io = fakeIo();
    const code = await run(['list', '--from', 'spent'], io, [
      spentProvider('spent find failed (HTTP 429): the daily token budget is spent'),
    ]);
    expect(code).toBe(1);
    expect(io.stderr.text).toBe(
      'goalbridge: spent find failed (HTTP 429): the daily token budget is spent; run the same command again after 2026-03-11T00:00:00.000Z\n',
    );
  });

  it('spent while planning, is told to a --json reader as the stopped event a run that writes ends with', async () => {
    const message = 'spent daily budget is spent; it resets at 2026-03-11T00:00:00.000Z';
    for (const args of [
      ['migrate', '--from', 'spent', '--to', 'empty', '--json'],
      ['import', '--to', 'spent', '--in', '-', '--json'],
    ]) {
      const io = fakeIo();
      const code = await run(args, io, [spentProvider(message), emptyProvider()]);
      expect(code).toBe(1);
      expect(
        io.stdout.text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual([{ event: 'stopped', reason: message, resetAt: '2026-03-11T00:00:00.000Z' }]);
    }
  });

  it('does not repeat a reset time the message already names', async () => {
    const io = fakeIo();
    await run(['list', '--from', 'spent'], io, [
      spentProvider('spent daily budget is spent; it resets at 2026-03-11T00:00:00.000Z'),
    ]);
    expect(io.stderr.text).toBe(
      'goalbridge: spent daily budget is spent; it resets at 2026-03-11T00:00:00.000Z\n',
    );
  });
});

describe('files that cannot be written', () => {
  it.each([
    [
      ['export', '--from', 'empty', '--out', 'missing/goals.ndjson'],
      /^goalbridge: cannot write .*missing\/goals\.ndjson: ENOENT\n$/,
    ],
    [
      ['plan', '--from', 'empty', '--to', 'empty', '--out', 'missing/plan.json'],
      /^goalbridge: cannot write .*missing\/plan\.json: ENOENT\n$/,
    ],
    [
      ['migrate', '--from', 'empty', '--to', 'empty', '--id-map', 'missing/ids.jsonl'],
      /^goalbridge: cannot create ID map .*missing\/ids\.jsonl: ENOENT\n$/,
    ],
    [
      ['import', '--to', 'empty', '--in', 'missing.ndjson'],
      /^goalbridge: cannot read .*missing\.ndjson: ENOENT\n$/,
    ],
  ])('%j: a config error naming the file (exit 2), not a crash', async (argv, message) => {
    const empty = emptyProvider();
    const io = { ...fakeIo(), cwd: tmpdir() };
    expect(await run(argv, io, [empty])).toBe(2);
    expect(io.stderr.text).toMatch(message);
  });
});

describe('flags before files', () => {
  it('tells a bad flag of import before opening its input', async () => {
    const empty = emptyProvider();
    const io = { ...fakeIo(), cwd: tmpdir() };
    const argv = ['import', '--to', 'empty', '--in', 'missing.ndjson', '--currency', 'EURO'];
    expect(await run(argv, io, [empty])).toBe(2);
    expect(io.stderr.text).toBe('goalbridge: --currency must be an ISO 4217 code such as EUR, got "EURO"\n');
  });
});

describe('the ID map of a run that writes', () => {
  it('is opened durable: each entry is synced before the next goal', async () => {
    const opened = vi.spyOn(FileIdMapStore, 'open');
    try {
      const io = { ...fakeIo(), cwd: mkdtempSync(join(tmpdir(), 'goalbridge-durable-')) };
      expect(
        await run(['migrate', '--from', 'empty', '--to', 'empty', '--id-map', 'ids.jsonl'], io, [
          emptyProvider(),
        ]),
      ).toBe(0);
      expect(opened).toHaveBeenCalledWith(join(io.cwd, 'ids.jsonl'), { durable: true });
    } finally {
      opened.mockRestore();
    }
  });
});
