import { ConfigError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import {
  createPipedriveAdapter,
  type PipedriveAdapterOptions,
  pipedriveRateLimitRules,
} from '../src/index.ts';
import { createPipedriveSimulator, PIPEDRIVE_SANDBOX } from '../src/testing/index.ts';

const SECRET = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

/** The adapter's requests, as the simulator saw them. */
function recording() {
  const simulator = createPipedriveSimulator({
    users: [
      {
        id: 1,
        name: 'A',
        apiToken: SECRET,
        oauthTokens: [
          { token: 'oauth-1', scopes: ['goals:full', 'base'] },
          { token: 'oauth-2', scopes: ['goals:full'] },
        ],
      },
    ],
  });
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push(request.clone());
    return simulator.fetch(request);
  };
  return { simulator, requests, fetch };
}

function configError(options: unknown): ConfigError {
  try {
    createPipedriveAdapter(options as PipedriveAdapterOptions);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('options', () => {
  it('refuses bad options with a ConfigError naming each, never echoing a secret', () => {
    expect(configError({}).message).toBe(
      'invalid pipedrive options: apiToken: give exactly one of apiToken or accessToken',
    );
    expect(configError({ apiToken: SECRET, accessToken: SECRET }).message).toContain(
      'accessToken: give exactly one',
    );
    expect(configError({ apiToken: ' ' }).message).toContain('apiToken');
    const many = configError({
      apiToken: SECRET,
      companyDomain: 'bad domain',
      plan: 'enterprise',
      seats: 0,
      rateLimits: { burstLimit: -1 },
      defaultInterval: 'daily',
      timeoutMs: 'soon',
      currencies: { EUR: 'one' },
      baseURL: 'ftp://x',
      tokn: SECRET,
    });
    for (const name of [
      'companyDomain',
      'plan',
      'seats',
      'rateLimits.burstLimit',
      'defaultInterval',
      'timeoutMs',
      'currencies.EUR',
      'baseURL',
      'tokn',
    ]) {
      expect(many.message).toContain(name);
    }
    expect(many.message).not.toContain(SECRET);
    expect(
      configError({ apiToken: SECRET, companyDomain: 'acme', baseURL: 'https://x.test/v1' }).message,
    ).toContain('give companyDomain or baseURL, not both');
  });

  it('sends the API token in the x-api-token header, never in the URL (reference §3)', async () => {
    const { requests, fetch } = recording();
    const adapter = createPipedriveAdapter({ apiToken: SECRET, fetch });
    await adapter.find({ isActive: true });
    const [request] = requests;
    expect(request?.headers.get('x-api-token')).toBe(SECRET);
    expect(request?.headers.get('authorization')).toBeNull();
    expect(request?.url).toBe('https://api.pipedrive.com/v1/goals/find?is_active=true');
  });

  it('sends an OAuth token as a bearer, reading a token function before every request so it can refresh', async () => {
    const { requests, fetch } = recording();
    let calls = 0;
    const adapter = createPipedriveAdapter({
      accessToken: async () => (++calls === 1 ? 'oauth-1' : 'oauth-2'),
      fetch,
      companyDomain: 'goalbridge-sandbox',
    });
    await adapter.find();
    await adapter.find();
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer oauth-1',
      'Bearer oauth-2',
    ]);
    expect(requests[0]?.url).toBe('https://goalbridge-sandbox.pipedrive.com/api/v1/goals/find');
  });

  it('takes a base URL and a user agent', async () => {
    const { requests, fetch } = recording();
    const adapter = createPipedriveAdapter({
      apiToken: SECRET,
      fetch,
      baseURL: 'https://api.pipedrive.com/api/v1/',
      userAgent: 'etl/1',
    });
    await adapter.find();
    expect(requests[0]?.url).toBe('https://api.pipedrive.com/api/v1/goals/find');
    expect(requests[0]?.headers.get('user-agent')).toBe('etl/1');
  });

  it('schedules the limits of the plan and auth kind (reference §5), or what the override says', () => {
    const rules = (plan: 'lite' | 'premium', auth: 'apiToken' | 'oauth', seats = 1) =>
      pipedriveRateLimitRules({ plan, auth, seats, override: {} }).map(({ name, limit, windowMs }) => [
        name,
        limit,
        windowMs,
      ]);
    expect(rules('lite', 'apiToken')).toEqual([
      ['burst', 20, 2000],
      ['daily', 30_000, 86_400_000],
    ]);
    expect(rules('premium', 'oauth', 3)).toEqual([
      ['burst', 400, 2000],
      ['daily', 450_000, 86_400_000],
    ]);
    const scaled = pipedriveRateLimitRules({
      plan: 'lite',
      auth: 'apiToken',
      seats: 1,
      override: { burstLimit: 5, burstWindowMs: 100, dailyTokens: 500 },
    });
    expect(scaled.map(({ limit, windowMs }) => [limit, windowMs])).toEqual([
      [5, 100],
      [500, 86_400_000],
    ]);
    expect(pipedriveRateLimitRules({ plan: 'lite', auth: 'apiToken', seats: 1, override: false })).toEqual(
      [],
    );
    const adapter = createPipedriveAdapter({
      apiToken: PIPEDRIVE_SANDBOX.apiToken,
      plan: 'growth',
      seats: 2,
    });
    expect(adapter.capabilities.rateLimits.map((rule) => rule.limit)).toEqual([40, 120_000]);
  });

  it('refuses a daily token budget too small for the costliest request (a find costs 20)', async () => {
    const { requests, fetch } = recording();
    for (const dailyTokens of [5, 19]) {
      const error = configError({ apiToken: SECRET, fetch, rateLimits: { dailyTokens } });
      expect(error.issues).toEqual([
        { path: 'rateLimits.dailyTokens', message: expect.stringContaining('at least 20') },
      ]);
    }
    await createPipedriveAdapter({ apiToken: SECRET, fetch, rateLimits: { dailyTokens: 20 } }).find();
    expect(requests).toHaveLength(1);
  });

  it('refuses headers, a user agent or a token function that would make an invalid header', async () => {
    const { requests, fetch } = recording();
    const bad: [Partial<PipedriveAdapterOptions>, string][] = [
      [{ headers: { 'bad header': 'x' } }, 'headers.bad header'],
      [{ headers: { 'x-a': 'line1\nline2' } }, 'headers.x-a'],
      [{ headers: { 'x-a': 'nul\0' } }, 'headers.x-a'],
      [{ headers: { 'x-a': '€' } }, 'headers.x-a'],
      [{ userAgent: 'ua\r\nx-evil: 1' }, 'userAgent'],
    ];
    for (const [options, path] of bad) {
      const error = configError({ apiToken: SECRET, fetch, ...options });
      expect(error.issues.map((issue) => issue.path)).toEqual([path]);
    }
    expect(configError({ apiToken: SECRET, headers: { 'a b': 'x' } }).message).toContain('header name');
    const adapter = createPipedriveAdapter({ apiToken: () => `${SECRET}\r\nx-evil: 1`, fetch, retry: false });
    const error = await adapter.find().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error) && error.issues.map((issue) => issue.path)).toEqual(['apiToken']);
    expect((error as Error).message).not.toContain(SECRET);
    expect(requests).toHaveLength(0);
  });

  it('sends a header value or user agent holding a tab, which RFC 9110 allows', async () => {
    const { requests, fetch } = recording();
    const adapter = createPipedriveAdapter({
      apiToken: SECRET,
      fetch,
      headers: { 'X-Foo': 'a\tb' },
      userAgent: 'acme\tbot/1.0',
    });
    await adapter.find();
    expect([requests[0]?.headers.get('x-foo'), requests[0]?.headers.get('user-agent')]).toEqual([
      'a\tb',
      'acme\tbot/1.0',
    ]);
  });
});
