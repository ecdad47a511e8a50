import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryAdapter } from '../src/memory/memory-adapter.ts';
import type { GoalInputDraft } from '../src/model/goal.ts';
import { FileIdMapStore } from '../src/node/file-id-map-store.ts';
import { MAX_LINE_BYTES, readLines, splitLines } from '../src/streams/lines.ts';
import {
  exportNdjson,
  GOAL_RECORD_SCHEMA,
  InvalidLineError,
  importNdjson,
  readNdjson,
} from '../src/streams/ndjson.ts';
import type { ApplyEvent } from '../src/sync/apply.ts';
import { MemoryIdMapStore } from '../src/sync/id-map.ts';

function goal(n: number): GoalInputDraft {
  return {
    title: `Goal ${n} — ünïcødé ✓`,
    owners: [{ type: 'person', id: String(n) }],
    measure: { kind: 'money', metric: 'deals_won', scope: { pipelineIds: [n] } },
    target: { value: `${n}.05`, currency: 'EUR' },
    schedule: { start: '2026-01-01', end: null, recurrence: 'weekly' },
    extensions: { pipedrive: { reportIds: [`r${n}`] } },
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('splitLines', () => {
  it('splits across chunk borders, multi-byte characters and CRLF, keeping a last line without newline', async () => {
    const bytes = new TextEncoder().encode('a✓b\r\nsecond\n\nlast');
    const chunks = [bytes.slice(0, 2), bytes.slice(2, 3), bytes.slice(3, 9), bytes.slice(9)];
    expect(
      await collect(
        splitLines(
          (async function* () {
            yield* chunks;
          })(),
        ),
      ),
    ).toEqual(['a✓b', 'second', '', 'last']);
  });

  it('names a line that is not UTF-8 instead of patching it with U+FFFD', async () => {
    const latin1 = Uint8Array.from([0x52, 0x65, 0x6e, 0xe9]); // "René" in Latin-1
    const lines = async function* () {
      yield new TextEncoder().encode('first\n');
      yield latin1;
      yield new TextEncoder().encode('\nthird: \uFFFD is fine when written as UTF-8\n');
    };
    expect(await collect(readLines(lines()))).toEqual([
      { text: 'first' },
      { invalidUtf8: true },
      { text: 'third: \uFFFD is fine when written as UTF-8' },
    ]);
    await expect(collect(splitLines(lines()))).rejects.toThrow('line 2 is not valid UTF-8');
  });

  it('skips a line longer than MAX_LINE_BYTES without holding it, in bytes or text, at its end or mid-stream', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x61); // 1 MiB of "a", no newline
    const bytes = async function* () {
      yield new TextEncoder().encode('first\n');
      for (let i = 0; i <= MAX_LINE_BYTES / chunk.length; i++) yield chunk;
      yield new TextEncoder().encode('\nlast');
    };
    expect(await collect(readLines(bytes()))).toEqual([
      { text: 'first' },
      { tooLong: true },
      { text: 'last' },
    ]);
    await expect(collect(splitLines(bytes()))).rejects.toThrow(
      `line 2 is longer than ${MAX_LINE_BYTES} bytes`,
    );
    expect((await collect(readNdjson(bytes())))[1]).toEqual({
      line: 2,
      issues: [{ path: '', message: 'longer than 16 MiB: nothing of it is read' }],
    });
    // As text, and as the last line of the input.
    const text = 'b'.repeat(1024 * 1024);
    const texts = async function* () {
      yield 'first\n';
      for (let i = 0; i <= MAX_LINE_BYTES / text.length; i++) yield text;
    };
    expect(await collect(readLines(texts()))).toEqual([{ text: 'first' }, { tooLong: true }]);
    // A whole line in one text chunk is measured too, in UTF-8 bytes ("é" is two).
    const wide = 'é'.repeat(MAX_LINE_BYTES / 2 + 1);
    expect(await collect(readLines([`${'x'.repeat(MAX_LINE_BYTES + 1)}\nnext\n`, `${wide}\n`]))).toEqual([
      { tooLong: true },
      { text: 'next' },
      { tooLong: true },
    ]);
    // A long line under the cap leaves the text that follows as text: a pair of surrogates split between
    // two chunks stays one character.
    const long = 'y'.repeat(6_000_000);
    const after = await collect(readLines([long, '\n', 'a\uD83D', '\uDE00b\n']));
    expect(after.map((read) => ('text' in read ? read.text.length : read))).toEqual([6_000_000, 4]);
    expect(after[1]).toEqual({ text: 'a😀b' });
    // A line of exactly the cap is read like any other.
    const under = new Uint8Array(MAX_LINE_BYTES).fill(0x63);
    expect(
      (await collect(readLines([under]))).map((read) => ('text' in read ? read.text.length : read)),
    ).toEqual([MAX_LINE_BYTES]);
  });

  it('keeps a line split between text and byte chunks whole', async () => {
    const chunks = async function* () {
      yield 'one\ntw';
      yield new TextEncoder().encode('o ✓\nthree');
      yield '\r\n';
    };
    expect(await collect(splitLines(chunks()))).toEqual(['one', 'two ✓', 'three']);
  });

  it('drops a byte order mark that starts the input, as bytes or text, and keeps one anywhere else', async () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const bom = bytes('\uFEFF');
    const inputs: (string | Uint8Array)[][] = [
      ['\uFEFFa\n\uFEFFb\n'],
      ['\uFEFF', 'a\n\uFEFFb\n'],
      [bytes('\uFEFFa\n\uFEFFb\n')],
      // The mark split between chunks, and text that bytes continue.
      [bom.slice(0, 1), bom.slice(1), bytes('a\n\uFEFFb\n')],
      ['\uFEFF', bytes('a\n\uFEFFb\n')],
      ['', '\uFEFFa', '\n\uFEFFb\n'],
    ];
    for (const chunks of inputs) expect(await collect(splitLines(chunks))).toEqual(['a', '\uFEFFb']);
    // After a first line that is not text, the input has started.
    expect(await collect(readLines([Uint8Array.from([0xe9, 0x0a]), '\uFEFFb']))).toEqual([
      { invalidUtf8: true },
      { text: '\uFEFFb' },
    ]);
  });
});

