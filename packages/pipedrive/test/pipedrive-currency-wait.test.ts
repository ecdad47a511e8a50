/**
 * The account's currency table is loaded once and shared by every call of an adapter; each call waits for it
 * only within its own signal and time limit, and the load goes on for the calls after it.
 */
import { type GoalInputDraft, TimeoutError } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { createPipedriveAdapter } from '../src/index.ts';
import { createPipedriveSimulator, PIPEDRIVE_SANDBOX } from '../src/testing/index.ts';

const MONEY_GOAL: GoalInputDraft = {
  title: 'Q3 revenue',
  owners: [{ type: 'person', id: '1' }],
  measure: { kind: 'money', metric: 'deals_won' },
  target: { value: '25000', currency: 'EUR' },
  schedule: { start: '2026-07-01', end: '2026-09-30', recurrence: 'quarterly' },
};

/** An adapter whose `GET /currencies` is held until `release()`; counts the currency requests. */
function heldCurrencies() {
  const sim = createPipedriveSimulator({
    limits: { burstApiToken: 1000 },
    users: [{ id: 1, name: 'Admin', apiToken: PIPEDRIVE_SANDBOX.apiToken }],
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const counts = { currencies: 0 };
  const adapter = createPipedriveAdapter({
    apiToken: PIPEDRIVE_SANDBOX.apiToken,
    timeoutMs: 10_000,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname.endsWith('/currencies')) {
        counts.currencies++;
        await released;
      }
      return sim.fetch(request);
    },
  });
  return { adapter, release, counts };
}

describe('the shared currency table', () => {
  it.each([
    ['its abort signal', { signal: AbortSignal.timeout(50) }],
    ['its time limit', { timeoutMs: 50 }],
  ] as const)(
    'a call waiting for it ends with %s; the load goes on for the next call',
    async (_name, call) => {
      const { adapter, release, counts } = heldCurrencies();
      const started = performance.now();
      const error = await adapter.create(MONEY_GOAL, call).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      // The load's own limit is 10 s: the call ended on its own.
      expect(performance.now() - started).toBeLessThan(5_000);
      if ('timeoutMs' in call) {
        expect(TimeoutError.isInstance(error)).toBe(true);
        expect((error as Error).message).toContain('GET currencies');
      } else {
        expect((error as Error).name).toBe('TimeoutError');
      }
      release();
      const { goal } = await adapter.create(MONEY_GOAL);
      expect(goal.target).toEqual({ value: '25000', currency: 'EUR' });
      expect(counts.currencies).toBe(1);
    },
  );
});
