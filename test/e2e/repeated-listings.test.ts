/**
 * The same export imported twice in one input (files concatenated), into a target that needs unique titles:
 * the second copy of each goal is the same goal, not one to number and rename.
 */
import { createMemoryAdapter, exportNdjson, importNdjson, MemoryIdMapStore, plan } from '@goalbridge/core';
import { describe, expect, it } from 'vitest';
import { DEFAULTS_FOR, listGoals, testProvider } from '../support/providers.ts';

const draft = (title: string) => ({
  title,
  owners: [],
  measure: { kind: 'count' as const, metric: 'deals_won' },
  target: { value: '100' },
  schedule: { start: '2026-01-01', end: '2026-12-31', recurrence: 'monthly' as const },
});

describe('an export listed twice in one import', () => {
  it('into Capillary (unique titles) writes each goal once, keeps its title, and a new plan finds nothing to do', async () => {
    const source = createMemoryAdapter({ provider: 'pipedrive', goals: [draft('Alpha'), draft('Beta')] });
    const lines: string[] = [];
    for await (const line of exportNdjson(source.list())) lines.push(line);
    const capillary = testProvider('capillary');
    const idMap = new MemoryIdMapStore();
    const summary = await importNdjson([...lines, ...lines], capillary.adapter, {
      ...DEFAULTS_FOR.capillary,
      idMap,
    });
    expect([summary.counts.created, summary.counts.unchanged, summary.counts.failed]).toEqual([2, 2, 0]);
    expect((await listGoals(capillary.adapter)).map((goal) => goal.title).sort()).toEqual(['Alpha', 'Beta']);
    const again = await plan(source, capillary.adapter, { ...DEFAULTS_FOR.capillary, idMap });
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: 2 });
  });
});
