/**
 * @goalbridge/core — the normalized Goal model, the adapter contract, typed errors, the rate-limit-aware HTTP
 * layer and the in-memory adapter.
 */
export type {
  AdapterCapabilities,
  CallOptions,
  GoalAdapter,
  GoalDriver,
  ListOptions,
  Operation,
  PreparedWrite,
  ProgressQuery,
  WriteResult,
} from './adapter/contract.ts';
export { OPERATIONS } from './adapter/contract.ts';
export { checkCallOptions, createGoalAdapter } from './adapter/create-goal-adapter.ts';
export {
  type CredentialHeaders,
  credentialHeaders,
  readSecret,
  type SecretSource,
} from './adapter/credentials.ts';
export {
  type CommonAdapterOptions,
  commonAdapterOptionsShape,
  functionSchema,
  HeaderNameSchema,
  HeadersSchema,
  HeaderValueSchema,
  HooksSchema,
  HttpUrlSchema,
  RateLimiterSchema,
  RateLimitRuleSchema,
  RetryPolicySchema,
  SecretSourceSchema,
  TimeoutMsSchema,
} from './adapter/option-schemas.ts';
export { type OrderedListing, type Page, paginate, uniqueBy, uniqueInOrder } from './adapter/pagination.ts';
export {
  type CheckedProgressQuery,
  type ProgressQueryLimits,
  progressQueryCheck,
} from './adapter/progress-query.ts';
export {
  AuthError,
  ConfigError,
  ConflictError,
  type ErrorCode,
  formatIssues,
  GoalbridgeError,
  type GoalbridgeErrorOptions,
  InvalidResponseError,
  NotFoundError,
  PartialWriteError,
  PermissionError,
  RateLimitError,
  type RateLimitKind,
  refusalIssues,
  spentDailyBudget,
  TimeoutError,
  TransientError,
  UnsupportedError,
  ValidationError,
  type ValidationIssue,
} from './errors.ts';
export {
  alreadyRetried,
  bodyExcerpt,
  defaultClassify,
  HttpClient,
  type HttpClientOptions,
  type HttpHooks,
  type HttpMethod,
  type HttpRequest,
  type HttpRequestEvent,
  type HttpResponse,
  type HttpResponseEvent,
  type HttpRetryEvent,
  messageFromBody,
  type RetryDecisionContext,
  type RetryPolicy,
  reportReadWarnings,
  type WarningEvent,
} from './http/http-client.ts';
export { appendQuery, encodePathSegment, joinUrl, type QueryValue, urlPath } from './http/path.ts';
export {
  isSecretName,
  REDACTED,
  redactHeaders,
  redactText,
  redactUrl,
  SecretRegistry,
} from './http/redact.ts';
export { type BackoffOptions, backoffDelay, parseRetryAfter, sleep } from './http/retry-timing.ts';
export { type CallLimits, waitForShared } from './http/shared-wait.ts';
export {
  createMemoryAdapter,
  type MemoryAdapter,
  type MemoryAdapterOptions,
} from './memory/memory-adapter.ts';
export { type CurrencyCode, currencyCodes, currencyExponent, isCurrencyCode } from './model/currency.ts';
export {
  addDays,
  addMonths,
  daysBetween,
  type IsoDate,
  type IsoDateTime,
  isIsoDate,
  isIsoDateTime,
  localDateOf,
  nextUtcMidnight,
  parseDateTime,
  todayUtc,
} from './model/dates.ts';
export {
  addDecimals,
  compareDecimals,
  type DecimalString,
  decimalScale,
  decimalToJson,
  decimalToMinorUnits,
  decimalToNumber,
  formatDecimalFixed,
  isCanonicalDecimal,
  minorUnitsToDecimal,
  parseDecimal,
  toDecimal,
  unsafeJsonNumber,
} from './model/decimal.ts';
export {
  CurrencyCodeSchema,
  copyJson,
  DecimalSchema,
  type Extensions,
  ExtensionsSchema,
  GOAL_FIELDS,
  GOAL_SCHEMA_VERSION,
  type Goal,
  type GoalField,
  type GoalInput,
  type GoalInputDraft,
  GoalInputSchema,
  type GoalPatch,
  type GoalPatchDraft,
  GoalPatchSchema,
  type GoalProgress,
  GoalSchema,
  goalConsistencyIssues,
  IsoDateSchema,
  IsoDateTimeSchema,
  isForbiddenKey,
  isVisibleText,
  LIMITS,
  MAX_JSON_DEPTH,
  type Measure,
  MeasureSchema,
  type Owner,
  OwnerSchema,
  ownValue,
  type Period,
  PeriodSchema,
  ProgressSchema,
  RECURRENCES,
  type Recurrence,
  type Schedule,
  ScheduleSchema,
  setOwnProperty,
  type Target,
  TargetSchema,
  toGoalInput,
} from './model/goal.ts';
export { readMappedGoal } from './model/read-goal.ts';
export {
  issuePath,
  parseAnswerOrThrow,
  parseOptionsOrThrow,
  parseOrThrow,
  parseResponseOrThrow,
  toValidationIssues,
} from './model/validate.ts';
export { type Mapped, type MappingWarning, WarningList } from './model/warnings.ts';
export {
  type AcquireOptions,
  RateLimiter,
  type RateLimiterOptions,
  type RateLimitObservation,
  type RateLimitPermit,
  type RateLimitRule,
  type RateLimitState,
  type RateLimitWaitEvent,
} from './rate-limit/rate-limiter.ts';
export * from './streams/index.ts';
export * from './sync/index.ts';
export { VERSION } from './version.ts';
