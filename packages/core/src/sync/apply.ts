/**
 * `apply(plan, options)`: carry out a plan with bounded concurrency (the target adapter's rate limiter keeps
 * the pace), recording every source → target id in the ID map. A create is recorded as pending before it is
 * sent; when its outcome is unknown (timeout, reset, unreadable answer) the target is read again before any
 * retry, so a run stopped at any moment — error, Ctrl-C, kill -9 — finishes on the next run with no duplicate
 * and no lost goal. Such creates are set aside and settled in rounds after the pass, so one read of the target
 * answers all of a round's questions instead of one read per few lost answers. A spent daily budget stops the
 * run at once and says when it can continue.
 */
import type { GoalAdapter } from '../adapter/contract.ts';
import { formatIssues, GoalbridgeError, PartialWriteError, spentDailyBudget } from '../errors.ts';
import { backoffDelay, sleep } from '../http/retry-timing.ts';
import { type Goal, type GoalField, toGoalInput } from '../model/goal.ts';
import type { MappingWarning } from '../model/warnings.ts';
import { diffGoal, storedFields } from './compare.ts';
import { type IdMapEntry, type IdMapStore, MemoryIdMapStore } from './id-map.ts';
import { type NaturalKeyFunction, naturalKeyFor } from './natural-key.ts';
import {
  listedTwiceReason,
  type MigrationPlan,
  type PlanItem,
  RepeatedSources,
  repeatDifferences,
} from './plan.ts';
import { type MigrationSummary, SummaryBuilder } from './summary.ts';

export type ItemOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export type ApplyEvent =
  | { type: 'start'; total: number | undefined; writes: number | undefined }
  | {
      type: 'item';
      source: string;
      title: string;
      outcome: ItemOutcome;
      targetId?: string;
      reason?: string;
      recovered?: boolean;
    }
  | { type: 'stopped'; reason: string; resetAt?: string }
  | { type: 'done'; summary: MigrationSummary };

export interface ApplyOptions {
  target: GoalAdapter;
  idMap?: IdMapStore | undefined;
  /** Writes in flight at once. Default 4. */
  concurrency?: number | undefined;
  /** Attempts per write for failures that may pass (after the HTTP layer's own retries). Default 3. */
  maxAttempts?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: ApplyEvent) => void) | undefined;
  /** Must be the function the plan used; default the target's natural key. */
  naturalKey?: NaturalKeyFunction | undefined;
}

/** The settings of how to write, picked out of options that also plan (`migrate`, `importNdjson`). */
export function writeSettingsOf(
  options: Omit<ApplyOptions, 'target' | 'naturalKey'>,
): Omit<ApplyOptions, 'target' | 'naturalKey'> {
  const { idMap, concurrency, maxAttempts, signal, onProgress } = options;
  return { idMap, concurrency, maxAttempts, signal, onProgress };
}

/** Errors after which a write certainly did not happen: the server refused it before acting. */
function certainlyNotApplied(error: unknown): boolean {
  if (!GoalbridgeError.isInstance(error)) return false;
  // A partial write failed in a later call, whatever that call's own error (a 400, a refusal) says.
  if (error.outcomeUnknown || PartialWriteError.isInstance(error)) return false;
  if (
    [
      'validation',
      'auth',
      'permission',
      'config',
      'unsupported',
      'rate_limit',
      'conflict',
      'not_found',
    ].includes(error.code)
  ) {
    return true;
  }
  return error.status !== undefined && error.status >= 400 && error.status < 500;
}

function describe(error: unknown): { reason: string; code?: string } {
  if (GoalbridgeError.isInstance(error)) return { reason: error.message, code: error.code };
  return { reason: error instanceof Error ? error.message : String(error) };
}

class StopRun extends Error {
  readonly resetAt: Date | undefined;
  constructor(message: string, resetAt?: Date) {
    super(message);
    this.name = 'StopRun';
    this.resetAt = resetAt;
  }
}

/** Target goals taken by a source goal, shared between a stream's planner and the run that writes it. */
export interface TargetClaims {
  claim(id: string): void;
  isClaimed(id: string): boolean;
}

/** A plan whose items arrive as a stream (NDJSON import, streaming migrations). */
export interface PlanStream {
  source: string;
  target: string;
  items: AsyncIterable<PlanItem>;
  /**
   * What the planner has matched so far (its target index). A lost create's reconciliation then never takes a
   * goal planned for another source goal, and the planner never matches one the reconciliation took.
   */
  claims?: TargetClaims | undefined;
  /**
   * Why the items ended before the input did (e.g. an invalid line), asked once they have run out: the run then
   * ends as stopped, unless something else stopped it first.
   */
  stopped?: (() => string | undefined) | undefined;
}

