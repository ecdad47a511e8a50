import { describe, expect, it } from 'vitest';
import { progressBar, progressLines } from '../src/render/progress.ts';
import { fakeOutput } from './fake-io.ts';

describe('progress on a terminal', () => {
  it('draws a bar with count, percentage, rate and ETA, at most ten times a second', () => {
    let now = 0;
    const output = fakeOutput(true);
    const report = progressBar(output, 'pipedrive → plannr', () => now);
    report({ type: 'start', total: 100, writes: 100 });
    for (let i = 0; i < 25; i++) {
      now += 40; // 25 goals a second
      report({ type: 'item', source: `s${i}`, title: 't', outcome: 'created' });
    }
    // One frame at the start, then at most one per 100 ms over the second: never one per goal.
    expect(output.text.split('\r').filter(Boolean).length).toBeLessThanOrEqual(12);
    report({ type: 'done', summary: {} as never });
    const last = output.text.split('\r').filter(Boolean).at(-1) as string;
    expect(last).toBe(
      'pipedrive → plannr ██████░░░░░░░░░░░░░░░░░░ 25/100 25% · 25.0/s · ETA 3.0 s\u001b[K\n',
    );
  });

  it('counts without a total for a streamed plan', () => {
    const output = fakeOutput(true);
    const report = progressBar(output, 'import', () => 1000);
    report({ type: 'start', total: undefined, writes: undefined });
    report({ type: 'item', source: 's', title: 't', outcome: 'created' });
    report({ type: 'done', summary: {} as never });
    expect(output.text).toContain('import 1 · ');
    expect(output.text).not.toContain('ETA');
  });
});

describe('progress when piped', () => {
  it('writes one JSON event per line', () => {
    const output = fakeOutput(false);
    const report = progressLines(output);
    report({ type: 'start', total: 2, writes: 2 });
    report({ type: 'item', source: 'p:1', title: 'Goal', outcome: 'created', targetId: 't1' });
    report({ type: 'stopped', reason: 'daily budget spent', resetAt: '2026-01-02T00:00:00.000Z' });
    expect(
      output.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { event: 'start', total: 2, writes: 2 },
      { event: 'item', source: 'p:1', title: 'Goal', outcome: 'created', targetId: 't1' },
      { event: 'stopped', reason: 'daily budget spent', resetAt: '2026-01-02T00:00:00.000Z' },
    ]);
  });
});