/** One source goal's line, and its line again after its target changed: two listings of one source. */
async function twoListings(): Promise<[string, string]> {
  const from = createMemoryAdapter({ provider: 'src', goals: [goal(1)] });
  const [first] = await collect(exportNdjson(from.list()));
  await from.update((from.goals()[0] as { id: string }).id, { target: { value: '999', currency: 'EUR' } });
  const [edited] = await collect(exportNdjson(from.list()));
  return [first as string, edited as string];
}

describe('NDJSON', () => {
  it('exports one schema-versioned goal per line and imports them back unchanged', async () => {
    const from = createMemoryAdapter({ provider: 'pipedrive', goals: [1, 2, 3].map(goal) });
    const lines = await collect(exportNdjson(from.list()));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toMatchObject({ schema: GOAL_RECORD_SCHEMA, goal: { provider: 'pipedrive' } });
    }
    const to = createMemoryAdapter({ provider: 'pipedrive' });
    const summary = await importNdjson(lines, to);
    expect(summary.counts).toMatchObject({ created: 3, failed: 0 });
    const strip = ({ id: _i, createdAt: _c, updatedAt: _u, origin: _o, ...rest }: Record<string, unknown>) =>
      rest;
    expect(to.goals().map(strip)).toEqual(from.goals().map(strip));
    expect(to.goals()[0]?.origin).toEqual({ provider: 'pipedrive', id: 'mem-1' });
  });

  it('reads a file that starts with a byte order mark, opened as text or as bytes', async () => {
    const [line] = await collect(exportNdjson(createMemoryAdapter({ goals: [goal(1)] }).list()));
    const file = join(mkdtempSync(join(tmpdir(), 'goalbridge-bom-')), 'goals.ndjson');
    writeFileSync(file, `\uFEFF${line}${line}`);
    for (const encoding of ['utf8', undefined] as const) {
      const read = await collect(readNdjson(createReadStream(file, { encoding })));
      expect(read.map((entry) => ('goal' in entry ? entry.line : entry))).toEqual([1, 2]);
    }
    const to = createMemoryAdapter();
    expect((await importNdjson([`\uFEFF${line}`], to)).counts).toMatchObject({ created: 1, failed: 0 });
  });

  it('reports each bad line by number and imports the good ones', async () => {
    const good = (await collect(exportNdjson(createMemoryAdapter({ goals: [goal(1), goal(2)] }).list()))).map(
      (line) => line.trimEnd(),
    );
    const badGoal = JSON.stringify({
      schema: GOAL_RECORD_SCHEMA,
      goal: { ...JSON.parse(good[0] as string).goal, target: { value: '-1' } },
    });
    const input = [
      good[0] as string,
      '{"schema": "goalbridge/goal@1", "goal": ',
      '[1, 2]',
      '{"goal": {}}',
      badGoal,
      '',
      good[1] as string,
    ].join('\n');
    const read = await collect(readNdjson([input]));
    expect(
      read.map((entry) =>
        'goal' in entry ? `${entry.line}: ok` : `${entry.line}: ${entry.issues[0]?.path}`,
      ),
    ).toEqual(['1: ok', '2: ', '3: ', '4: schema', '5: goal.target.value', '7: ok']);
    const to = createMemoryAdapter();
    const summary = await importNdjson([input], to, { inputName: 'goals.ndjson' });
    expect(summary.counts).toMatchObject({ created: 2, failed: 4 });
    expect(summary.failures.map((failure) => failure.source)).toEqual([
      'goals.ndjson:2',
      'goals.ndjson:3',
      'goals.ndjson:4',
      'goals.ndjson:5',
    ]);
    expect(summary.failures[3]?.reason).toBe('goal.target.value: must not be negative');
    expect(to.goals()).toHaveLength(2);
  });

  it('stops at the first bad line when asked, writing nothing from it on', async () => {
    const lines = await collect(
      exportNdjson(createMemoryAdapter({ goals: [goal(1), goal(2), goal(3)] }).list()),
    );
    const to = createMemoryAdapter();
    const events: ApplyEvent[] = [];
    const error = await importNdjson([lines[0], 'oops\n', lines[1], lines[2]] as string[], to, {
      stopOnInvalid: true,
      inputName: 'in.ndjson',
      concurrency: 1,
      onProgress: (event) => events.push(event),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidLineError);
    expect((error as InvalidLineError).message).toMatch(/^in\.ndjson line 2: \(line\): not JSON/);
    expect(to.goals().map((g) => g.title)).toEqual(['Goal 1 — ünïcødé ✓']);
    // The run ends as stopped, said once, before `done`, and in the summary the error carries.
    const reason = 'in.ndjson line 2 is invalid; nothing from it on was written';
    const [stopped, done] = events.slice(-2);
    expect(stopped).toEqual({ type: 'stopped', reason });
    expect(done?.type === 'done' && done.summary.stopped).toEqual({ reason });
    expect(events.filter((event) => event.type === 'stopped')).toHaveLength(1);
    expect((error as InvalidLineError).summary?.stopped).toEqual({ reason });
  });

  it('reports a line saved in another encoding by its number and imports the others', async () => {
    const lines = await collect(
      exportNdjson(createMemoryAdapter({ provider: 'src', goals: [1, 2, 3].map(goal) }).list()),
    );
    const bytes = lines.map((line) => new TextEncoder().encode(line));
    // The second line as Latin-1: every character of it one byte, "ü" and friends not UTF-8.
    bytes[1] = Uint8Array.from([...(lines[1] as string)].map((char) => char.charCodeAt(0) & 0xff));
    const to = createMemoryAdapter();
    const events: unknown[] = [];
    const summary = await importNdjson(bytes, to, {
      inputName: 'goals.ndjson',
      onProgress: (event) => events.push(event),
    });
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 });
    expect(events).toContainEqual(
      expect.objectContaining({
        source: 'goals.ndjson:2',
        outcome: 'failed',
        reason: 'goal: not UTF-8 text (saved in another encoding?): nothing of it is read',
      }),
    );
    expect(to.goals().map((g) => g.title)).toEqual(['Goal 1 — ünïcødé ✓', 'Goal 3 — ünïcødé ✓']);
  });

  it('reports a line with an instant beyond any calendar by its number, importing the others', async () => {
    const line = (createdAt: unknown) =>
      `${JSON.stringify({ schema: GOAL_RECORD_SCHEMA, goal: { id: `g-${createdAt}`, provider: 'src', title: `T ${createdAt}`, owners: [], measure: { kind: 'count', metric: 'calls' }, target: null, schedule: {}, status: 'active', extensions: {}, createdAt } })}\n`;
    const to = createMemoryAdapter();
    const summary = await importNdjson(
      [line('2025-01-01T00:00:00Z'), line(9e15), line(1_750_000_000_000)],
      to,
    );
    expect(summary.counts).toMatchObject({ created: 2, failed: 1 });
  });

  it('counts a goal listed twice in one input (files concatenated) as written once', async () => {
    const lines = await collect(
      exportNdjson(createMemoryAdapter({ provider: 'src', goals: [1, 2, 3].map(goal) }).list()),
    );
    const to = createMemoryAdapter();
    const summary = await importNdjson([...lines, ...lines], to, { idMap: new MemoryIdMapStore() });
    expect([summary.counts.created, summary.counts.unchanged, summary.recovered]).toEqual([3, 3, 0]);
    expect(to.goals()).toHaveLength(3);
  });

  it('writes a goal listed twice close together once, with an ID map file that records after its write', async () => {
    const [line] = await collect(
      exportNdjson(createMemoryAdapter({ provider: 'src', goals: [goal(1)] }).list()),
    );
    const to = createMemoryAdapter();
    const idMap = await FileIdMapStore.open(
      join(mkdtempSync(join(tmpdir(), 'goalbridge-twice-')), 'ids.jsonl'),
    );
    try {
      const summary = await importNdjson([line as string, line as string], to, { idMap, concurrency: 4 });
      expect([summary.counts.created, summary.counts.unchanged]).toEqual([1, 1]);
      expect(to.goals()).toHaveLength(1);
    } finally {
      await idMap.close();
    }
  });

  it('leaves out, naming both, a second listing of a source with other content: never written over the first', async () => {
    const [first, edited] = await twoListings();
    const to = createMemoryAdapter();
    const events: ApplyEvent[] = [];
    const summary = await importNdjson([first, edited], to, {
      concurrency: 1,
      onProgress: (event) => events.push(event),
    });
    expect([summary.counts.created, summary.counts.failed]).toEqual([1, 1]);
    expect(to.goals().map((g) => g.target)).toEqual([{ value: '1.05', currency: 'EUR' }]);
    const refused = events.find((event) => event.type === 'item' && event.outcome === 'failed');
    expect(refused).toMatchObject({
      reason: expect.stringMatching(/came twice in this input with different target/),
    });
  });

  it('leaves out a second listing with other content when the target held the goal already, on every run', async () => {
    const [first, edited] = await twoListings();
    const to = createMemoryAdapter();
    const idMap = new MemoryIdMapStore();
    const lines = [first, edited];
    expect((await importNdjson(lines, to, { idMap, concurrency: 1 })).counts).toMatchObject({
      created: 1,
      failed: 1,
    });
    // Again and again: the goal now exists, and the first listing still decides.
    for (let run = 0; run < 2; run++) {
      const summary = await importNdjson(lines, to, { idMap, concurrency: 1 });
      expect(summary.counts).toMatchObject({ unchanged: 1, updated: 0, failed: 1 });
      expect(summary.failures[0]?.reason).toMatch(/came twice in this input with different target/);
      expect(to.goals().map((g) => g.target?.value)).toEqual(['1.05']);
    }
    // Listed twice alike, it is unchanged twice.
    expect((await importNdjson([first, first], to, { idMap })).counts).toMatchObject({
      unchanged: 2,
      failed: 0,
    });
    // Without an ID map the second listing finds the goal taken (planned as a create): still a repeat, never
    // a create "recovered" from the first one's goal.
    const fresh = await importNdjson(lines, to, { concurrency: 1 });
    expect([fresh.counts, fresh.recovered]).toEqual([
      expect.objectContaining({ unchanged: 1, failed: 1 }),
      0,
    ]);
    expect(to.goals()).toHaveLength(1);
  });

  it('resumes an import with the ID map: a second run creates nothing', async () => {
    const lines = await collect(
      exportNdjson(createMemoryAdapter({ provider: 'src', goals: [1, 2, 3, 4].map(goal) }).list()),
    );
    const to = createMemoryAdapter();
    const idMap = new MemoryIdMapStore();
    await importNdjson(lines, to, { idMap });
    const again = await importNdjson(lines, to, { idMap });
    expect(again.counts).toMatchObject({ created: 0, unchanged: 4 });
    expect(to.goals()).toHaveLength(4);
  });

  it('stops at once on abort while the input waits for its next line (stdin)', async () => {
    const [line] = await collect(exportNdjson(createMemoryAdapter({ goals: [goal(1)] }).list()));
    let release: () => void = () => {};
    async function* idle() {
      yield line as string;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    }
    const controller = new AbortController();
    const to = createMemoryAdapter();
    const importing = importNdjson(idle(), to, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('SIGINT'));
    const summary = await Promise.race([
      importing,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 1000)),
    ]);
    release();
    expect(summary).not.toBe('still waiting');
    expect(summary).toMatchObject({ stopped: { reason: 'stopped before finishing' } });
    expect(to.goals()).toHaveLength(1);
  });

  it('streams a large input through a bounded pipeline', async () => {
    const count = 5000;
    async function* generate() {
      for (let n = 1; n <= count; n++) {
        yield `${JSON.stringify({ schema: GOAL_RECORD_SCHEMA, goal: { ...goal(n), id: `g${n}`, provider: 'src', owners: [], extensions: {}, status: 'active', target: { value: String(n) }, measure: { kind: 'count', metric: 'calls' } } })}\n`;
      }
    }
    let inFlight = 0;
    let peak = 0;
    const inner = createMemoryAdapter();
    const to = {
      ...inner,
      async create(input: GoalInputDraft) {
        peak = Math.max(peak, ++inFlight);
        await Promise.resolve();
        inFlight--;
        return inner.create(input);
      },
    };
    const summary = await importNdjson(generate(), to, { concurrency: 8 });
    expect(summary.counts.created).toBe(count);
    expect(peak).toBeLessThanOrEqual(8);
  });
});
