/**
 * Correcting an assumption is a one-line change in plannr-assumptions.ts, and the adapter and the simulator
 * both follow it. Here several are flipped at once, as if Plannr had answered otherwise.
 */
import { ConfigError, UnsupportedError } from '@goalbridge/core';
import { describe, expect, it, vi } from 'vitest';
import { createPlannrAdapter, PLANNR_ASSUMPTIONS } from '../src/index.ts';
import { createPlannrSimulator, PLANNR_SANDBOX } from '../src/testing/index.ts';

vi.mock('../src/plannr-assumptions.ts', async (importOriginal) => {
  const { PLANNR_ASSUMPTIONS: original } =
    await importOriginal<typeof import('../src/plannr-assumptions.ts')>();
  return {
    PLANNR_ASSUMPTIONS: {
      ...original,
      deleteEndpoint: false,
      includes: { ...original.includes, owners: undefined },
      shownOnCirclesInResponse: false,
      singleResourceWrapped: true,
      targetAmountUnit: 'major',
      shownOnCirclesWriteKey: 'show_on_circles',
    },
  };
});

function setup() {
  const simulator = createPlannrSimulator();
  const sent: { url: string; body: string }[] = [];
  const adapter = createPlannrAdapter({
    accessToken: PLANNR_SANDBOX.accessToken,
    accountUuid: PLANNR_SANDBOX.accountUuid,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, body: await request.clone().text() });
      return simulator.fetch(request);
    },
  });
  return { simulator, adapter, sent };
}

const [gareth] = PLANNR_SANDBOX.clientAccounts;
const input = {
  title: 'Pension top-up',
  owners: [{ type: 'account', id: gareth.uuid }],
  measure: { kind: 'money', metric: 'financial_goal' },
  target: { value: '25000', currency: 'GBP' },
  extensions: { plannr: { shownOnCircles: true } },
} as const;

describe('with other assumptions', () => {
  it('the module is the one the package reads', () => {
    expect(PLANNR_ASSUMPTIONS.targetAmountUnit).toBe('major');
  });

  it('targetAmountUnit: whole pounds are written, pence refused, pennies still read', async () => {
    const { adapter, simulator, sent } = setup();
    const { goal } = await adapter.create({ ...input, owners: [...input.owners] });
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({ target_amount: 25000, show_on_circles: true });
    expect(simulator.goal(goal.id)?.target_amount).toMatchObject({
      amount: '2500000',
      formatted: '£25,000.00',
    });
    expect((await adapter.get(goal.id)).target).toEqual({ value: '25000', currency: 'GBP' });
    expect(
      adapter.check({ ...input, owners: [...input.owners], target: { value: '1.5', currency: 'GBP' } })
        .issues,
    ).toEqual([
      { path: 'target.value', message: 'must have at most 0 decimal places for a GBP target in Plannr' },
    ]);
  });

  it('includes.owners: owners are not asked for, not declared writable, and refused by the simulator', async () => {
    const { adapter, simulator, sent } = setup();
    expect(adapter.capabilities.fields.writable).not.toContain('owners');
    const { goal } = await adapter.create({ ...input, owners: [...input.owners] });
    await adapter.get(goal.id);
    expect(new URL(sent[1]?.url ?? '').searchParams.get('include')).toBe('visible_to_circles');
    const refused = await simulator.handle(
      new Request(`https://api.plannrcrm.com/api/v2/goals?include=accounts`, {
        headers: {
          authorization: `Bearer ${PLANNR_SANDBOX.accessToken}`,
          'x-plannr-account-uuid': PLANNR_SANDBOX.accountUuid,
        },
      }),
    );
    expect(refused.status).toBe(400);
  });

  it('a relation the server does not allow: a ConfigError naming what was asked and the option to change', async () => {
    const simulator = createPlannrSimulator();
    const adapter = createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      include: ['accounts', 'visible_to_circles'],
      fetch: (request, init) => simulator.fetch(new Request(request, init)),
    });
    const { goal } = await createPlannrAdapter({
      accessToken: PLANNR_SANDBOX.accessToken,
      accountUuid: PLANNR_SANDBOX.accountUuid,
      fetch: (request, init) => simulator.fetch(new Request(request, init)),
    }).create({ ...input, owners: [...input.owners] });
    for (const read of [() => adapter.get(goal.id), () => adapter.list()[Symbol.asyncIterator]().next()]) {
      const error = await read().catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).status).toBe(400);
      expect((error as ConfigError).message).toContain('include=accounts,visible_to_circles');
      expect((error as ConfigError).message).toContain("adapter's `include` option");
    }
  });

  it('shownOnCirclesInResponse and singleResourceWrapped: the flag is known from the write only', async () => {
    const { adapter } = setup();
    const { goal } = await adapter.create({ ...input, owners: [...input.owners] });
    expect(goal.extensions.plannr?.shownOnCircles).toBe(true);
    expect((await adapter.get(goal.id)).extensions.plannr).not.toHaveProperty('shownOnCircles');
  });

  it('deleteEndpoint: delete is not offered, and the simulator has no such route', async () => {
    const { adapter, simulator } = setup();
    expect(adapter.capabilities.operations).not.toContain('delete');
    await expect(adapter.delete('6ff8f7f6-1eb3-3525-be4a-3932c805afed')).rejects.toSatisfy((error) =>
      UnsupportedError.isInstance(error),
    );
    const response = await simulator.handle(
      new Request('https://api.plannrcrm.com/api/v2/goals/6ff8f7f6-1eb3-3525-be4a-3932c805afed', {
        method: 'DELETE',
      }),
    );
    expect(response.status).toBe(405);
  });
});
