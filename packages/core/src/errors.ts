/**
 * One error family for every provider. Each error has a stable `code`, says whether retrying can help, and
 * carries the HTTP status, provider and request id when there was a request. Checks use a `Symbol.for` marker
 * (`GoalbridgeError.isInstance`, `NotFoundError.isInstance`, ...) so they hold across duplicate installs,
 * where `instanceof` does not.
 */

const MARKER = Symbol.for('goalbridge.error');

export type ErrorCode =
  | 'config'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'validation'
  | 'conflict'
  | 'rate_limit'
  | 'unsupported'
  | 'transient'
  | 'timeout'
  | 'invalid_response'
  | 'partial_write';

export interface GoalbridgeErrorOptions {
  status?: number | undefined;
  provider?: string | undefined;
  requestId?: string | undefined;
  retryable?: boolean | undefined;
  /** True when a write may have taken effect although no success answer arrived (timeout, reset connection). */
  outcomeUnknown?: boolean | undefined;
  cause?: unknown;
}

export class GoalbridgeError extends Error {
  static readonly code: ErrorCode | undefined = undefined;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly provider: string | undefined;
  readonly requestId: string | undefined;
  readonly outcomeUnknown: boolean;
  readonly [MARKER] = true;

  constructor(code: ErrorCode, message: string, options: GoalbridgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.provider = options.provider;
    this.requestId = options.requestId;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /**
   * Cross-install type guard. On a subclass it also checks the code: `RateLimitError.isInstance(e)`.
   */
  static isInstance<T extends GoalbridgeError>(
    this: { readonly code: ErrorCode | undefined; readonly prototype: T },
    error: unknown,
  ): error is T {
    if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[MARKER] !== true) {
      return false;
    }
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the guard was called on.
    return this.code === undefined || (error as GoalbridgeError).code === this.code;
  }

  /** A plain, log-safe description (no stack, no cause). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      provider: this.provider,
      requestId: this.requestId,
      outcomeUnknown: this.outcomeUnknown || undefined,
    };
  }
}

/**
 * Bad or missing options: credentials, base URL, unknown provider. Never retryable. `issues` name the options
 * at fault when they were checked one by one, so a caller (a CLI, a form) can say them in its own words.
 */
export class ConfigError extends GoalbridgeError {
  static override readonly code = 'config';
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, options?: GoalbridgeErrorOptions & { issues?: readonly ValidationIssue[] }) {
    super('config', message, { ...options, retryable: false });
    this.issues = options?.issues ?? [];
  }
}

/** The provider rejected the credentials (401, expired token). */
export class AuthError extends GoalbridgeError {
  static override readonly code = 'auth';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('auth', message, { ...options, retryable: false });
  }
}

/** Authenticated but not allowed (403, missing scope, plan limits). */
export class PermissionError extends GoalbridgeError {
  static override readonly code = 'permission';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('permission', message, { ...options, retryable: false });
  }
}

export class NotFoundError extends GoalbridgeError {
  static override readonly code = 'not_found';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('not_found', message, { ...options, retryable: false });
  }
}

/** One problem with one field; `path` uses the Goal's field names (`schedule.periods.2.end`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input that cannot be accepted, found before any request or reported by the provider. */
/** Issues as one line, `path: message; …`, an issue on the whole value named by `root`. */
export function formatIssues(issues: readonly ValidationIssue[], root = '(root)'): string {
  return issues.map((issue) => `${issue.path || root}: ${issue.message}`).join('; ');
}

export class ValidationError extends GoalbridgeError {
  static override readonly code = 'validation';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options?: GoalbridgeErrorOptions & { subject?: string }) {
    const subject = options?.subject ?? 'input';
    super('validation', `invalid ${subject}: ${formatIssues(issues)}`, { ...options, retryable: false });
    this.issues = issues;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The write collides with existing state (duplicate name, concurrent change). */
export class ConflictError extends GoalbridgeError {
  static override readonly code = 'conflict';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('conflict', message, { ...options, retryable: false });
  }
}

