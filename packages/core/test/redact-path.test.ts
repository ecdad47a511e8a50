import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.ts';
import { encodePathSegment, joinUrl, urlPath } from '../src/http/path.ts';
import { REDACTED, redactHeaders, redactText, redactUrl, SecretRegistry } from '../src/http/redact.ts';
import { backoffDelay, parseRetryAfter } from '../src/http/retry-timing.ts';

describe('redaction', () => {
  it('redacts credential query parameters and user info in URLs', () => {
    expect(redactUrl('https://user:pw@api.test/v1/goals?api_token=abc123&title=x&access_token=zz')).toBe(
      `https://${REDACTED}@api.test/v1/goals?api_token=${REDACTED}&title=x&access_token=${REDACTED}`,
    );
  });

  it('redacts credential headers by name', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer abc',
        'X-API-Token': 'abc',
        'X-CAP-API-OAUTH-TOKEN': 'jwt',
        accept: 'json',
      }),
    ).toEqual({
      Authorization: REDACTED,
      'X-API-Token': REDACTED,
      'X-CAP-API-OAUTH-TOKEN': REDACTED,
      accept: 'json',
    });
  });

  it('redacts known secrets and inline credentials in free text', () => {
    expect(redactText('token abcd1234 leaked', ['abcd1234'])).toBe(`token ${REDACTED} leaked`);
    expect(redactText('Authorization: Bearer eyJhbGciOi.x.y')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('curl "https://x/v1?api_token=s3cr3t&a=1"')).toBe(
      `curl "https://x/v1?api_token=${REDACTED}&a=1"`,
    );
    expect(redactText('{"password":"hunter22"}')).toBe(`{"password":"${REDACTED}"}`);
    expect(redactText('Token 5a9c0de2b7f14e3a8d6c and basic dXNlcjpwYXNz')).toBe(
      `Token ${REDACTED} and basic ${REDACTED}`,
    );
    // fetch's own message repeats a URL it refused, user info and all.
    expect(
      redactText(
        'Request cannot be constructed from a URL that includes credentials: http://u:CANARY9@h:1/v1',
      ),
    ).toBe(`Request cannot be constructed from a URL that includes credentials: http://${REDACTED}@h:1/v1`);
    expect(redactText('see https://tok3n@api.example.com/x, or mail a@b.c')).toBe(
      `see https://${REDACTED}@api.example.com/x, or mail a@b.c`,
    );
  });

  it('leaves prose that merely mentions a token readable', () => {
    const message = 'pipedrive add failed (HTTP 429): Request over limit; the daily token budget is spent';
    expect(redactText(message)).toBe(message);
    expect(redactText('Basic auth is off; bearer tokens only')).toBe('Basic auth is off; bearer tokens only');
  });

  it('learns secrets from auth headers, including both halves of Basic auth', () => {
    const registry = new SecretRegistry();
    registry.addFromHeaders({
      authorization: `Basic ${btoa('till:md5hashvalue')}`,
      accept: 'application/json',
    });
    expect(registry.redact('hash md5hashvalue and till:md5hashvalue')).not.toContain('md5hashvalue');
    expect(registry.redact('application/json')).toBe('application/json');
  });

  it('redacts a secret echoed back percent-encoded or JSON-escaped', () => {
    const registry = new SecretRegistry();
    const secret = 'k3y/with+plus=and"quote\\';
    registry.add(secret);
    const echoed = `{"error":"bad key ${JSON.stringify(secret).slice(1, -1)}","url":"/v1?k=${encodeURIComponent(secret)}"}`;
    const redacted = registry.redact(echoed);
    expect(redacted).toBe(`{"error":"bad key ${REDACTED}","url":"/v1?k=${REDACTED}"}`);
  });

  it('forgets the oldest secrets beyond its capacity', () => {
    const registry = new SecretRegistry(2);
    registry.add('secret-1', 'secret-2', 'secret-3');
    expect([...registry.values()]).toEqual(['secret-2', 'secret-3']);
  });

  it('never lets a random secret through a message that contains it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40 }).filter((s) => !REDACTED.includes(s)),
        fc.string(),
        fc.string(),
        (secret, before, after) => {
          const registry = new SecretRegistry();
          registry.add(secret);
          expect(registry.redact(`${before}${secret}${after}`)).not.toContain(secret);
        },
      ),
    );
  });
});

describe('paths', () => {
  it('encodes every interpolated value as one segment', () => {
    expect(urlPath`goals/${'../deals'}/results`).toBe('goals/..%2Fdeals/results');
    // URLs resolve "." and ".." even percent-encoded: they cannot be one segment, so they are refused.
    expect(() => urlPath`goals/${'..'}/results`).toThrow(ValidationError);
    expect(() => urlPath`goals/${'.'}`).toThrow('"." cannot be a path segment: URLs resolve it');
    expect(urlPath`goals/${'a?b=1#c'}`).toBe('goals/a%3Fb%3D1%23c');
    expect(urlPath`targetGroups/${42}`).toBe('targetGroups/42');
  });

  it('keeps any id inside its endpoint once resolved', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((id) => id !== '.' && id !== '..'),
        (id) => {
          const url = joinUrl('https://api.pipedrive.com/api/v1', urlPath`goals/${id}/results`);
          expect(url.pathname.startsWith('/api/v1/goals/')).toBe(true);
          expect(url.pathname.endsWith('/results')).toBe(true);
          expect(url.pathname.split('/')).toHaveLength(6);
          expect(decodeURIComponent(url.pathname.split('/')[4] as string)).toBe(id);
          expect(url.search).toBe('');
        },
      ),
    );
    expect(encodePathSegment('plain')).toBe('plain');
  });

  it('keeps the base URL path', () => {
    expect(joinUrl('https://x.pipedrive.com/api/v1/', '/goals/find').toString()).toBe(
      'https://x.pipedrive.com/api/v1/goals/find',
    );
  });
});

describe('retry timing', () => {
  it('parses Retry-After as seconds or HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Wednesday, 01-Jan-25 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed Jan  1 00:00:10 2025', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    // Not HTTP dates, though V8's Date.parse reads them as some date: the usual backoff applies instead.
    for (const junk of ['-1', '5 minutes', '1/1/2025', 'Wed, 01 Jan 2025'])
      expect(parseRetryAfter(junk, now), junk).toBeUndefined();
  });

  it('backs off exponentially up to the cap, with full jitter', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000, jitter: false };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect(backoffDelay(3, { baseDelayMs: 100 }, () => 0.5)).toBe(200);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (attempt) => {
        const delay = backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 1000 });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(1000);
      }),
    );
  });
});
