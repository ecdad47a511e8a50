import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readSecret } from '../src/adapter/credentials.ts';
import { paginate, uniqueBy } from '../src/adapter/pagination.ts';
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
});