export async function apply(
  plan: MigrationPlan | PlanStream,
  options: ApplyOptions,
): Promise<MigrationSummary> {
  const { target } = options;
  const idMap: IdMapStore = options.idMap ?? new MemoryIdMapStore();
  const keyOf = options.naturalKey ?? naturalKeyFor(target.capabilities);
  const stored = storedFields(target.capabilities);
  const maxAttempts = options.maxAttempts ?? 3;
  const listed = Array.isArray(plan.items) ? (plan.items as PlanItem[]) : undefined;
  const summary = new SummaryBuilder(plan.source, plan.target, listed?.length);
  const emit = options.onProgress ?? (() => {});
  const taken = (listed ?? []).flatMap((item) =>
    'targetId' in item && item.targetId ? [item.targetId] : [],
  );
  const shared = 'claims' in plan ? plan.claims : undefined;
  const reconciler = new Reconciler(target, keyOf, idMap, taken, shared, stored);
  const stop = new AbortController();
  // A spent budget stops taking new work (`signal`); writes already sent still get their answers, so nothing
  // they did becomes unknown. Only the caller's own signal (Ctrl-C) cuts requests short.
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const requests = options.signal ?? new AbortController().signal;
  const writes = listed?.filter((item) => item.action === 'create' || item.action === 'update').length;
  const deferred: Deferral[] = [];
  const creating: CreateContext = {
    target,
    idMap,
    reconciler,
    written: new Set(),
    running: new Map(),
    maxAttempts,
    signal: requests,
    defer: (deferral) => deferred.push(deferral),
  };
  emit({ type: 'start', total: listed?.length, writes });

  const record = (item: PlanItem, outcome: ItemOutcome, extra: RecordExtra = {}) => {
    summary.add(item, outcome, extra);
    const { warnings: _warnings, code: _code, ...event } = extra;
    emit({ type: 'item', source: item.source, title: item.title, outcome, ...event });
  };

  /**
   * A source listed again after this run wrote it (inputs concatenated). The same content is nothing to do.
   * Other content is not written over the first: the same id may name goals of two accounts of one provider,
   * so which one is meant cannot be known — the item fails, naming both, and nothing is lost.
   */
  const writeAgain = async (item: CreateItem, targetId: string): Promise<void> => {
    if (!target.capabilities.operations.includes('get')) return recordRepeat(item, targetId, []);
    const current = await withAttempts(maxAttempts, requests, () =>
      target.get(targetId, { signal: requests }),
    );
    return recordRepeat(item, targetId, repeatDifferences(item, current, stored));
  };

  /** A source listed again: unchanged when it agrees with its first listing, else left out as a conflict. */
  const recordRepeat = (item: PlanItem, targetId: string, differing: readonly string[]) => {
    if (differing.length === 0)
      return record(item, 'unchanged', { targetId, reason: 'listed again: written earlier in this run' });
    return record(item, 'failed', {
      targetId,
      code: 'conflict',
      reason:
        `${listedTwiceReason(item.source, differing)}; the first was written as ${targetId}, this one was ` +
        'left out (exports of two accounts of one provider share ids: import them apart)',
    });
  };

  /** Sources whose goal the target held already, by their first listing: a later one is judged against it. */
  const repeats = new RepeatedSources();
  /** Whether each such first listing went through: a later one waits to know. */
  const firstOutcomes = new Map<string, Promise<boolean>>();

  /** Registers a first listing; what it returns tells the later listings of its source whether it went through. */
  const firstListing = (source: string): ((written: boolean) => void) => {
    let settle: (written: boolean) => void = () => {};
    firstOutcomes.set(source, new Promise((resolve) => (settle = resolve)));
    return settle;
  };

  /** A later listing: judged against the first once it went through; left out when the first failed. */
  const repeatOfHeld = async (item: PlanItem & { targetId: string }, differing: readonly string[]) => {
    if (await firstOutcomes.get(item.source)) return recordRepeat(item, item.targetId, differing);
    // A stop (Ctrl-C, a spent budget) ended the first: this one is left for the next run, not failed.
    if (signal.aborted) throw signal.reason;
    return record(item, 'failed', {
      targetId: item.targetId,
      reason: `${item.source} came again in this input after its first listing failed; this one was left out`,
    });
  };

  const handle = async (item: PlanItem, resume?: Deferral): Promise<void> => {
    // A first listing tells its later ones how it went only once through the catch below: a stop it caused
    // is known by then, so they are left for the next run rather than failed.
    let settleFirst: ((written: boolean) => void) | undefined;
    let written = false;
    // Every branch awaits what it returns: a rejection must reach the catch below and fail the item alone.
    try {
      switch (item.action) {
        case 'skip':
          return record(item, 'skipped', { reason: item.reason });
        case 'invalid':
          return record(item, 'failed', {
            reason: formatIssues(item.issues, 'goal'),
            code: 'validation',
          });
        case 'unchanged': {
          const again = repeats.differences(item);
          if (again) return await repeatOfHeld(item, again);
          settleFirst = firstListing(item.source);
          reconciler.claim(item.targetId);
          // Before any wait: a later listing planned as a create is a repeat from now on.
          creating.written.add(item.source);
          await remember(idMap, item.source, target.provider, item.targetId, item.key);
          written = true;
          return record(item, 'unchanged', { targetId: item.targetId });
        }
        case 'create': {
          const result = await createOnce(item, creating, resume);
          // Set aside until the target has been read again; its round records it.
          if (!result) return;
          if (result.again) return await writeAgain(item, result.targetId);
          return record(item, 'created', {
            targetId: result.targetId,
            recovered: result.recovered,
            warnings: result.warnings,
          });
        }
        case 'update': {
          const again = repeats.differences(item);
          if (again) return await repeatOfHeld(item, again);
          settleFirst = firstListing(item.source);
          reconciler.claim(item.targetId);
          const result = await withAttempts(maxAttempts, requests, () =>
            target.update(item.targetId, item.patch, { signal: requests }),
          );
          await remember(idMap, item.source, target.provider, item.targetId, item.key);
          creating.written.add(item.source);
          written = true;
          return record(item, 'updated', { targetId: item.targetId, warnings: result.warnings });
        }
      }
    } catch (error) {
      const spent = spentDailyBudget(error);
      if (spent) stop.abort(new StopRun(spent.message, spent.resetAt));
      if (signal.aborted) throw signal.reason;
      record(item, 'failed', describe(error));
    } finally {
      settleFirst?.(written);
    }
  };

  let stoppedBy: string | undefined;
  const stopRun = (reason: string, resetAt?: Date) => {
    stoppedBy = reason;
    summary.stop(reason, resetAt);
    emit({ type: 'stopped', reason, ...(resetAt ? { resetAt: resetAt.toISOString() } : {}) });
  };
  try {
    const concurrency = options.concurrency ?? 4;
    await runPool(plan.items, concurrency, signal, (item) => handle(item));
    for (let round = 1; deferred.length > 0; round++) {
      const batch = deferred.splice(0);
      await sleep(backoffDelay(round, RETRY_BACKOFF), signal);
      await runPool(batch, concurrency, signal, (deferral) => handle(deferral.item, deferral));
    }
  } catch (error) {
    const reason =
      error instanceof StopRun
        ? error.message
        : options.signal?.aborted
          ? 'stopped before finishing'
          : undefined;
    if (reason === undefined) throw error;
    const resetAt = error instanceof StopRun ? error.resetAt : undefined;
    stopRun(reason, resetAt);
  }
  const endedEarly = stoppedBy === undefined && 'stopped' in plan ? plan.stopped?.() : undefined;
  if (endedEarly !== undefined) stopRun(endedEarly);
  const result = summary.build();
  emit({ type: 'done', summary: result });
  return result;
}

