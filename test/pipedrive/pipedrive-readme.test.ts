/**
 * The package README's TypeScript examples run as written (blocks marked `ts skip` need real credentials).
 * Each runnable block is written next to this file, so package imports resolve as they would for a user.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(
  join(import.meta.dirname, '..', '..', 'packages', 'pipedrive', 'README.md'),
  'utf8',
);
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
// `.cache/` is git-ignored.
const dir = join(import.meta.dirname, '.cache', 'readme-examples');

describe('@goalbridge/pipedrive README examples', () => {
  afterAll(() => rmSync(join(import.meta.dirname, '.cache'), { recursive: true, force: true }));

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, index) => [index, code] as const))('example %i runs', async (index, code) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `example-${index}.ts`);
    writeFileSync(file, code);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(file);
      expect(log).toHaveBeenCalledTimes(1);
      const [count, id, target, warnings, achieved] = log.mock.calls[0] ?? [];
      expect([typeof count, id, target, warnings, typeof achieved]).toEqual([
        'number',
        expect.stringMatching(/^[0-9a-f]{32}$/),
        { value: '250000.5', currency: 'EUR' },
        [],
        'string',
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
