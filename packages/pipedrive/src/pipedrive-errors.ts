/**
 * Pipedrive failures as typed errors (reference §4): an HTTP status ≥ 400 or `success: false` in the body is
 * a failure; the message is read from `error`, `error_info`, `message`, then `statusText`; non-JSON bodies
 * (the Cloudflare HTML 403 sent after repeated 429s) are read as text. A 429 is a burst refusal, retried after
 * `x-ratelimit-reset`, unless it refuses for the daily budget (see `isDailyRefusal`): then the error fails fast
 * with the budget's reset time (§5).
 */
import {
  AuthError,
  bodyExcerpt,
  ConflictError,
  type GoalbridgeError,
  type HttpResponse,
  InvalidResponseError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  TransientError,
  UnsupportedError,
  ValidationError,
} from '@goalbridge/core';
import { PROVIDER } from './pipedrive-api.ts';
import { burstResetAt, dailyResetAt, isDailyRefusal } from './pipedrive-rate-limits.ts';

const MESSAGE_FIELDS = ['error', 'error_info', 'message', 'statusText'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The readable message of a Pipedrive error response, in the order the reference gives (§4). */
export function pipedriveErrorMessage(response: Pick<HttpResponse, 'body' | 'text'>): string {
  const { body } = response;
  if (isObject(body)) {
    for (const field of MESSAGE_FIELDS) {
      const value = body[field];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
    return 'no error message';
  }
  const text = response.text.trim();
  if (text.startsWith('<')) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return `an HTML page instead of JSON${title ? ` ("${title}")` : ''}`;
  }
  return text ? text.slice(0, 200) : 'an empty body';
}

/** The HTTP status a `success: false` body inside a 200 stands for: `errorCode`, or a goals `statusCode` (40400). */
function inBandStatus(body: Record<string, unknown>): number {
  const { errorCode, statusCode } = body;
  if (typeof errorCode === 'number' && errorCode >= 400 && errorCode < 600) return errorCode;
  if (typeof statusCode === 'number' && statusCode >= 40_000 && statusCode < 60_000)
    return Math.floor(statusCode / 100);
  return 400;
}

export interface PipedriveClassifyOptions {
  /** Length of the burst window in force: the least a burst 429 waits; none when limits are off. */
  burstWindowMs: number | undefined;
  now?: () => number;
}

/** The typed error for a failed Pipedrive response, or undefined when it succeeded. */
export function classifyPipedriveResponse(
  response: HttpResponse,
  options: PipedriveClassifyOptions,
): GoalbridgeError | undefined {
  const body = response.body;
  const failedInBand = isObject(body) && body.success === false;
  if (response.status < 400 && !failedInBand) return undefined;
  const status = response.status >= 400 ? response.status : inBandStatus(body as Record<string, unknown>);
  const what = response.request.operation ? `${response.request.operation} ` : '';
  const message = `pipedrive ${what}failed (HTTP ${status}): ${pipedriveErrorMessage(response)}`;
  const common = { provider: PROVIDER, status, requestId: response.requestId };
  const now = options.now?.() ?? Date.now();

  if (status === 429) {
    return isDailyRefusal(response)
      ? new RateLimitError(`${message}; the daily token budget is spent`, {
          ...common,
          kind: 'daily',
          resetAt: new Date(dailyResetAt(response.headers, now)),
        })
      : new RateLimitError(message, {
          ...common,
          kind: 'burst',
          resetAt: new Date(burstResetAt(response.headers, now, options.burstWindowMs)),
        });
  }
  if (status === 400 || status === 422) {
    const subject = `pipedrive ${what}request (HTTP ${status})`;
    return new ValidationError([{ path: '', message: pipedriveErrorMessage(response) }], {
      ...common,
      subject,
    });
  }
  if (status === 401) return new AuthError(message, common);
  // 402: company account not open; 403: forbidden, missing scope or the Cloudflare block; 415: feature off.
  if (status === 402 || status === 403 || status === 415) return new PermissionError(message, common);
  if (status === 404 || status === 410) return new NotFoundError(message, common);
  if (status === 409) return new ConflictError(message, common);
  if (status === 405 || status === 501) return new UnsupportedError(message, common);
  if (status === 408 || status >= 500) return new TransientError(message, common);
  return new InvalidResponseError(message, { ...common, body: bodyExcerpt(response) });
}