interface RecordExtra {
  targetId?: string;
  reason?: string;
  code?: string;
  recovered?: boolean;
  warnings?: MappingWarning[];
}

async function remember(
  idMap: IdMapStore,
  source: string,
  target: string,
  targetId: string,
  key: string,
): Promise<void> {
  const entry = await idMap.get(source, target);
  if (entry?.state === 'done' && entry.targetId === targetId) return;
  await idMap.set({ source, target, state: 'done', targetId, key, at: new Date().toISOString() });
}

/** Backoff between attempts of one write, and between rounds of set-aside creates. */
const RETRY_BACKOFF = { baseDelayMs: 200, maxDelayMs: 5000 };

type CreateItem = Extract<PlanItem, { action: 'create' }>;

/** A create that may have landed, set aside until a read of the target that starts after `ticket`. */
interface Deferral {
  item: CreateItem;
  /** The attempt to make if the target does not hold it. */
  attempt: number;
  ticket: number;
}

interface CreateContext {
  target: GoalAdapter;
  idMap: IdMapStore;
  reconciler: Reconciler;
  /**
   * Sources this run has written, or found unchanged: one listed again (concatenated inputs) is a repeat, never
   * counted as created.
   */
  written: Set<string>;
  /** The create running for each source: a source listed twice waits for the first to be recorded. */
  running: Map<string, Promise<void>>;
  maxAttempts: number;
  signal: AbortSignal;
  defer: (deferral: Deferral) => void;
}

