/** The @goalbridge/core README example runs and prints what its comments say. */
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from './support/readme-examples.ts';

describe('@goalbridge/core README', () => {
  it('runs its example', async () => {
    const [example] = readmeExamples('packages/core/README.md');
    expect(example).toBeDefined();
    const calls = await runExample(example as string, 'core-readme');
    expect(calls).toEqual([[1, 1], [['title', 'target.currency']]]);
  });
});
