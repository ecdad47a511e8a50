/** The package README's TypeScript examples run as written and print what their comments say. */
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from '../support/readme-examples.ts';

const blocks = readmeExamples('packages/capillary/README.md');

describe('@goalbridge/capillary README examples', () => {
  it('has two runnable examples (the setup fragments need real credentials)', () => {
    expect(blocks).toHaveLength(2);
  });

  it('the quick start creates six monthly periods and drops the currency with a warning', async () => {
    expect(await runExample(blocks[0] as string, 'capillary-0')).toEqual([
      [6, { value: '5000' }, 'Capillary stores target values without a currency'],
    ]);
  });

  it('the simulator example serves a seeded org on localhost and reads a customer’s progress', async () => {
    const calls = await runExample(blocks[1] as string, 'capillary-1');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('120');
    expect(calls[0]?.[1]).toEqual({
      start: expect.stringMatching(/^\d{4}-\d{2}-01$/),
      end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });
});
