/**
 * The Singer export checked against the Singer message spec (https://hub.meltano.com/singer/spec): SCHEMA,
 * RECORD and STATE messages with their required fields, and every RECORD valid against the SCHEMA it follows.
 */
import {
  createMemoryAdapter,
  exportSinger,
  type Goal,
  type SingerOptions,
  type SingerState,
} from '@goalbridge/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);

// Transcribed from the Singer specification, "Messages" section.
const messageSchemas = {
  SCHEMA: {
    type: 'object',
    required: ['type', 'stream', 'schema', 'key_properties'],
    properties: {
      type: { const: 'SCHEMA' },
      stream: { type: 'string', minLength: 1 },
      schema: { type: 'object' },
      key_properties: { type: 'array', items: { type: 'string' } },
      bookmark_properties: { type: 'array', items: { type: 'string' } },
    },
  },
  RECORD: {
    type: 'object',
    required: ['type', 'stream', 'record'],
    properties: {
      type: { const: 'RECORD' },
      stream: { type: 'string', minLength: 1 },
      record: { type: 'object' },
      time_extracted: { type: 'string', format: 'date-time' },
    },
  },
  STATE: { type: 'object', required: ['type', 'value'], properties: { type: { const: 'STATE' }, value: {} } },
} as const;
const validators = Object.fromEntries(
  Object.entries(messageSchemas).map(([type, schema]) => [type, ajv.compile(schema)]),
);

async function messages(goals = 12, options: Parameters<typeof exportSinger>[1] = {}) {
  const adapter = createMemoryAdapter({
    provider: 'pipedrive',
    now: (() => {
      let t = Date.parse('2026-01-01T00:00:00Z');
      return () => (t += 60_000);
    })(),
    goals: Array.from({ length: goals }, (_, i) => ({
      title: `Goal ${i}`,
      owners: [{ type: 'person', id: String(i) }],
      measure: { kind: 'money' as const, metric: 'deals_won', scope: { pipelineIds: null } },
      target: { value: `${i}.5`, currency: 'EUR' },
      schedule: { start: '2026-01-01', end: null },
    })),
  });
  const lines: string[] = [];
  for await (const line of exportSinger(adapter.list(), { stateEvery: 5, ...options })) lines.push(line);
  return lines.map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
}

/** Goals as a listing yields them, with the `updatedAt` each had when read. */
async function* listed(...updatedAts: string[]): AsyncGenerator<Goal> {
  const adapter = createMemoryAdapter({ provider: 'pipedrive' });
  const measure = { kind: 'count' as const, metric: 'deals_won' };
  const { goal } = await adapter.create({ title: 'G', measure, target: { value: '1' } });
  for (const [i, updatedAt] of updatedAts.entries()) yield { ...goal, id: `g${i}`, updatedAt };
}

async function finalBookmark(goals: AsyncIterable<Goal>, started: string, state?: SingerOptions['state']) {
  const lines: string[] = [];
  for await (const line of exportSinger(goals, { now: () => new Date(started), state })) lines.push(line);
  const last = JSON.parse(lines.at(-1) as string) as { value: SingerState };
  return last.value.bookmarks.goals?.updatedAt;
}

describe('Singer export', () => {
  it("never moves the bookmark past the run's start (less 10 minutes for clocks): a goal edited while the export ran is sent again", async () => {
    // Started 10:04; g0 was sent, then edited at 10:05; g1 was edited at 10:06, before it was read.
    expect(
      await finalBookmark(
        listed('2026-01-01T10:00:00.000Z', '2026-01-01T10:06:00.000Z'),
        '2026-01-01T10:04:00Z',
      ),
    ).toBe('2026-01-01T09:54:00.000Z');
    // Goals older than that: the newest sent, as before.
    expect(
      await finalBookmark(
        listed('2026-01-01T08:00:00.000Z', '2026-01-01T09:00:00.000Z'),
        '2026-01-01T10:04:00Z',
      ),
    ).toBe('2026-01-01T09:00:00.000Z');
    // And never behind the bookmark the run began from.
    const since = { bookmarks: { goals: { count: 1, updatedAt: '2026-01-01T10:00:00.000Z' } } };
    expect(await finalBookmark(listed('2026-01-01T10:06:00.000Z'), '2026-01-01T10:04:00Z', since)).toBe(
      '2026-01-01T10:00:00.000Z',
    );
  });

  it('writes one message per line, each valid under the Singer spec', async () => {
    const all = await messages();
    for (const message of all) {
      const validate = validators[message.type];
      expect(validate, `unknown message type ${message.type}`).toBeDefined();
      expect(validate?.(message), JSON.stringify(validate?.errors)).toBe(true);
    }
    expect(all.map((m) => m.type)).toEqual([
      'SCHEMA',
      ...'RRRRRS RRRRRS RRS'
        .replaceAll(' ', '')
        .split('')
        .map((c) => (c === 'R' ? 'RECORD' : 'STATE')),
    ]);
  });

  it('every RECORD validates against the SCHEMA message', async () => {
    const [schema, ...rest] = await messages();
    const validate = ajv.compile(schema?.schema as object);
    const records = rest.filter((m) => m.type === 'RECORD');
    expect(records).toHaveLength(12);
    for (const record of records) expect(validate(record.record), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...(records[0]?.record as object), target: { value: 12.5 } })).toBe(false);
  });

  it('bookmarks the newest updatedAt and resumes incrementally from a state', async () => {
    const first = await messages(6);
    const state = first.at(-1)?.value as SingerState;
    expect(state.bookmarks.goals?.count).toBe(6);
    expect(state.bookmarks.goals?.updatedAt).toBe('2026-01-01T00:06:00.000Z');
    const onlyNewer = await messages(6, {
      state: { bookmarks: { goals: { count: 6, updatedAt: '2026-01-01T00:04:00.000Z' } } },
    });
    // Goal 3 was updated at the bookmark's instant: sent again, as another goal may share that second.
    expect(
      onlyNewer.filter((m) => m.type === 'RECORD').map((m) => (m.record as { title: string }).title),
    ).toEqual(['Goal 3', 'Goal 4', 'Goal 5']);
  });

  it('moves the bookmark only in the last STATE: goals do not arrive in update order', async () => {
    const start = { bookmarks: { goals: { count: 0, updatedAt: '2025-06-01T00:00:00.000Z' } } };
    const all = await messages(12, { state: start });
    const states = all.filter((m) => m.type === 'STATE').map((m) => (m.value as SingerState).bookmarks.goals);
    expect(states.slice(0, -1).map((bookmark) => bookmark?.updatedAt)).toEqual([
      '2025-06-01T00:00:00.000Z',
      '2025-06-01T00:00:00.000Z',
    ]);
    expect(states.at(-1)?.updatedAt).toBe('2026-01-01T00:12:00.000Z');
  });

  it('takes an empty state, as runners pass before the first run, for a full export', async () => {
    const all = await messages(3, { state: {} });
    expect(all.filter((m) => m.type === 'RECORD')).toHaveLength(3);
  });
});
