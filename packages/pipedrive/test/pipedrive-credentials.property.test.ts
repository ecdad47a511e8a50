/**
 * A fixed token's credential headers are made once and handed over without a promise; a token function is read
 * before each request. This property holds the two to the same headers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePipedriveOptions } from '../src/pipedrive-options.ts';

const token = fc.stringMatching(/^[A-Za-z0-9._~+/=-]{8,40}$/);

describe('Pipedrive credential headers', () => {
  it('a fixed token gives, at once and every time, the headers its token function gives', async () => {
    await fc.assert(
      fc.asyncProperty(token, fc.constantFrom('apiToken', 'accessToken'), async (secret, option) => {
        const fixed = resolvePipedriveOptions({ [option]: secret }).authHeaders;
        const read = resolvePipedriveOptions({ [option]: () => secret }).authHeaders;
        const first = fixed();
        expect(first).not.toBeInstanceOf(Promise);
        expect(fixed()).toBe(first);
        expect(first).toEqual(await read());
      }),
      { numRuns: 200 },
    );
  });
});
