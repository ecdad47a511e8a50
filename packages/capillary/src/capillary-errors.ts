/**
 * Capillary failures → goalbridge errors. Every answer is a `{data, errors, warnings}` envelope, and a
 * failure can arrive with any status — a missing group is HTTP 200 with `errors` (reference §1.4, [KV]),
 * unenrolling a stranger is HTTP 500 (§4.11) — so the numeric code decides, then the status.
 */
import {
  AuthError,
  ConflictError,
  defaultClassify,
  GoalbridgeError,
  type HttpResponse,
  NotFoundError,
  PartialWriteError,
  PermissionError,
  parseRetryAfter,
  RateLimitError,
  TransientError,
  ValidationError,
} from '@goalbridge/core';
import * as z from 'zod';
import { ApiErrorSchema, ApiWarningSchema, type CapillaryApiError } from './capillary-api.ts';

const PROVIDER = 'capillary';

/** Documented codes (reference §6). */
export const CAPILLARY_ERROR_CODES = {
  invalidInput: 300004,
  nameTooLong: 310008,
  invalidUserId: 310011,
  groupNotFound: 310017,
  targetNotFound: 310018,
  periodNotFound: 310019,
  invalidKpi: 310033,
  duplicateName: 310069,
  invalidExtendedField: 310092,
  extendedFieldMissing: 310094,
  alreadyEnrolled: 310119,
  notEnrolled: 310126,
  invalidEnrolmentType: 310130,
  leaderboardEvaluation: 310132,
  leaderboardDisabled: 310133,
  invalidNameType: 310145,
  invalidProgramId: 310146,
  invalidCurrencyIdentifier: 310147,
  noUserTarget: 310149,
  accessDenied: 4000,
  authorizationUnavailable: 4001,
  unresolvedMessage: 999999,
} as const;

const C = CAPILLARY_ERROR_CODES;
const NOT_FOUND: ReadonlySet<number> = new Set([
  C.invalidUserId,
  C.groupNotFound,
  C.targetNotFound,
  C.periodNotFound,
  C.notEnrolled,
  C.noUserTarget,
]);
const CONFLICT: ReadonlySet<number> = new Set([C.duplicateName, C.alreadyEnrolled]);
/** Codes that name the Goal field at fault. */
const FIELD_OF_CODE: Readonly<Record<number, string>> = {
  [C.nameTooLong]: 'title',
  [C.invalidKpi]: 'measure.metric',
  [C.invalidExtendedField]: 'measure.scope.extendedFieldInfo',
  [C.extendedFieldMissing]: 'measure.scope.extendedFieldInfo',
  [C.leaderboardEvaluation]: 'extensions.capillary.leaderboardEnabled',
  [C.leaderboardDisabled]: 'extensions.capillary.leaderboardEnabled',
};

const ErrorsSchema = z.looseObject({ errors: z.array(ApiErrorSchema).nullish() });
const WarningsSchema = z.looseObject({ warnings: z.array(ApiWarningSchema).nullish() });

/**
 * The real errors of an envelope. An older delete example pairs `data: true` with
 * `errors: [{code: 0, message: ""}]`: code 0 means no error (reference §4.5).
 */
export function envelopeErrors(body: unknown): CapillaryApiError[] {
  const parsed = ErrorsSchema.safeParse(body);
  const errors = parsed.success ? (parsed.data.errors ?? []) : [];
  return errors.filter((error) => error.code !== 0);
}

/** Warning messages of an envelope (reference §1.3: `warnings: [{message}]`). */
export function envelopeWarnings(body: unknown): string[] {
  const parsed = WarningsSchema.safeParse(body);
  const warnings = parsed.success ? (parsed.data.warnings ?? []) : [];
  return warnings.flatMap((warning) => (warning.message ? [warning.message] : []));
}

function describe(errors: readonly CapillaryApiError[], status: number): string {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `capillary error ${first?.code ?? 'unknown'} (HTTP ${status}): ${first?.message ?? 'no message'}${more}`;
}

/** The typed error for a failed answer, or `undefined` when the answer is a success. */
export function classifyCapillaryResponse(response: HttpResponse): GoalbridgeError | undefined {
  const { status } = response;
  const options = { provider: PROVIDER, status, requestId: response.requestId };
  const errors = envelopeErrors(response.body);
  if (status === 429) {
    // No 429 is documented for v3; honour Retry-After when the gateway sends one (reference §1.5, ASSUMPTION).
    const waitMs = parseRetryAfter(response.headers.get('retry-after'));
    const resetAt = waitMs === undefined ? undefined : new Date(Date.now() + waitMs);
    return new RateLimitError(`capillary rate limit reached (HTTP 429)`, {
      ...options,
      kind: 'burst',
      resetAt,
    });
  }
  if (status === 401 || status === 498) {
    // 498 is the server's TokenExpiredException (reference §1.2, [KV §11]).
    const reason =
      errors[0]?.message ?? (status === 498 ? 'the OAuth token has expired' : 'the credentials were refused');
    return new AuthError(`capillary authentication failed (HTTP ${status}): ${reason}`, options);
  }
  if (errors.length === 0) return status >= 400 ? defaultClassify(response, PROVIDER) : undefined;

  const code = errors[0]?.code ?? undefined;
  const message = describe(errors, status);
  // A code this package does not know says no more than the status (reference §1.4: 404 is not found, 409 a
  // ConflictException).
  if ((code !== undefined && NOT_FOUND.has(code)) || status === 404)
    return new NotFoundError(message, options);
  if ((code !== undefined && CONFLICT.has(code)) || status === 409)
    return new ConflictError(message, options);
  if (code === C.accessDenied || status === 403) return new PermissionError(message, options);
  if (status >= 500) return new TransientError(message, options);
  const path = code === undefined ? '' : (FIELD_OF_CODE[code] ?? '');
  return new ValidationError([{ path, message }], { ...options, subject: 'request for capillary' });
}

/**
 * An update that failed after some of its calls took effect (each is atomic, so they stay): a `partial_write`
 * naming them, with the failure as `cause` and its retryability, since a retry plans again from what the
 * group holds then and sends only the rest. Only a goalbridge error's message, already safe to show, is told.
 */
export function partialUpdateError(
  groupId: string,
  written: readonly string[],
  cause: unknown,
): PartialWriteError {
  const failure = GoalbridgeError.isInstance(cause) ? cause : undefined;
  const reason = failure?.message ?? (cause instanceof Error ? cause.name : 'unknown error');
  return new PartialWriteError(
    `capillary updated target group ${groupId} only in part (done: ${written.join(', ')}): ${reason}`,
    {
      provider: PROVIDER,
      status: failure?.status,
      requestId: failure?.requestId,
      retryable: failure?.retryable ?? false,
      outcomeUnknown: failure?.outcomeUnknown,
      written,
      cause,
    },
  );
}
