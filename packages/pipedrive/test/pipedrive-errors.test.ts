import {
  AuthError,
  ConflictError,
  type GoalbridgeError,
  type HttpResponse,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  type RateLimitError,
  TransientError,
  UnsupportedError,
  ValidationError,
} from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { classifyPipedriveResponse, pipedriveErrorMessage, readPipedriveRateLimits } from '../src/index.ts';

const NOW = Date.parse('2026-03-10T15:00:00Z');

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers: new Headers(headers),
    body: typeof body === 'string' ? undefined : body,
    text,
    requestId: 'corr-1',
    url: 'https://api.pipedrive.com/v1/goals/find',
    request: { method: 'GET', path: 'goals/find', operation: 'find' },
  };
}

const classify = (res: HttpResponse) =>
  classifyPipedriveResponse(res, { burstWindowMs: 2000, now: () => NOW });
const failure = (message: string) => ({
  success: false,
  error: message,
  error_info: 'Please check developers.pipedrive.com',
});

describe('classifyPipedriveResponse (reference §4)', () => {
  it('maps each documented status to its typed error, keeping status and request id', () => {
    const cases: [number, { isInstance(error: unknown): boolean; name: string }, boolean][] = [
      [400, ValidationError, false],
      [401, AuthError, false],
      [402, PermissionError, false],
      [403, PermissionError, false],
      [404, NotFoundError, false],
      [405, UnsupportedError, false],
      [409, ConflictError, false],
      [410, NotFoundError, false],
      [415, PermissionError, false],
      [422, ValidationError, false],
      [500, TransientError, true],
      [501, UnsupportedError, false],
      [503, TransientError, true],
      [524, TransientError, true],
    ];
    for (const [status, type, retryable] of cases) {
      const error = classify(response(status, failure(`status ${status}`))) as GoalbridgeError;
      expect(type.isInstance(error), `HTTP ${status} → ${type.name}`).toBe(true);
      expect([error.status, error.retryable, error.requestId, error.provider]).toEqual([
        status,
        retryable,
        'corr-1',
        'pipedrive',
      ]);
      expect(error.message).toContain(`status ${status}`);
    }
  });

  it('reads the message from error, then error_info, then message, then statusText', () => {
    expect(pipedriveErrorMessage(response(400, { error: 'a', error_info: 'b', message: 'c' }))).toBe('a');
    expect(pipedriveErrorMessage(response(400, { error_info: 'b', message: 'c' }))).toBe('b');
    expect(pipedriveErrorMessage(response(400, { message: 'c', statusText: 'd' }))).toBe('c');
    expect(pipedriveErrorMessage(response(400, { success: false, statusText: 'Bad Request' }))).toBe(
      'Bad Request',
    );
  });

  it('treats success: false inside a 200 as a failure, using errorCode or the goals statusCode', () => {
    expect(
      NotFoundError.isInstance(
        classify(response(200, { success: false, error: 'Goal not found', errorCode: 404 })),
      ),
    ).toBe(true);
    expect(
      AuthError.isInstance(classify(response(200, { success: false, statusCode: 40100, error: 'x' }))),
    ).toBe(true);
    const refused = classify(response(200, { success: false, error: 'Invalid duration' })) as ValidationError;
    expect(ValidationError.isInstance(refused)).toBe(true);
    expect(refused.issues).toEqual([{ path: '', message: 'Invalid duration' }]);
    expect(classify(response(200, { success: true, data: {} }))).toBeUndefined();
  });

  it('reads the Cloudflare HTML 403 (reference §5) as a permission error naming the page', () => {
    const html =
      '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body></body></html>';
    const error = classify(response(403, html)) as PermissionError;
    expect(PermissionError.isInstance(error)).toBe(true);
    expect(error.message).toBe(
      'pipedrive find failed (HTTP 403): an HTML page instead of JSON ("Attention Required! | Cloudflare")',
    );
    expect(classify(response(502, 'upstream gone'))?.message).toBe(
      'pipedrive find failed (HTTP 502): upstream gone',
    );
  });

  it('tells a burst 429 (wait x-ratelimit-reset) from a spent daily budget (fail fast until its reset)', () => {
    const burst = classify(
      response(429, failure('Request over limit'), {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '2',
        'x-daily-ratelimit-token-remaining': '1200',
      }),
    ) as RateLimitError;
    expect([burst.kind, burst.retryable, burst.resetAt?.getTime()]).toEqual(['burst', true, NOW + 2000]);

    const daily = classify(
      response(429, failure('Request over limit'), {
        'x-daily-ratelimit-token-remaining': '0',
        'retry-after': '3600',
      }),
    ) as RateLimitError;
    expect([daily.kind, daily.retryable, daily.resetAt?.getTime()]).toEqual([
      'daily',
      false,
      NOW + 3_600_000,
    ]);
    expect(daily.message).toContain('daily token budget is spent');

    const bare = classify(response(429, failure('Request over limit'))) as RateLimitError;
    expect([bare.kind, bare.resetAt?.getTime()]).toEqual(['burst', NOW + 2000]);

    // A reset the server rounded down (1 s) still waits the whole 2-second window (reference §5).
    const early = classify(
      response(429, failure('Request over limit'), {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1',
      }),
    ) as RateLimitError;
    expect([early.kind, early.resetAt?.getTime()]).toEqual(['burst', NOW + 2000]);
    // With limits off there is no window in force: the server's reset stands.
    const unlimited = classifyPipedriveResponse(
      response(429, failure('Request over limit'), {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '1',
      }),
      { burstWindowMs: undefined, now: () => NOW },
    ) as RateLimitError;
    expect(unlimited.resetAt?.getTime()).toBe(NOW + 1000);
  });

  it('reads a daily refusal’s reset from Retry-After or the next midnight, never from the burst window', () => {
    // x-ratelimit-reset is the 2-second burst window's: waiting it out would probe a spent budget every 2 s.
    const midnight = classify(
      response(429, failure('Request over limit'), {
        'x-daily-ratelimit-token-remaining': '0',
        'x-ratelimit-remaining': '19',
        'x-ratelimit-reset': '2',
      }),
    ) as RateLimitError;
    expect([midnight.kind, midnight.retryable, midnight.resetAt?.toISOString()]).toEqual([
      'daily',
      false,
      '2026-03-11T00:00:00.000Z',
    ]);
  });

  it('takes a 429 with room in the burst window for the daily budget when its header is missing', () => {
    // Pipedrive: the x-daily-ratelimit-token-* headers can be missing for a few requests (reference §5).
    const headers = { 'x-ratelimit-remaining': '19', 'x-ratelimit-reset': '1' };
    const daily = classify(response(429, failure('Request over limit'), headers)) as RateLimitError;
    expect([daily.kind, daily.resetAt?.toISOString()]).toEqual(['daily', '2026-03-11T00:00:00.000Z']);
    expect(readPipedriveRateLimits(response(429, failure('Request over limit'), headers), NOW)).toEqual([
      { rule: 'daily', remaining: 0, resetAt: Date.parse('2026-03-11T00:00:00Z') },
    ]);

    // A full window, or a budget the headers say has tokens left: a burst refusal.
    const full = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' };
    expect((classify(response(429, failure('Over'), full)) as RateLimitError).kind).toBe('burst');
    const budgetLeft = { 'x-ratelimit-remaining': '5', 'x-daily-ratelimit-token-remaining': '900' };
    expect((classify(response(429, failure('Over'), budgetLeft)) as RateLimitError).kind).toBe('burst');
  });
});

