import type * as z from 'zod';
import { ConfigError, InvalidResponseError, ValidationError, type ValidationIssue } from '../errors.ts';

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

/** Parses a provider payload or throws an InvalidResponseError carrying the (already redacted) body. */
export function parseResponseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  options: { provider: string; what: string; body?: string | undefined; requestId?: string | undefined },
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.path || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new InvalidResponseError(`${options.provider} sent an unexpected ${options.what}: ${summary}`, {
    provider: options.provider,
    body: options.body,
    requestId: options.requestId,
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
  const list = toValidationIssues(result.error)
    .map((issue) => `${issue.path || '(options)'}: ${issue.message.replace(/, got .*$/, '')}`)
    .join('; ');
  throw new ConfigError(`invalid ${provider} options: ${list}`, { provider });
}
