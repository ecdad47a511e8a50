/** The root README's TypeScript examples run as written and print what their comments say. */
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from './support/readme-examples.ts';

const blocks = readmeExamples('README.md');

describe('README examples', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, index) => [index, code] as const))('example %i runs', async (index, code) => {
    const calls = await runExample(code, `root-${index}`);
    expect(calls.length).toBeGreaterThan(0);
  });
});
