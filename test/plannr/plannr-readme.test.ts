/** The package README stays true: its example runs as written, and it lists every assumption. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLANNR_ASSUMPTIONS } from '@goalbridge/plannr';
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from '../support/readme-examples.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'packages', 'plannr', 'README.md'), 'utf8');
const blocks = readmeExamples('packages/plannr/README.md');

describe('@goalbridge/plannr README', () => {
  it('lists every entry of PLANNR_ASSUMPTIONS in its assumptions table', () => {
    const table = readme.slice(readme.indexOf('## Assumptions'), readme.indexOf('## Simulator'));
    for (const key of Object.keys(PLANNR_ASSUMPTIONS)) expect(table, key).toContain(`\`${key}\``);
  });

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((code, index) => [index, code] as const))('example %i runs', async (index, code) => {
    const calls = await runExample(code, `plannr-${index}`);
    expect(calls[0]?.[1]).toEqual({ value: '25000.5', currency: 'GBP' });
    expect(calls[0]?.[2]).toEqual([]);
    expect(calls[1]).toEqual(['House deposit', '40']);
  });
});