export type RateLimitKind = 'burst' | 'daily';

/**
 * Too many requests. `burst` clears within seconds and is retried; `daily` means a budget is spent and the
 * run must stop until `resetAt`.
 */
export class RateLimitError extends GoalbridgeError {
  static override readonly code = 'rate_limit';
  readonly kind: RateLimitKind;
  readonly resetAt: Date | undefined;

  constructor(
    message: string,
    options: GoalbridgeErrorOptions & { kind: RateLimitKind; resetAt?: Date | undefined },
  ) {
    super('rate_limit', message, { ...options, retryable: options.kind === 'burst' });
    this.kind = options.kind;
    this.resetAt = options.resetAt;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind, resetAt: this.resetAt?.toISOString() };
  }
}

/** The adapter does not offer this operation or cannot express this change. */
export class UnsupportedError extends GoalbridgeError {
  static override readonly code = 'unsupported';
  /** The Goal field whose change the provider cannot make, when it is one (`schedule.periods`, `status`). */
  readonly field: string | undefined;

  constructor(message: string, options?: GoalbridgeErrorOptions & { field?: string | undefined }) {
    super('unsupported', message, { ...options, retryable: false });
    this.field = options?.field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), ...(this.field === undefined ? {} : { field: this.field }) };
  }
}

/**
 * What a refused write says as issues: a ValidationError's own, or an UnsupportedError as one issue on the
 * field it names; `undefined` for any other error. Checks that predict a refusal report it this way.
 */
export function refusalIssues(error: unknown): ValidationIssue[] | undefined {
  if (ValidationError.isInstance(error)) return [...error.issues];
  if (UnsupportedError.isInstance(error)) return [{ path: error.field ?? '', message: error.message }];
  return undefined;
}

/** A failure that may pass: 5xx, connection reset, maintenance. */
export class TransientError extends GoalbridgeError {
  static override readonly code = 'transient';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('transient', message, { ...options, retryable: options?.retryable ?? true });
  }
}

export class TimeoutError extends GoalbridgeError {
  static override readonly code = 'timeout';
  constructor(message: string, options?: GoalbridgeErrorOptions) {
    super('timeout', message, { ...options, retryable: options?.retryable ?? true });
  }
}

/** The provider answered with something we cannot read. `body` is the redacted, truncated raw text. */
export class InvalidResponseError extends GoalbridgeError {
  static override readonly code = 'invalid_response';
  readonly body: string | undefined;
  readonly issues: readonly ValidationIssue[];

  constructor(
    message: string,
    options: GoalbridgeErrorOptions & { body?: string | undefined; issues?: readonly ValidationIssue[] } = {},
  ) {
    super('invalid_response', message, { ...options, retryable: options.retryable ?? false });
    this.body = options.body;
    this.issues = options.issues ?? [];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), body: this.body, issues: this.issues.length ? this.issues : undefined };
  }
}

/**
 * A write made of several calls (a Capillary update: rename, periods, target values) that failed after some
 * took effect. `written` names those steps, `cause` is the failure, and the retryability is the failure's: a
 * retry plans again from what the target holds then. Never read as "nothing written".
 */
export class PartialWriteError extends GoalbridgeError {
  static override readonly code = 'partial_write';
  readonly written: readonly string[];

  constructor(message: string, options: GoalbridgeErrorOptions & { written: readonly string[] }) {
    super('partial_write', message, options);
    this.written = [...options.written];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), written: this.written };
  }
}

/** The spent daily budget behind `error`: the error itself, or the failure that cut a partial write short. */
export function spentDailyBudget(error: unknown): RateLimitError | undefined {
  const failure = PartialWriteError.isInstance(error) ? error.cause : error;
  return RateLimitError.isInstance(failure) && failure.kind === 'daily' ? failure : undefined;
}
