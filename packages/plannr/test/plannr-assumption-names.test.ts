/**
 * The names and formats Plannr's docs leave open — filter parameters, rate-limit headers, time zone, money
 * locale — come from plannr-assumptions.ts alone: with other values there, the adapter sends and reads, and the
 * simulator accepts and writes, the new ones.
 */
import type { HttpResponse } from '@goalbridge/core';
import { describe, expect, it, vi } from 'vitest';
import { createPlannrAdapter, PLANNR_ASSUMPTIONS, readPlannrRateLimits } from '../src/index.ts';
import { createPlannrSimulator, PLANNR_SANDBOX } from '../src/testing/index.ts';

vi.mock('../src/plannr-assumptions.ts', async (importOriginal) => {
  const { PLANNR_ASSUMPTIONS: original } =
    await importOriginal<typeof import('../src/plannr-assumptions.ts')>();
  return {
    PLANNR_ASSUMPTIONS: {
      ...original,
      listQuery: {
        ...original.listQuery,
        filters: { uuid: 'goal_uuids', accountUuids: 'owner_uuids', circleUuids: 'circles' },
      },
      rateLimitHeaders: {
        remaining: 'x-quota-remaining',
        limit: 'x-quota-limit',
        retryAfter: 'x-quota-retry-after',
        reset: 'x-quota-reset',
      },
      timeZone: 'America/New_York',
      moneyFormatLocale: 'de-DE',
    },
  };
});

const [gareth, emily] = PLANNR_SANDBOX.clientAccounts;
const NOW = Date.UTC(2026, 3, 29, 11, 53);

function setup(rateLimit: { limit: number; windowMs: number } | false = false, now = NOW) {
  const simulator = createPlannrSimulator({ now: () => now, rateLimit });
  const sent: URL[] = [];
  const adapter = createPlannrAdapter({
    accessToken: PLANNR_SANDBOX.accessToken,
    accountUuid: PLANNR_SANDBOX.accountUuid,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push(new URL(request.url));
      return simulator.fetch(request);
    },
  });
  return { simulator, adapter, sent };
}

const goalOf = (owner: string, n: number) => ({
  title: `Goal ${n}`,
  owners: [{ type: 'account' as const, id: owner }],
  measure: { kind: 'money' as const, metric: 'financial_goal' },
  target: { value: '25000', currency: 'GBP' },
  schedule: { end: '2027-04-29' },
});

function get(path: string): Request {
  return new Request(`https://api.plannrcrm.com/api/v2/${path}`, {
    headers: {
      authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
      'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
    },
  });
}

describe('with other names and formats', () => {
  it('the module is the one the package reads', () => {
    expect(PLANNR_ASSUMPTIONS.timeZone).toBe('America/New_York');
  });

  it('listQuery.filters: the adapter sends the filter names the simulator allows', async () => {
    const { adapter, sent, simulator } = setup();
    const { goal } = await adapter.create(goalOf(gareth.uuid, 1));
    await adapter.create(goalOf(emily.uuid, 2));
    const listed = [];
    for await (const each of adapter.list({ filter: { accountUuids: [gareth.uuid], uuid: [goal.id] } })) {
      listed.push(each.id);
    }
    expect(listed).toEqual([goal.id]);
    const query = sent.at(-1)?.searchParams;
    expect([query?.get('filter[owner_uuids]'), query?.get('filter[goal_uuids]')]).toEqual([
      gareth.uuid,
      goal.id,
    ]);
    expect(query?.has('filter[account_uuids]')).toBe(false);
    const refused = await simulator.handle(get(`goals?filter[account_uuids]=${gareth.uuid}`));
    expect([refused.status, (await refused.json()).message]).toEqual([
      400,
      'Requested filter(s) `account_uuids` are not allowed. Allowed filter(s) are `goal_uuids, owner_uuids, circles`.',
    ]);
  });

  it('timeZone and moneyFormatLocale: the simulator writes times and money in them, the adapter reads them', async () => {
    const { adapter, simulator } = setup();
    const { goal } = await adapter.create(goalOf(gareth.uuid, 1));
    expect(simulator.goal(goal.id)).toMatchObject({
      created_at: '2026-04-29T07:53:00-04:00',
      complete_goal_by: '2027-04-29T00:00:00-04:00',
      target_amount: { amount: '2500000', formatted: '25.000,00\u00a0£', currency: 'GBP' },
    });
    const read = await adapter.get(goal.id);
    expect([read.createdAt, read.schedule.end, read.target]).toEqual([
      '2026-04-29T11:53:00.000Z',
      '2027-04-29',
      { value: '25000', currency: 'GBP' },
    ]);
  });

  it('rateLimitHeaders: the simulator sends, and the adapter reads, the names given', async () => {
    // The simulator's clock far ahead of the real one, so that its reset time cannot pass for a retry delay.
    const later = Date.UTC(2040, 0, 1);
    const { simulator } = setup({ limit: 1, windowMs: 60_000 }, later);
    const answered = await simulator.handle(get('goals'));
    expect(Object.fromEntries(answered.headers)).toMatchObject({
      'x-quota-limit': '1',
      'x-quota-remaining': '0',
    });
    expect(answered.headers.has('x-ratelimit-remaining')).toBe(false);
    expect(readPlannrRateLimits({ status: 200, headers: answered.headers } as HttpResponse)).toEqual([
      { rule: 'per-minute', remaining: 0, resetAt: undefined },
    ]);

    const refused = await simulator.handle(get('goals'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-quota-retry-after')).toBe('60');
    expect(refused.headers.get('x-quota-reset')).toBe(String(later / 1000 + 60));
    const before = Date.now();
    const [observed] = readPlannrRateLimits({ status: 429, headers: refused.headers } as HttpResponse);
    // Read from the retry header (a minute from the real clock), not the reset time of the simulator's clock.
    expect(observed?.resetAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(observed?.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
    refused.headers.delete('x-quota-retry-after');
    const [fromReset] = readPlannrRateLimits({ status: 429, headers: refused.headers } as HttpResponse);
    expect(fromReset?.resetAt).toBe(later + 60_000);
  });
});
