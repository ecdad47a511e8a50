/**
 * Every provider tells `hooks.onRateLimitWait` when its limiter holds a request back: the one place an
 * embedding platform or the CLI learns why a run slowed down.
 */
import { createCapillaryAdapter } from '@goalbridge/capillary';
import { CAPILLARY_SANDBOX, createCapillarySimulator } from '@goalbridge/capillary/testing';
import type { GoalAdapter, HttpHooks, RateLimitWaitEvent } from '@goalbridge/core';
import { createPipedriveAdapter } from '@goalbridge/pipedrive';
import { createPipedriveSimulator, PIPEDRIVE_SANDBOX } from '@goalbridge/pipedrive/testing';
import { createPlannrAdapter } from '@goalbridge/plannr';
import { createPlannrSimulator, PLANNR_SANDBOX } from '@goalbridge/plannr/testing';
import { describe, expect, it } from 'vitest';

const WINDOW_MS = 100;
/** One request per window: a second request at once must wait. */
const ONE_PER_WINDOW = [{ name: 'burst', limit: 1, windowMs: WINDOW_MS }];

/** An id of each provider's form that no goal has. */
const MISSING_ID: Record<string, string> = {
  pipedrive: 'f'.repeat(32),
  plannr: '00000000-0000-4000-8000-000000000000',
  capillary: '987654',
};

const adapters: Record<string, (hooks: HttpHooks) => GoalAdapter> = {
  pipedrive: (hooks) =>
    createPipedriveAdapter({
      apiToken: PIPEDRIVE_SANDBOX.apiToken,
      fetch: createPipedriveSimulator({ plan: 'ultimate' }).fetch,
      rateLimits: { burstLimit: 1, burstWindowMs: WINDOW_MS },
      hooks,
    }),
  plannr: (hooks) =>
    createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: createPlannrSimulator({ rateLimit: false }).fetch,
      rateLimits: ONE_PER_WINDOW,
      hooks,
    }),
  capillary: (hooks) =>
    createCapillaryAdapter({
      auth: CAPILLARY_SANDBOX.basic,
      fetch: createCapillarySimulator({ rateLimit: false }).fetch,
      rateLimits: ONE_PER_WINDOW,
      hooks,
    }),
};

async function drain(adapter: GoalAdapter): Promise<number> {
  let count = 0;
  for await (const _goal of adapter.list()) count++;
  return count;
}

describe.each(Object.keys(adapters))('%s: hooks.onRateLimitWait', (provider) => {
  it('is told once per held request, with the provider, the rule and a wait within one window', async () => {
    const waits: RateLimitWaitEvent[] = [];
    const adapter = adapters[provider]?.({ onRateLimitWait: (event) => waits.push(event) });
    if (!adapter) throw new Error(`no adapter for ${provider}`);
    await Promise.all([drain(adapter), drain(adapter), drain(adapter)]);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const event of waits) {
      expect(event).toMatchObject({ provider, rule: 'burst' });
      expect(event.waitMs).toBeGreaterThan(0);
      expect(event.waitMs).toBeLessThanOrEqual(WINDOW_MS);
    }
  });

  it('is not told when nothing waits', async () => {
    const waits: RateLimitWaitEvent[] = [];
    const adapter = adapters[provider]?.({ onRateLimitWait: (event) => waits.push(event) });
    if (!adapter) throw new Error(`no adapter for ${provider}`);
    // One request for a goal that is not there (Pipedrive has no read by id, so a delete; the others read).
    const id = MISSING_ID[provider] as string;
    const call = provider === 'pipedrive' ? adapter.delete(id) : adapter.get(id);
    await expect(call).rejects.toMatchObject({ code: 'not_found' });
    expect(waits).toEqual([]);
  });
});
