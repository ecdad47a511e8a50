import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialHeaders, readSecret } from '../src/adapter/credentials.ts';
import { commonAdapterOptionsShape, HttpUrlSchema } from '../src/adapter/option-schemas.ts';
import { paginate, uniqueBy, uniqueInOrder } from '../src/adapter/pagination.ts';
import { ConfigError } from '../src/errors.ts';
import { parseOptionsOrThrow } from '../src/model/validate.ts';

describe('paginate', () => {
  it('fetches the next page only when the previous one is consumed', async () => {
    const fetched: number[] = [];
    const pages = paginate(1, async (page: number) => {
      fetched.push(page);
      return { items: [`${page}a`, `${page}b`], next: page < 3 ? page + 1 : undefined };
    });
    const seen: string[] = [];
    for await (const item of pages) {
      seen.push(item);
      if (item === '2a') break;
    }
    expect(seen).toEqual(['1a', '1b', '2a']);
    expect(fetched).toEqual([1, 2]);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const pages = paginate(1, async () => ({ items: [1], next: 2 }), controller.signal);
    await expect(pages.next()).rejects.toThrow('stop');
  });
});

describe('uniqueBy', () => {
  it('passes each key once', async () => {
    async function* items() {
      yield* [{ id: 'a' }, { id: 'b' }, { id: 'a' }, { id: 'c' }, { id: 'b' }];
    }
    const ids: string[] = [];
    for await (const item of uniqueBy(items(), (x) => x.id)) ids.push(item.id);
    expect(ids).toEqual(['a', 'b', 'c']);
  });
});

interface Listed {
  id: string;
  created?: string | undefined;
}

async function collect(items: AsyncIterable<Listed>): Promise<string[]> {
  const ids: string[] = [];
  for await (const item of items) ids.push(item.id);
  return ids;
}

async function* streamOf(items: readonly Listed[]): AsyncGenerator<Listed> {
  yield* items;
}

/**
 * A listing as shifting pages give it: the distinct items in sort order, with repeats of items already listed
 * slipped in anywhere after them (an item listed twice, a page read again).
 */
const shiftedListing = fc
  .record({
    values: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }),
    repeats: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
    descending: fc.boolean(),
    withoutValue: fc.array(fc.nat(), { maxLength: 5 }),
  })
  .map(({ values, repeats, descending, withoutValue }) => {
    const sorted = [...values].sort((a, b) => (descending ? b - a : a - b));
    const distinct: Listed[] = sorted.map((value, index) => ({
      id: `g${index}`,
      created: `2025-01-01T00:00:${String(value).padStart(2, '0')}.000Z`,
    }));
    for (const index of withoutValue) {
      const item = distinct[index % Math.max(distinct.length, 1)];
      if (item) item.created = undefined;
    }
    const stream = [...distinct];
    for (const [at, pick] of repeats) {
      if (stream.length === 0) break;
      const position = 1 + (at % stream.length);
      stream.splice(position, 0, stream[pick % position] as Listed);
    }
    return { distinct, stream, descending };
  });

describe('uniqueInOrder', () => {
  it('passes each item of a shifting, sorted listing once, in order, as uniqueBy does', async () => {
    await fc.assert(
      fc.asyncProperty(shiftedListing, async ({ distinct, stream, descending }) => {
        const ordered = uniqueInOrder(streamOf(stream), {
          key: (item) => item.id,
          sortValue: (item) => item.created,
          descending,
        });
        const expected = distinct.map((item) => item.id);
        expect(await collect(ordered)).toEqual(expected);
        expect(await collect(uniqueBy(streamOf(stream), (item) => item.id))).toEqual(expected);
      }),
    );
  });

  it('tells apart items that share a sort value by key', async () => {
    const same = '2025-01-01T00:00:00.000Z';
    const later = '2025-01-01T00:00:01.000Z';
    const listing = [
      { id: 'a', created: same },
      { id: 'b', created: same },
      { id: 'a', created: same },
      { id: 'c', created: later },
      { id: 'b', created: same },
      { id: 'd', created: later },
    ];
    const ids = await collect(
      uniqueInOrder(streamOf(listing), { key: (item) => item.id, sortValue: (item) => item.created }),
    );
    expect(ids).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('credentials and options', () => {
  it('reads a secret given as value or function', async () => {
    expect(await readSecret('tok', 'apiToken', 'p')).toBe('tok');
    expect(await readSecret(async () => 'fresh', 'accessToken', 'p')).toBe('fresh');
  });

  it('names the missing option without echoing anything', async () => {
    const error = await readSecret(() => '  ', 'accessToken', 'plannr').catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('plannr: accessToken is missing or empty');
  });

  it('makes credential headers once for a fixed secret, and per request for a function', async () => {
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const context = { option: 'accessToken', provider: 'p' };
    const fixed = credentialHeaders('tok', context, bearer);
    const first = fixed();
    expect(first).toEqual({ authorization: 'Bearer tok' });
    expect(fixed(), 'the same headers, not a promise').toBe(first);
    let reads = 0;
    const rotating = credentialHeaders(() => `tok-${++reads}`, context, bearer);
    expect(await rotating()).toEqual({ authorization: 'Bearer tok-1' });
    expect(await rotating()).toEqual({ authorization: 'Bearer tok-2' });
    const blank = credentialHeaders('  ', context, bearer);
    await expect(blank()).rejects.toThrow('p: accessToken is missing or empty');
  });

  it('reports every bad option by name, never its value', () => {
    const schema = z.strictObject({ baseURL: z.url(), apiToken: z.string().min(10) });
    const error = (() => {
      try {
        parseOptionsOrThrow(
          schema,
          { baseURL: 'not a url', apiToken: 'short-secret', extra: 1 },
          'pipedrive',
        );
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error?.message).toMatch(/^invalid pipedrive options: /);
    expect(error?.message).toContain('baseURL');
    expect(error?.message).toContain('extra: unknown field');
    expect(error?.message).not.toContain('short-secret');
    expect(error?.message).not.toContain('not a url');
  });

  it('refuses a time limit no timer can wait, and a base URL holding credentials', () => {
    const schema = z.strictObject({ ...commonAdapterOptionsShape, baseURL: HttpUrlSchema.optional() });
    const message = (options: object) => {
      try {
        parseOptionsOrThrow(schema, options, 'p');
      } catch (caught) {
        return (caught as ConfigError).message;
      }
    };
    expect(message({ timeoutMs: 2 ** 31 })).toBe(
      'invalid p options: timeoutMs: must be at most 2147483647 (about 24.8 days)',
    );
    expect(message({ timeoutMs: 2 ** 31 - 1 })).toBeUndefined();
    expect(message({ baseURL: 'https://me:hunter22@api.example.com' })).toMatch(
      /baseURL: must not hold credentials/,
    );
    expect(message({ baseURL: 'https://me:hunter22@api.example.com' })).not.toContain('hunter22');
  });

  it('refuses a base URL with a query or a fragment, which request paths would be appended after', () => {
    const schema = z.strictObject({ baseURL: HttpUrlSchema });
    const issues = (baseURL: string) => {
      try {
        parseOptionsOrThrow(schema, { baseURL }, 'p');
        return [];
      } catch (caught) {
        return (caught as ConfigError).issues;
      }
    };
    for (const baseURL of [
      'https://api.example.com/v1?x=1',
      'https://api.example.com/v1#top',
      'https://a.test/?',
    ])
      expect(issues(baseURL)).toEqual([
        { path: 'baseURL', message: 'must not have a query (?…) or fragment (#…)' },
      ]);
    expect(issues('https://api.example.com/v1/')).toEqual([]);
  });
});