describe('readPipedriveRateLimits (reference §5)', () => {
  it('reports the burst window and the daily budget from the headers', () => {
    const observations = readPipedriveRateLimits(
      response(
        200,
        { success: true },
        {
          'x-ratelimit-limit': '40',
          'x-ratelimit-remaining': '39',
          'x-ratelimit-reset': '2',
          'x-daily-ratelimit-token-limit': '60000',
          'x-daily-ratelimit-token-remaining': '59980',
        },
      ),
      NOW,
    );
    expect(observations).toEqual([
      { rule: 'burst', remaining: 39, resetAt: NOW + 2000 },
      { rule: 'daily', remaining: 59980, resetAt: undefined },
    ]);
  });

  it('names the budget reset only on a daily refusal, and tolerates missing headers', () => {
    const refused = response(429, failure('Request over limit'), {
      'x-ratelimit-remaining': '5',
      'x-ratelimit-reset': '2',
      'x-daily-ratelimit-token-remaining': '0',
      'retry-after': '600',
    });
    expect(readPipedriveRateLimits(refused, NOW)).toEqual([
      { rule: 'daily', remaining: 0, resetAt: NOW + 600_000 },
    ]);
    expect(readPipedriveRateLimits(response(200, { success: true }), NOW)).toEqual([]);
    expect(
      readPipedriveRateLimits(response(200, { success: true }, { 'x-ratelimit-remaining': 'soon' }), NOW),
    ).toEqual([]);
  });
});

describe('invalid responses', () => {
  it('are InvalidResponseErrors for statuses with no meaning here', () => {
    expect(InvalidResponseError.isInstance(classify(response(418, failure('teapot'))))).toBe(true);
  });
});
