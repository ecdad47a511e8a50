/** The root README's TypeScript examples run as written and print what their comments say. */
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from './support/readme-examples.ts';

const blocks = readmeExamples('README.md');

/** What each example's comments promise, checked on what it logged. */
const promises: ((calls: unknown[][]) => void)[] = [
  // Adapters: a Pipedrive goal with its exact target, the priority warning, a ValidationError before any request.
  (calls) => {
    expect(calls[0]?.[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(calls[0]?.slice(1)).toEqual([
      { value: '120000', currency: 'EUR' },
      ['Pipedrive goals have no priority'],
    ]);
    expect(calls[1]?.[0]).toEqual(['target.value']);
  },
  // Migration: planned, applied, and a rerun with nothing to create.
  (calls) => {
    const planned = calls[0]?.[0] as { create: number } | undefined;
    const applied = calls[1]?.[0] as { created: number } | undefined;
    expect(planned?.create).toBeGreaterThan(0);
    expect(applied?.created).toBe(planned?.create);
    expect(calls[2]).toEqual([0]);
  },
  // ETL: ten imported, the bad line reported by number, then the Singer messages.
  (calls) => {
    expect(calls[0]).toEqual([10, 'input:11']);
    const types = calls.slice(1).map((call) => call[0]);
    expect(types[0]).toBe('SCHEMA');
    expect(types.filter((type) => type === 'RECORD')).toHaveLength(10);
    expect(types.at(-1)).toBe('STATE');
  },
  // The in-memory adapter.
  (calls) => {
    expect(calls[0]?.slice(0, 3)).toEqual(['mem-1', { value: '250000.5', currency: 'EUR' }, []]);
    expect(calls.at(-1)?.[0]).toEqual(['title', 'target.value']);
  },
];

describe('README examples', () => {
  it('has one check for each runnable example', () => {
    expect(blocks).toHaveLength(promises.length);
  });

  it.each(blocks.map((code, index) => [index, code] as const))(
    'example %i runs and prints what it says',
    async (index, code) => {
      const calls = await runExample(code, `root-${index}`);
      promises[index]?.(calls);
    },
  );
});
