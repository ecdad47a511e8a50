/**
 * The package README's TypeScript examples run as written (blocks marked `ts skip` need real credentials).
 * Each runnable block is written next to this file, so package imports resolve as they would for a user.
 */
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from '../support/readme-examples.ts';

const blocks = readmeExamples('packages/pipedrive/README.md');

describe('@goalbridge/pipedrive README examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, index) => [index, code] as const))('example %i runs', async (index, code) => {
    const calls = await runExample(code, `pipedrive-${index}`);
    expect(calls).toHaveLength(1);
    const [count, id, target, warnings, achieved] = calls[0] ?? [];
    expect([typeof count, id, target, warnings, typeof achieved]).toEqual([
      'number',
      expect.stringMatching(/^[0-9a-f]{32}$/),
      { value: '250000.5', currency: 'EUR' },
      [],
      'string',
    ]);
  });
});
