/**
 * `plan(source, target, options)`: read the source as a stream, map each goal into the target's vocabulary,
 * match it against what the target already holds (ID map first, then the natural key), and decide —
 * create, update, unchanged, skip or invalid — with every warning, without a single write.
 */
import type { GoalAdapter } from '../adapter/contract.ts';
import type { ValidationIssue } from '../errors.ts';
import type { CurrencyCode } from '../model/currency.ts';
import { type IsoDate, todayUtc } from '../model/dates.ts';
import {
  type Goal,
  type GoalField,
  type GoalInput,
  GoalInputSchema,
  type GoalPatch,
  type GoalPatchDraft,
  GoalPatchSchema,
  type Measure,
  type Owner,
  type Recurrence,
  toGoalInput,
} from '../model/goal.ts';
import type { MappingWarning } from '../model/warnings.ts';
import { diffGoal, sameValue, storedFields, unstoredPaths } from './compare.ts';
import { type IdMapEntry, type IdMapStore, sourceRef } from './id-map.ts';
import { type NaturalKeyFunction, naturalKeyFor, normalizeTitle } from './natural-key.ts';
import { lookupOwner, type OwnerMap } from './owner-map.ts';
import { readTargetIndex, type TargetIndex, type TargetMatch } from './target-index.ts';

export type ConflictPolicy = 'update' | 'skip' | 'fail';

export interface PlanDefaults {
  /** Currency for money goals whose source has none (e.g. Capillary SALES → Pipedrive or Plannr). */
  currency?: CurrencyCode;
  /**
   * What to measure when the target does not accept the source's metric, by the goal's kind — e.g. Capillary
   * KPIs for Pipedrive goals: `{ count: { metric: 'TRANSACTION/COUNT' }, money: { metric: 'TRANSACTION/SALES' } }`.
   */
  measure?: { count?: MeasureDefault; money?: MeasureDefault };
  /** Owners for goals left without any after owner mapping (Plannr requires one). */
  owners?: Owner[];
  /**
   * Start date for goals whose source has none (Plannr goals have only a deadline): a date, `created` (the
   * day the source goal was created) or `today`.
   */
  start?: IsoDate | 'created' | 'today';
  /** Recurrence for targets that need one, used when the target refuses the source's (e.g. `none`). */
  recurrence?: Recurrence;
}

export type MeasureDefault = Omit<Measure, 'kind'>;

export interface PlanOptions {
  idMap?: IdMapStore | undefined;
  ownerMap?: OwnerMap | undefined;
  defaults?: PlanDefaults | undefined;
  /** Field values forced on every goal, or a function that rewrites each mapped input. */
  overrides?: GoalPatchDraft | ((input: GoalInput, source: Goal) => GoalInput) | undefined;
  /** Source goals to migrate; the others are reported as skipped. */
  filter?: ((goal: Goal) => boolean) | undefined;
  /** What to do when the target already holds a different version of a goal. Default `update`. */
  conflict?: ConflictPolicy | undefined;
  naturalKey?: NaturalKeyFunction | undefined;
  signal?: AbortSignal | undefined;
}

interface ItemBase {
  /** `<provider>:<id>` of the source goal. */
  source: string;
  title: string;
  warnings: MappingWarning[];
}

export type PlanItem =
  | (ItemBase & {
      action: 'create';
      input: GoalInput;
      key: string;
      /** Goal paths the target does not store as given: ignored when recognising the created goal. */
      unstored: string[];
      /**
       * The target goal the ID map named for this source, gone from the target when planned (deleted there):
       * the create makes its successor, so apply must not take that old entry for the goal already created.
       */
      replaces?: string;
    })
  | (ItemBase & { action: 'update'; targetId: string; patch: GoalPatch; key: string; matchedBy: MatchKind })
  | (ItemBase & { action: 'unchanged'; targetId: string; key: string; matchedBy: MatchKind })
  | (ItemBase & { action: 'skip'; reason: string; targetId?: string })
  | (ItemBase & {
      action: 'invalid';
      issues: ValidationIssue[];
      /** The target goal the plan matched before refusing (conflict `fail`, an update the target refuses). */
      targetId?: string;
    });

export type PlanAction = PlanItem['action'];
export type MatchKind = 'id-map' | 'natural-key';

export interface MigrationPlan {
  source: string;
  target: string;
  createdAt: string;
  items: PlanItem[];
  counts: Record<PlanAction, number>;
}

