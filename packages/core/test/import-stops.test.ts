/** An import that cannot go on ends its input early: the writes before finish and come summed up with the error. */
import { describe, expect, it } from 'vitest';
import {
  type ApplyEvent,
  createMemoryAdapter,
  type Goal,
  goalToNdjson,
  ImportInterruptedError,
  InvalidLineError,
  importNdjson,
} from '../src/index.ts';

function line(n: number, overrides: Partial<Goal> = {}): string {
  return goalToNdjson({
    id: `g${n}`,
    provider: 'src',
    title: `Goal ${n}`,
    owners: [],
    measure: { kind: 'count', metric: 'deals' },
    target: { value: '1' },
    schedule: {},
    status: 'active',
    extensions: {},
    ...overrides,
  } as Goal);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe('importNdjson stopping early', () => {
  it('with stopOnInvalid stops at a line the plan finds invalid for the target, not only at one that does not parse', async () => {
    const target = createMemoryAdapter({
      goals: [{ title: 'Goal 2', measure: { kind: 'count', metric: 'deals' }, target: { value: '1' } }],
    });
    const lines = [line(1), line(2, { target: { value: '9' } }), line(3)];
    const error = await rejection(
      importNdjson(lines, target, { concurrency: 1, stopOnInvalid: true, conflict: 'fail' }),
    );
    expect(error).toBeInstanceOf(InvalidLineError);
    const { line: at, summary, issues } = error as InvalidLineError;
    expect(at).toBe(2);
    expect(issues[0]?.message).toMatch(/differs in target \(conflict policy: fail\)/);
    expect(summary?.counts).toMatchObject({ created: 1, failed: 0 });
    expect(summary?.stopped?.reason).toMatch(/input line 2 is invalid/);
    expect(target.goals().map((goal) => goal.title)).toEqual(['Goal 2', 'Goal 1']);
  });

  it('an input that fails while read ends the run with the summary of what was written, and says after which line', async () => {
    const target = createMemoryAdapter();
    const events: ApplyEvent['type'][] = [];
    async function* failing() {
      for (let n = 1; n <= 3; n++) yield line(n);
      throw new Error('disk read failed');
    }
    const error = await rejection(
      importNdjson(failing(), target, {
        inputName: 'goals.ndjson',
        onProgress: (event) => events.push(event.type),
      }),
    );
    expect(error).toBeInstanceOf(ImportInterruptedError);
    const { summary, afterLine, message, cause } = error as ImportInterruptedError;
    expect([afterLine, message]).toEqual([3, 'goals.ndjson failed after line 3: disk read failed']);
    expect((cause as Error).message).toBe('disk read failed');
    expect(summary.counts).toMatchObject({ created: 3 });
    expect(summary.stopped?.reason).toBe(message);
    expect(events.slice(-2)).toEqual(['stopped', 'done']);
    expect(target.goals()).toHaveLength(3);
  });
});
