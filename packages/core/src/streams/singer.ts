/**
 * Singer tap output: a SCHEMA message, one RECORD per goal and STATE messages with a bookmark, so an export
 * runs as a tap in Singer/Meltano pipelines (https://hub.meltano.com/singer/spec).
 */
import * as z from 'zod';
import { type Goal, GoalSchema, IsoDateTimeSchema } from '../model/goal.ts';
import { parseOrThrow } from '../model/validate.ts';

export const SINGER_STREAM = 'goals';

export interface SingerState {
  bookmarks: { [SINGER_STREAM]?: { updatedAt?: string; count: number } };
}

export type SingerMessage =
  | {
      type: 'SCHEMA';
      stream: string;
      schema: Record<string, unknown>;
      key_properties: string[];
      bookmark_properties?: string[];
    }
  | { type: 'RECORD'; stream: string; record: Goal; time_extracted: string }
  | { type: 'STATE'; value: SingerState };

/** JSON Schema of an exported goal record. */
export function goalJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(GoalSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
}

/**
 * A state as read back: only the bookmark is used, and it must be a datetime — a garbled one would compare
 * as text against every goal's and silently leave them all out. `count` is informative and not read. An
 * empty state (`{}`), as Singer runners pass before the first run, means no bookmark: a full export.
 */
const SingerStateSchema = z
  .looseObject({
    bookmarks: z
      .object({ [SINGER_STREAM]: z.object({ updatedAt: IsoDateTimeSchema.optional() }).optional() })
      .optional(),
  })
  // The last line of a run is a whole message, {"type": "STATE", "value": …}: given as it is, its bookmark
  // would be missed and every goal sent again.
  .refine((state) => !(state.type === 'STATE' && 'value' in state), {
    path: ['type'],
    message: 'a whole STATE message: give its "value"',
  });

export interface SingerOptions {
  /**
   * A previous run's state: records updated before its bookmark are left out (incremental sync); those updated
   * at the bookmark's instant are sent again, since another goal may have changed within the same second (the
   * target upserts by `key_properties`). One that is not a Singer state (e.g. a bookmark that is not a
   * datetime) is a ValidationError from the call.
   */
  state?: SingerState | Record<string, never> | undefined;
  /**
   * Emit a STATE message every this many records. Default 500. Goals do not arrive in update order, so these
   * repeat the bookmark the run started from; only the last STATE, after every record, moves it.
   */
  stateEvery?: number;
  now?: () => Date;
}

/** The Singer messages for a stream of goals, one JSON line each. A bad state throws now, before any read. */
export function exportSinger(
  goals: AsyncIterable<Goal>,
  options: SingerOptions = {},
): AsyncGenerator<string> {
  return singerMessages(goals, bookmarkOf(options.state), options);
}

/** The state's bookmark, in UTC like the goals' `updatedAt` it is compared with. */
function bookmarkOf(state: SingerOptions['state']): string | undefined {
  if (state === undefined) return undefined;
  const { bookmarks } = parseOrThrow(SingerStateSchema, state, { subject: 'Singer state' });
  return bookmarks?.[SINGER_STREAM]?.updatedAt;
}

async function* singerMessages(
  goals: AsyncIterable<Goal>,
  since: string | undefined,
  options: SingerOptions,
): AsyncGenerator<string> {
  const now = options.now ?? (() => new Date());
  const every = options.stateEvery ?? 500;
  const line = (message: SingerMessage) => `${JSON.stringify(message)}\n`;
  yield line({
    type: 'SCHEMA',
    stream: SINGER_STREAM,
    schema: goalJsonSchema(),
    key_properties: ['provider', 'id'],
    bookmark_properties: ['updatedAt'],
  });
  const started = now().getTime();
  let count = 0;
  let latest = since;
  const state = (bookmark: string | undefined): SingerMessage => ({
    type: 'STATE',
    value: { bookmarks: { [SINGER_STREAM]: { count, ...(bookmark ? { updatedAt: bookmark } : {}) } } },
  });
  for await (const goal of goals) {
    if (since && goal.updatedAt && goal.updatedAt < since) continue;
    yield line({ type: 'RECORD', stream: SINGER_STREAM, record: goal, time_extracted: now().toISOString() });
    count++;
    if (goal.updatedAt && (!latest || goal.updatedAt > latest)) latest = goal.updatedAt;
    // A run stopped after this message resumes from it: it must not pass goals not yet sent.
    if (count % every === 0) yield line(state(since));
  }
  yield line(state(finalBookmark(since, latest, started)));
}

/** How far the provider's clock may run behind ours. */
const CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * The bookmark a finished run leaves: the newest `updatedAt` sent, but never later than the run's start (less
 * the clock margin) — a goal sent early and edited while later pages were read carries an `updatedAt` below
 * the newest, and must be sent again — nor earlier than the bookmark the run began from.
 */
function finalBookmark(since: string | undefined, latest: string | undefined, started: number) {
  const cap = new Date(started - CLOCK_MARGIN_MS).toISOString();
  if (latest === undefined || latest <= cap) return latest;
  return since !== undefined && since > cap ? since : cap;
}