/** Maps one source goal into the target's vocabulary: owners, defaults, overrides, then the target's own check. */
interface Prepared {
  input: GoalInput;
  /** The planner's own warnings (owner mapping). */
  warnings: MappingWarning[];
  /** The target adapter's warnings: what it would not store as given. */
  targetWarnings: MappingWarning[];
  issues: ValidationIssue[];
}

function prepare(goal: Goal, target: GoalAdapter, options: PlanOptions): Prepared {
  const warnings: MappingWarning[] = [];
  const owners: Owner[] = [];
  const fallback = options.defaults?.owners?.length
    ? 'left out; the default owner is used if none is left'
    : 'left out';
  for (const owner of goal.owners) {
    const mapped = options.ownerMap && lookupOwner(options.ownerMap, goal.provider, owner);
    if (mapped) {
      // Two source owners may map to one target owner: it is listed once.
      if (!owners.some((other) => other.type === mapped.type && other.id === mapped.id)) owners.push(mapped);
    } else if (target.capabilities.ownerTypes.includes(owner.type) && goal.provider === target.provider)
      owners.push(owner);
    else if (target.capabilities.ownerTypes.length > 0) {
      warnings.push({
        field: 'owners',
        reason: 'owner has no entry in the owner map',
        action: fallback,
        detail: `${owner.type}:${owner.id}`,
      });
    }
  }
  let input: GoalInput = { ...toGoalInput(goal), owners, origin: { provider: goal.provider, id: goal.id } };
  const { defaults } = options;
  if (input.owners.length === 0 && defaults?.owners?.length) input.owners = defaults.owners;
  if (input.measure.kind === 'money' && input.target && !input.target.currency && defaults?.currency) {
    input.target = { ...input.target, currency: defaults.currency };
  }
  const start = defaultStart(goal, defaults?.start);
  if (!input.schedule.start && start) input.schedule = { ...input.schedule, start };
  input = applyOverrides(input, goal, options.overrides);

  // Defaults for what the target refuses: measure (by kind) and recurrence.
  let checked = target.check(input);
  const refuses = (path: string) =>
    checked.issues.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`));
  const measure = defaults?.measure?.[input.measure.kind];
  const recurrence = defaults?.recurrence;
  if ((measure && refuses('measure')) || (recurrence && refuses('schedule.recurrence'))) {
    if (measure && refuses('measure'))
      input = { ...input, measure: { kind: input.measure.kind, ...measure } };
    if (recurrence && refuses('schedule.recurrence'))
      input = { ...input, schedule: { ...input.schedule, recurrence } };
    checked = target.check(input);
  }
  return { input, warnings, targetWarnings: checked.warnings, issues: checked.issues };
}

function defaultStart(goal: Goal, start: PlanDefaults['start']): IsoDate | undefined {
  if (start === 'today') return todayUtc();
  if (start === 'created') return goal.createdAt?.slice(0, 10);
  return start;
}

function applyOverrides(input: GoalInput, goal: Goal, overrides: PlanOptions['overrides']): GoalInput {
  if (!overrides) return input;
  if (typeof overrides === 'function') return GoalInputSchema.parse(overrides(input, goal));
  return GoalInputSchema.parse({ ...input, ...GoalPatchSchema.parse(overrides) });
}

/** The parts of a plan that do not depend on which goal is planned. */
export interface PlanContext {
  target: GoalAdapter;
  options: PlanOptions;
  keyOf: NaturalKeyFunction;
  index: TargetIndex;
  stored: readonly GoalField[];
  /** Where each source's first listing in this input went; a later listing goes the same way. */
  listed: Map<string, FirstListing>;
}

/**
 * A source's first listing: the target goal it matched, or none (a create), and the title it was given there
 * (numbered, on a target that needs unique titles). A later listing of the same source (files concatenated)
 * is judged against that goal, or as a create apply compares with the goal the first wrote; never matched to
 * another goal that happens to share its key.
 */
interface FirstListing {
  match: TargetMatch | undefined;
  given: string;
  written: string;
}

/** Reads what the target holds (once) and everything else planning each goal needs. */
export async function planContext(target: GoalAdapter, options: PlanOptions = {}): Promise<PlanContext> {
  const keyOf = options.naturalKey ?? naturalKeyFor(target.capabilities);
  const stored = storedFields(target.capabilities);
  const mapped = options.idMap ? await options.idMap.entries(target.provider) : [];
  const index = await readTargetIndex(target, keyOf, mapped, options.signal);
  return { target, options, keyOf, index, stored, listed: new Map() };
}

/** Decides what to do with one source goal. */
export async function planGoal(goal: Goal, context: PlanContext): Promise<PlanItem> {
  const { target, options, index, stored } = context;
  const ref = sourceRef(goal.provider, goal.id);
  const base = { source: ref, title: goal.title };
  if (options.filter && !options.filter(goal))
    return { ...base, action: 'skip', reason: 'excluded by filter', warnings: [] };
  const prepared = prepare(goal, target, options);
  const warnings = [...prepared.warnings, ...prepared.targetWarnings];
  if (prepared.issues.length > 0) return { ...base, action: 'invalid', issues: prepared.issues, warnings };
  const unstored = [
    ...unstoredPaths(prepared.targetWarnings),
    ...(target.capabilities.assignedByTarget ?? []),
  ];
  const first = context.listed.get(ref);
  const entry = first ? undefined : await options.idMap?.get(ref, target.provider);
  const found = first
    ? listedAgain(prepared.input, first)
    : findInTarget(prepared.input, entry, unstored, context);
  if (found.issues.length > 0) return { ...base, action: 'invalid', issues: found.issues, warnings };
  const { input, match } = found;
  // A repeat of a create is a create again: apply compares it with the goal the first one wrote.
  if (first && !match)
    return { ...base, action: 'create', input, key: context.keyOf(input), unstored, warnings };
  warnings.push(...found.warnings);
  if (!first) context.listed.set(ref, { match, given: prepared.input.title, written: input.title });
  const key = context.keyOf(input);
  if (!match) {
    index.reserveTitle(input.title);
    const gone =
      entry?.state === 'done' && entry.targetId && index.isGone(entry.targetId) ? entry.targetId : undefined;
    return { ...base, action: 'create', input, key, unstored, warnings, ...(gone ? { replaces: gone } : {}) };
  }
  const patch = diffGoal(input, match.goal, stored, unstored);
  const common = { ...base, targetId: match.goal.id, key, matchedBy: match.by, warnings };
  if (Object.keys(patch).length === 0) return { ...common, action: 'unchanged' };
  if (options.conflict === 'skip') {
    const reason = 'target holds a different version (conflict policy: skip)';
    return { ...base, action: 'skip', reason, targetId: match.goal.id, warnings };
  }
  if (options.conflict === 'fail') {
    const message = `target goal ${match.goal.id} differs in ${Object.keys(patch).join(', ')} (conflict policy: fail)`;
    return { ...base, action: 'invalid', issues: [{ path: '', message }], targetId: match.goal.id, warnings };
  }
  // An update the target would refuse as the goal stands (a Capillary period that has ended) is invalid now,
  // not a failure in every run.
  const refused = target.checkUpdate(match.goal, patch);
  if (refused.length > 0)
    return { ...base, action: 'invalid', issues: refused, targetId: match.goal.id, warnings };
  // Only a goal that will carry its new title takes it from the others.
  index.reserveTitle(input.title);
  return { ...common, action: 'update', patch };
}

/** A later listing of a source: its first listing's goal, and the title that one was given for the same title. */
function listedAgain(input: GoalInput, first: FirstListing): ReturnType<typeof findInTarget> {
  const title = input.title === first.given ? first.written : input.title;
  return { input: { ...input, title }, match: first.match, warnings: [], issues: [] };
}

/** A title with a number, as a target that needs unique titles gets it: "Q3 revenue (2)". */
const numbered = (title: string, n: number) => `${title.trimEnd()} (${n})`;

/**
 * The target goal this input corresponds to, if any. A target that needs unique titles gets a numbered title
 * for a goal whose title is taken by another goal — the same number on every run, since an earlier copy is
 * found under it before a new number is tried — and so does an update to a title another goal has.
 */
function findInTarget(
  input: GoalInput,
  entry: IdMapEntry | undefined,
  unstored: readonly string[],
  context: PlanContext,
): {
  input: GoalInput;
  match: TargetMatch | undefined;
  warnings: MappingWarning[];
  issues: ValidationIssue[];
} {
  const { index, keyOf, stored, target } = context;
  const same = (candidate: GoalInput) => (goal: Goal) =>
    Object.keys(diffGoal(candidate, goal, stored, unstored)).length === 0;
  const match = index.match(entry, keyOf(input), same(input));
  const unique = target.capabilities.uniqueTitles === true;
  if (match) {
    const title = unique ? titleForUpdate(input.title, match.goal.title, index) : input.title;
    if (title === input.title) return { input, match, warnings: [], issues: [] };
    return { input: { ...input, title }, match, warnings: [renamed(title)], issues: [] };
  }
  if (!unique || !index.titleTaken(input.title)) return { input, match: undefined, warnings: [], issues: [] };
  for (let n = 2; ; n++) {
    const candidate = { ...input, title: numbered(input.title, n) };
    const earlier = index.match(undefined, keyOf(candidate), same(candidate));
    if (earlier || !index.titleTaken(candidate.title)) {
      const issues = target.check(candidate).issues.filter((issue) => issue.path === 'title');
      return { input: candidate, match: earlier, warnings: [renamed(candidate.title)], issues };
    }
  }
}

/**
 * The title a target goal that needs a unique one keeps or gets: `title`, unless another goal has it (or an
 * earlier item of this plan took it); then the number an earlier run gave it, or the first free number. A
 * title a goal gives up in this run stays taken until the next: two goals that swap titles, or a new goal
 * under a title another one left, carry a number for one run.
 */
function titleForUpdate(title: string, current: string, index: TargetIndex): string {
  if (normalizeTitle(title) === normalizeTitle(current) || !index.titleTaken(title)) return title;
  if (isNumberedTitle(current, title)) return current;
  for (let n = 2; ; n++) {
    const candidate = numbered(title, n);
    if (!index.titleTaken(candidate)) return candidate;
  }
}

/**
 * The fields on which a source created again in one input (files concatenated) differs from what its first
 * listing became: the goal written, or in a dry run the first listing's input. A title numbered only because
 * the first copy took it is no difference.
 */
export function repeatDifferences(
  item: { input: GoalInput; unstored: readonly string[] },
  first: { title: string },
  stored: readonly GoalField[],
): string[] {
  const patch = diffGoal(item.input, first, stored, item.unstored);
  if (patch.title !== undefined && isNumberedTitle(patch.title, first.title)) delete patch.title;
  return Object.keys(patch);
}

/**
 * Sources listed again in one input whose goal the target already held (planned as `update` or `unchanged`
 * against the same read of the target): the first listing decides, and a later one that would change the goal
 * otherwise is a conflict, as for a goal created in the run ({@link repeatDifferences}).
 */
export class RepeatedSources {
  /** The first listing's patch by source (`{}` when it changed nothing). */
  readonly #first = new Map<string, GoalPatch>();

  /** Undefined for a first listing; else the fields on which this one differs from the first (none: the same). */
  differences(item: {
    source: string;
    action: 'update' | 'unchanged';
    patch?: GoalPatch;
  }): string[] | undefined {
    const patch: GoalPatch = item.action === 'update' && item.patch ? item.patch : {};
    const first = this.#first.get(item.source);
    if (!first) {
      this.#first.set(item.source, patch);
      return undefined;
    }
    const fields = new Set([...Object.keys(first), ...Object.keys(patch)]) as Set<keyof GoalPatch>;
    return [...fields].filter(
      (field) => field in first !== field in patch || !sameValue(first[field], patch[field]),
    );
  }
}

/** Why a source listed again is left out: it differs from its first listing. */
export function listedTwiceReason(source: string, differing: readonly string[]): string {
  return `${source} came twice in this input with different ${differing.join(', ')}`;
}

/** Whether `title` is `base` with a number the engine adds for targets that need unique titles. */
export function isNumberedTitle(title: string, base: string): boolean {
  const match = /^(.*) \((\d+)\)$/.exec(title);
  return match !== null && normalizeTitle(match[1] as string) === normalizeTitle(base);
}

function renamed(title: string): MappingWarning {
  return {
    field: 'title',
    reason: 'the target needs unique titles and another goal has this one',
    action: 'added a number',
    detail: title,
  };
}

/** Plans a stream of goals one by one: for pipelines that must not hold the whole plan in memory. */
export async function* planItems(goals: AsyncIterable<Goal>, context: PlanContext): AsyncGenerator<PlanItem> {
  for await (const goal of goals) yield planGoal(goal, context);
}

export async function plan(
  source: GoalAdapter,
  target: GoalAdapter,
  options: PlanOptions = {},
): Promise<MigrationPlan> {
  const context = await planContext(target, options);
  const items: PlanItem[] = [];
  for await (const item of planItems(source.list({ signal: options.signal }), context)) items.push(item);
  const counts: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, skip: 0, invalid: 0 };
  for (const item of items) counts[item.action]++;
  return {
    source: source.provider,
    target: target.provider,
    createdAt: new Date().toISOString(),
    items,
    counts,
  };
}