interface CreateResult {
  targetId: string;
  /** Created by an earlier attempt or run, whose answer was lost. */
  recovered: boolean;
  /** The source came earlier in this run and was written then. */
  again?: boolean;
  warnings: MappingWarning[];
}

/**
 * Creates a goal at most once, reading the target whenever an earlier attempt may have succeeded. Such a
 * read is not made at once: the create is handed to `context.defer` (the result is then `undefined`) and
 * resumed later with `resume`, when one read answers many of these questions.
 */
async function createOnce(
  item: CreateItem,
  context: CreateContext,
  resume?: Deferral,
): Promise<CreateResult | undefined> {
  return oneAtATime(context.running, item.source, () => createUnlocked(item, context, resume));
}

/** Runs `work` after every earlier call with the same key has finished. */
async function oneAtATime<T>(
  running: Map<string, Promise<void>>,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const result = (running.get(key) ?? Promise.resolve()).then(work);
  // The next caller's turn comes when this work has finished, whether it succeeded or failed.
  const turn = result.then(
    () => {},
    () => {},
  );
  running.set(key, turn);
  try {
    return await result;
  } finally {
    if (running.get(key) === turn) running.delete(key);
  }
}

async function createUnlocked(
  item: CreateItem,
  context: CreateContext,
  resume?: Deferral,
): Promise<CreateResult | undefined> {
  const { target, idMap, reconciler, signal } = context;
  const done = (result: CreateResult): CreateResult => {
    context.written.add(item.source);
    return result;
  };
  const base: Omit<IdMapEntry, 'state' | 'at'> = {
    source: item.source,
    target: target.provider,
    key: item.key,
  };
  const entry = await idMap.get(item.source, target.provider);
  // Done already (an earlier attempt or run), unless it names the goal the plan found deleted in the target.
  if (entry?.state === 'done' && entry.targetId && entry.targetId !== item.replaces) {
    const again = context.written.has(item.source);
    return { targetId: entry.targetId, recovered: !again, again, warnings: [] };
  }
  let maybeCreated = entry?.state === 'pending';
  let ticket = resume?.ticket;
  if (maybeCreated && !resume) {
    // An earlier run stopped while this create was in flight.
    context.defer({ item, attempt: 1, ticket: reconciler.ask() });
    return undefined;
  }

  for (let attempt = resume?.attempt ?? 1; ; attempt++) {
    if (maybeCreated) {
      const found = await reconciler.find(item, signal, ticket);
      ticket = undefined;
      if (found) {
        await idMap.set({ ...base, state: 'done', targetId: found, at: new Date().toISOString() });
        return done({ targetId: found, recovered: true, warnings: [] });
      }
    }
    await idMap.set({ ...base, state: 'pending', at: new Date().toISOString() });
    try {
      const { goal, warnings, recovered } = await target.create(item.input, { signal });
      reconciler.claim(goal.id);
      await idMap.set({ ...base, state: 'done', targetId: goal.id, at: new Date().toISOString() });
      return done({ targetId: goal.id, recovered: recovered === true, warnings });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const notApplied = certainlyNotApplied(error);
      const retryable = !notApplied || (GoalbridgeError.isInstance(error) && error.retryable);
      if (!retryable || attempt >= context.maxAttempts || spentDailyBudget(error)) {
        if (!notApplied) {
          // Last chance: the write may have landed even though every answer was lost.
          const found = await reconciler.find(item, signal).catch(() => undefined);
          if (found) {
            await idMap.set({ ...base, state: 'done', targetId: found, at: new Date().toISOString() });
            return done({ targetId: found, recovered: true, warnings: [] });
          }
        }
        throw error;
      }
      if (!notApplied) {
        context.defer({ item, attempt: attempt + 1, ticket: reconciler.ask() });
        return undefined;
      }
      maybeCreated = false;
      await sleep(backoffDelay(attempt, RETRY_BACKOFF), signal);
    }
  }
}

async function withAttempts<T>(maxAttempts: number, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const retryable = GoalbridgeError.isInstance(error) && error.retryable && !spentDailyBudget(error);
      if (!retryable || attempt >= maxAttempts || signal.aborted) throw error;
      await sleep(backoffDelay(attempt, RETRY_BACKOFF), signal);
    }
  }
}

