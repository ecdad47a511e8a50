/**
 * Singer tap output: a SCHEMA message, one RECORD per goal and STATE messages with a bookmark, so an export
 * runs as a tap in Singer/Meltano pipelines (https://hub.meltano.com/singer/spec).
 */
import * as z from 'zod';
import { type Goal, GoalSchema } from '../model/goal.ts';

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

export interface SingerOptions {
  /** A previous run's state: records updated at or before its bookmark are left out (incremental sync). */
  state?: SingerState | undefined;
  /** Emit a STATE message every this many records. Default 500. */
  stateEvery?: number;
  now?: () => Date;
}

/** The Singer messages for a stream of goals, one JSON line each. */
export async function* exportSinger(
  goals: AsyncIterable<Goal>,
  options: SingerOptions = {},
): AsyncGenerator<string> {
  const now = options.now ?? (() => new Date());
  const since = options.state?.bookmarks[SINGER_STREAM]?.updatedAt;
  const every = options.stateEvery ?? 500;
  const line = (message: SingerMessage) => `${JSON.stringify(message)}\n`;
  yield line({
    type: 'SCHEMA',
    stream: SINGER_STREAM,
    schema: goalJsonSchema(),
    key_properties: ['provider', 'id'],
    bookmark_properties: ['updatedAt'],
  });
  let count = 0;
  let bookmark = since;
  const state = (): SingerMessage => ({
    type: 'STATE',
    value: { bookmarks: { [SINGER_STREAM]: { count, ...(bookmark ? { updatedAt: bookmark } : {}) } } },
  });
  for await (const goal of goals) {
    if (since && goal.updatedAt && goal.updatedAt <= since) continue;
    yield line({ type: 'RECORD', stream: SINGER_STREAM, record: goal, time_extracted: now().toISOString() });
    count++;
    if (goal.updatedAt && (!bookmark || goal.updatedAt > bookmark)) bookmark = goal.updatedAt;
    if (count % every === 0) yield line(state());
  }
  yield line(state());
}
