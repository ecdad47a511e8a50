import type * as z from 'zod';
import {
  ConfigError,
  formatIssues,
  InvalidResponseError,
  ValidationError,
  type ValidationIssue,
} from '../errors.ts';
import { bodyExcerpt, type HttpResponse } from '../http/http-client.ts';

/** Dotted path of a schema issue: ['schedule', 'periods', 2, 'end'] → "schedule.periods.2.end". */
export function issuePath(path: readonly PropertyKey[], prefix = ''): string {
  const joined = path.map(String).join('.');
  return prefix && joined ? `${prefix}.${joined}` : prefix || joined;
}

export function toValidationIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = issuePath(issue.path, prefix);
    // Name each unknown key as its own path, so "titel" is reported where it was written.
    return keys.length === 1
      ? { path: issuePath([keys[0] as string], path), message: 'unknown field' }
      : { path, message: issue.message };
  });
}

/** Parses `value` or throws a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { subject?: string; provider?: string | undefined } = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(toValidationIssues(result.error), {
    subject: options.subject ?? 'input',
    provider: options.provider,
  });
}

interface ResponseContext {
  provider: string;
  what: string;
  body?: string | undefined;
  requestId?: string | undefined;
  outcomeUnknown?: boolean | undefined;
}

/** Parses a provider payload or throws an InvalidResponseError carrying the (already redacted) body. */
export function parseResponseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: ResponseContext,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw responseError(result.error, options);
}

/**
 * {@link parseResponseOrThrow} for a value read from `response`: the error carries the answer's redacted
 * excerpt and request id, made only when the value is refused (an excerpt redacts text: not for every answer).
 * Refused in the answer to a write, it says `outcomeUnknown`: the server accepted the write, only its answer
 * is unreadable (as for a success body that is not JSON).
 */
export function parseAnswerOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  response: HttpResponse,
  options: { provider: string; what: string },
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw responseError(result.error, {
    ...options,
    body: bodyExcerpt(response),
    requestId: response.requestId,
    outcomeUnknown: response.request.method !== 'GET',
  });
}

function responseError(error: z.ZodError, options: ResponseContext): InvalidResponseError {
  const issues = toValidationIssues(error);
  const summary = formatIssues(issues.slice(0, 5));
  return new InvalidResponseError(`${options.provider} sent an unexpected ${options.what}: ${summary}`, {
    provider: options.provider,
    body: options.body,
    requestId: options.requestId,
    outcomeUnknown: options.outcomeUnknown,
    issues,
  });
}

/** Parses adapter options or throws a ConfigError naming each bad option (values are never echoed). */
export function parseOptionsOrThrow<S extends z.ZodType>(
  schema: S,
  options: unknown,
  provider: string,
): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  // Without zod's ", got …": an option's value is never echoed.
  const issues = toValidationIssues(result.error).map((issue) => ({
    ...issue,
    message: issue.message.replace(/, got .*$/, ''),
  }));
  const list = formatIssues(issues, '(options)');
  throw new ConfigError(`invalid ${provider} options: ${list}`, { provider, issues });
}