/** Runs `work` over `items` (a list or a stream) with at most `concurrency` in flight; the first error stops it. */
async function runPool<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  let pulling: Promise<unknown> = Promise.resolve();
  // Pulls are serialized: async generators must not be advanced concurrently.
  const pull = (): Promise<IteratorResult<T>> => {
    const next = pulling.then(() => iterator.next());
    pulling = next.catch(() => undefined);
    return next;
  };
  const worker = async () => {
    while (!failure) {
      if (signal.aborted) {
        failure ??= { error: signal.reason };
        return;
      }
      let next: IteratorResult<T>;
      try {
        // A stream may wait long for its next item (stdin): a stop must not wait with it.
        next = await untilAborted(pull(), signal);
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure) {
    // Closing a stream still waiting for its next item would wait as long: after a stop it closes on its own.
    const closing = pulling.then(() => iterator.return?.());
    if (!signal.aborted) await closing;
    else closing.catch(() => undefined);
    throw failure.error;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * Finds the target goal a lost create produced. Only a read of the target that starts after the question was
 * asked can answer it; a question takes a ticket (`ask`) and is answered by the latest read started since —
 * running or done — or else by the next one, which every question waiting meanwhile shares. A round of
 * set-aside creates therefore costs one listing, not one each.
 */
class Reconciler {
  readonly #target: GoalAdapter;
  readonly #keyOf: NaturalKeyFunction;
  readonly #stored: readonly GoalField[];
  readonly #idMap: IdMapStore;
  readonly #claimed: Set<string>;
  readonly #shared: TargetClaims | undefined;
  /** The ID map's target goals, read when first needed: most runs never lose an answer. */
  #mapped: Promise<void> | undefined;
  /** Reads started so far; the n-th read has number n. */
  #started = 0;
  #running: { number: number; index: Promise<Map<string, Goal[]>> } | undefined;
  #latest: { number: number; index: Map<string, Goal[]> } | undefined;
  #queued: Promise<Map<string, Goal[]>> | undefined;

  constructor(
    target: GoalAdapter,
    keyOf: NaturalKeyFunction,
    idMap: IdMapStore,
    taken: Iterable<string>,
    shared: TargetClaims | undefined,
    stored: readonly GoalField[],
  ) {
    this.#target = target;
    this.#keyOf = keyOf;
    this.#stored = stored;
    this.#idMap = idMap;
    this.#claimed = new Set(taken);
    this.#shared = shared;
  }

  /** Marks a target goal as another source goal's: no lost create is ever matched to it. */
  claim(id: string): void {
    this.#claimed.add(id);
    this.#shared?.claim(id);
  }

  #isClaimed(id: string): boolean {
    return this.#claimed.has(id) || this.#shared?.isClaimed(id) === true;
  }

  async #claimMapped(): Promise<void> {
    for (const entry of await this.#idMap.entries(this.#target.provider))
      if (entry.targetId) this.#claimed.add(entry.targetId);
  }

  /** A ticket for a question asked now: reads numbered above it started later. */
  ask(): number {
    return this.#started;
  }

  /** The unclaimed target goal that holds exactly what `item` wrote, from a read started after `ticket`. */
  async find(item: CreateItem, signal: AbortSignal, ticket = this.ask()): Promise<string | undefined> {
    const index = await this.#readAfter(ticket, signal);
    this.#mapped ??= this.#claimMapped();
    await this.#mapped;
    const goal = index
      .get(item.key)
      ?.find(
        (candidate) =>
          !this.#isClaimed(candidate.id) &&
          Object.keys(diffGoal(item.input, candidate, this.#stored, item.unstored)).length === 0,
      );
    if (goal) this.claim(goal.id);
    return goal?.id;
  }

  #readAfter(ticket: number, signal: AbortSignal): Promise<Map<string, Goal[]>> {
    if (this.#latest && this.#latest.number > ticket) return Promise.resolve(this.#latest.index);
    const running = this.#running;
    if (!running) return this.#start(signal);
    if (running.number > ticket) return running.index;
    this.#queued ??= running.index
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.#start(signal);
      });
    return this.#queued;
  }

  #start(signal: AbortSignal): Promise<Map<string, Goal[]>> {
    const number = ++this.#started;
    const index = this.#read(signal)
      .then((read) => {
        if (!this.#latest || this.#latest.number < number) this.#latest = { number, index: read };
        return read;
      })
      .finally(() => {
        if (this.#running?.number === number) this.#running = undefined;
      });
    this.#running = { number, index };
    return index;
  }

  async #read(signal: AbortSignal): Promise<Map<string, Goal[]>> {
    const index = new Map<string, Goal[]>();
    for await (const goal of this.#target.list({ signal })) {
      const key = this.#keyOf(toGoalInput(goal));
      const list = index.get(key);
      if (list) list.push(goal);
      else index.set(key, [goal]);
    }
    for (const list of index.values()) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return index;
  }
}
