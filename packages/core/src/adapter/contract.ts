/**
 * The contract every provider implements. Providers write a small {@link GoalDriver} — translation and
 * transport only — and {@link createGoalAdapter} turns it into a {@link GoalAdapter} that validates input
 * before any request, refuses undeclared operations with a typed error, and checks ids.
 */

import type { ValidationIssue } from '../errors.ts';
import type {
  Goal,
  GoalField,
  GoalInput,
  GoalInputDraft,
  GoalPatch,
  GoalPatchDraft,
  GoalProgress,
} from '../model/goal.ts';
import type { MappingWarning } from '../model/warnings.ts';
import type { RateLimitRule } from '../rate-limit/rate-limiter.ts';

export const OPERATIONS = ['list', 'get', 'create', 'update', 'delete', 'progress'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface AdapterCapabilities {
  operations: readonly Operation[];
  fields: {
    /** Goal fields a read fills in. */
    readable: readonly GoalField[];
    /** Goal fields a create or update stores and reads back unchanged. */
    writable: readonly GoalField[];
  };
  /** The provider's published limits, as the adapter schedules them. */
  rateLimits: readonly RateLimitRule[];
  pagination: {
    kind: 'none' | 'page' | 'offset' | 'cursor';
    /** Largest page the provider serves. */
    maxPageSize?: number;
  };
  /** Goal `measure.kind` values the provider can store. */
  measureKinds: readonly ('count' | 'money')[];
  /** Owner types (`person`, `account`, ...) the provider can store; empty when owners cannot be written. */
  ownerTypes: readonly string[];
  /** Titles must be unique (case-insensitive) in the account, as Capillary's group names are. */
  uniqueTitles?: boolean;
  /**
   * Goal paths whose values the target assigns itself (ids of periods and parts, server records), never
   * compared with an input: one exported from another account carries that account's. A path runs through
   * arrays: `schedule.periods.id` is the id of every period.
   */
  assignedByTarget?: readonly string[];
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number | undefined;
}

export interface ListOptions extends CallOptions {
  /** Items per page where the provider paginates. */
  pageSize?: number | undefined;
}

export interface ProgressQuery {
  /** The period to measure; providers that need one require both ends. */
  period?: { start: string; end: string } | undefined;
  /** Whose progress, where progress is per person (Capillary: the customer id). */
  subject?: string | undefined;
}

export interface WriteResult {
  goal: Goal;
  /** What the provider could not hold, and what was done instead. */
  warnings: MappingWarning[];
  /**
   * The answer to the write was lost and the adapter found its result in the provider instead of writing
   * again (Capillary looks a lost create up by its unique name). Migrations count it as recovered.
   */
  recovered?: boolean;
}

export interface GoalAdapter {
  /** Provider name: `pipedrive`, `plannr`, `capillary`, `memory`. */
  readonly provider: string;
  readonly capabilities: AdapterCapabilities;
  /** Every goal the credentials can see, streamed page by page. */
  list(options?: ListOptions): AsyncIterable<Goal>;
  get(id: string, options?: CallOptions): Promise<Goal>;
  create(input: GoalInputDraft, options?: CallOptions): Promise<WriteResult>;
  update(id: string, patch: GoalPatchDraft, options?: CallOptions): Promise<WriteResult>;
  delete(id: string, options?: CallOptions): Promise<void>;
  progress(id: string, query?: ProgressQuery, options?: CallOptions): Promise<GoalProgress>;
  /**
   * Checks an input against the provider's own rules without sending anything: the issues a create would be
   * refused for, and the warnings it would produce.
   */
  check(input: GoalInputDraft): { issues: ValidationIssue[]; warnings: MappingWarning[] };
  /**
   * The issues an update of `current` (a goal as this adapter read it) with `patch` would be refused for,
   * known without sending anything: what plans use to mark an update they cannot perform. The update itself
   * still checks.
   */
  checkUpdate(current: Goal, patch: GoalPatchDraft): ValidationIssue[];
}

/** A write checked against the provider's rules and ready to send: what it is refused for, and how to send it. */
export interface PreparedWrite {
  issues: ValidationIssue[];
  send(options: CallOptions): Promise<WriteResult>;
}

/** What a provider implements. Inputs arrive parsed and validated; unimplemented operations stay absent. */
export interface GoalDriver {
  provider: string;
  capabilities: AdapterCapabilities;
  /** A message when `id` cannot be one of this provider's ids (checked before any request). */
  checkId?(id: string): string | undefined;
  /** Provider-specific rules beyond the Goal schema, plus the warnings the mapping would give. */
  checkInput?(input: GoalInput): { issues: ValidationIssue[]; warnings: MappingWarning[] };
  /** Provider-specific rules for an update; unsupported changes belong here as issues or thrown errors. */
  checkPatch?(patch: GoalPatch): { issues: ValidationIssue[]; warnings: MappingWarning[] };
  /**
   * A create checked once and sent with what the check computed (the provider body, mapped once). When
   * present, creates use it instead of `checkInput` then `create` (which may then be left out): refused with its
   * issues before any request. `checkInput` still answers `check`.
   */
  prepareCreate?(input: GoalInput): PreparedWrite;
  /** The same for updates, instead of `checkPatch` then `update` (which may then be left out). */
  prepareUpdate?(id: string, patch: GoalPatch): PreparedWrite;
  /**
   * What an update would be refused for that depends on the goal as it is now (Capillary: ended periods,
   * fixed settings). Asked by `checkUpdate` after the patch's own check passes; `update` must still refuse.
   */
  checkUpdate?(current: Goal, patch: GoalPatch): ValidationIssue[];
  list?(options: ListOptions): AsyncIterable<Goal>;
  get?(id: string, options: CallOptions): Promise<Goal>;
  create?(input: GoalInput, options: CallOptions): Promise<WriteResult>;
  update?(id: string, patch: GoalPatch, options: CallOptions): Promise<WriteResult>;
  delete?(id: string, options: CallOptions): Promise<void>;
  progress?(id: string, query: ProgressQuery, options: CallOptions): Promise<GoalProgress>;
}
