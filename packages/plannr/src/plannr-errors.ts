/**
 * Plannr's failures as goalbridge errors, by status code — never by message text, which is Laravel's default
 * wording and may change (reference §2.5). A 422's field names become the Goal's field paths; a 400 is a
 * ConfigError, since it refuses the query or headers the adapter's options made, never the goal.
 */
import {
  ConfigError,
  defaultClassify,
  type GoalbridgeError,
  type HttpResponse,
  messageFromBody,
  RateLimitError,
  UnsupportedError,
  ValidationError,
  type ValidationIssue,
} from '@goalbridge/core';
import { PLANNR_PROVIDER, plannrFieldToGoalPath } from './plannr-api.ts';
import { plannrResetAt } from './plannr-rate-limits.ts';

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
    const resetAt = plannrResetAt(response.headers);
    return new RateLimitError(message, {
      ...options,
      kind: 'burst',
      resetAt: resetAt === undefined ? undefined : new Date(resetAt),
    });
  }
  if (status === 400) {
    const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
    return new ConfigError(`${sentence} ${refusedQueryHint(response)}`, options);
  }
  // A method the route does not offer: an endpoint assumed in plannr-assumptions.ts does not exist.
  if (status === 405) return new UnsupportedError(message, options);
  return defaultClassify(response, PLANNR_PROVIDER);
}

/** Query parameters spatie/laravel-query-builder checks against the names a route allows (reference §2.5). */
const CHECKED_QUERY = /^(?:include|sort|filter\[.+\])$/;

/**
 * What to look at after a 400. Laravel answers a goal it cannot accept with 422; a 400 refuses what the adapter
 * put around it — a relation, sort or filter the route does not allow (assumed names, reference §2.5) or a
 * missing account header — so it points at the options that decide those, naming what was sent.
 */
function refusedQueryHint(response: HttpResponse): string {
  const sent = Object.entries(response.request.query ?? {})
    .filter(([name, value]) => CHECKED_QUERY.test(name) && value !== undefined)
    .map(([name, value]) => `${name}=${String(value)}`);
  const asked = sent.length > 0 ? `The request asked for ${sent.join(', ')}. ` : '';
  return (
    `${asked}Check the adapter's \`include\` option (default: the relations assumed in ` +
    "PLANNR_ASSUMPTIONS.includes; `include: []` asks for none), the listing's `sort` and `filter`, and `accountUuid`."
  );
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
