/**
 * Plannr's failures as goalbridge errors, by status code — never by message text, which is Laravel's default
 * wording and may change (reference §2.5). A 422's field names become the Goal's field paths.
 */
import {
  defaultClassify,
  type GoalbridgeError,
  type HttpResponse,
  messageFromBody,
  parseRetryAfter,
  RateLimitError,
  UnsupportedError,
  ValidationError,
  type ValidationIssue,
} from '@goalbridge/core';
import { PLANNR_PROVIDER, plannrFieldToGoalPath } from './plannr-api.ts';

/** The `classifyResponse` of the Plannr HTTP client. */
export function classifyPlannrResponse(response: HttpResponse): GoalbridgeError | undefined {
  const { status } = response;
  if (status < 400) return undefined;
  const options = { provider: PLANNR_PROVIDER, status, requestId: response.requestId };
  const detail = messageFromBody(response.body);
  const message = `plannr answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 422) {
    return new ValidationError(validationIssues(response.body, detail ?? message), {
      ...options,
      subject: 'goal for plannr',
    });
  }
  if (status === 429) {
    const resetAt = rateLimitResetAt(response);
    return new RateLimitError(message, {
      ...options,
      kind: 'burst',
      resetAt: resetAt === undefined ? undefined : new Date(resetAt),
    });
  }
  // A method the route does not offer: an endpoint assumed in plannr-assumptions.ts does not exist.
  if (status === 405) return new UnsupportedError(message, options);
  return defaultClassify(response, PLANNR_PROVIDER);
}

/**
 * Laravel's `{message, errors: {field: [messages]}}` as issues on Goal paths (`name` → `title`,
 * `account_uuids.0` → `owners.0.id`). Without `errors`, one issue carries the message.
 */
export function validationIssues(body: unknown, fallback: string): ValidationIssue[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (typeof errors !== 'object' || errors === null || Array.isArray(errors)) {
    return [{ path: '', message: fallback }];
  }
  const issues = Object.entries(errors).flatMap(([field, messages]) =>
    (Array.isArray(messages) ? messages : [messages]).map((text) => ({
      path: plannrFieldToGoalPath(field),
      message: String(text),
    })),
  );
  return issues.length > 0 ? issues : [{ path: '', message: fallback }];
}

/** When the limit lifts (epoch ms): `Retry-After` (seconds), else `X-RateLimit-Reset` (unix seconds), as Laravel's throttle sends them. */
function rateLimitResetAt(response: HttpResponse): number | undefined {
  const now = Date.now();
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now);
  if (retryAfter !== undefined) return now + retryAfter;
  const reset = Number(response.headers.get('x-ratelimit-reset') ?? Number.NaN);
  return Number.isFinite(reset) && reset > 0 ? Math.max(now, reset * 1000) : undefined;
}
