/**
 * `goalbridge demo`: the main job end to end with no setup. It starts the three simulators on localhost,
 * seeds Pipedrive with a varied account, plans and applies a migration to Plannr and to Capillary (showing the
 * plan, the warnings by reason and the progress), reads both targets back and proves the counts match.
 */
import {
  apply,
  type Goal,
  type GoalAdapter,
  type MigrationSummary,
  type Owner,
  type OwnerMap,
  plan,
} from '@goalbridge/core';
import { PLANNR_SANDBOX } from '@goalbridge/plannr/testing';
import { positiveInteger } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';
import { EXIT } from '../io.ts';
import { findProvider, openProvider, type SandboxInstance } from '../provider-registry.ts';
import { duration, table } from '../render/format.ts';
import { planSummary } from '../render/summary.ts';
import { progressFor } from './migration-output.ts';

interface Leg {
  target: string;
  options: Parameters<typeof plan>[2];
}

interface LegResult {
  target: string;
  planned: number;
  leftOut: number;
  leftOutReason: string;
  summary: MigrationSummary;
  found: number;
  rerun: { create: number; update: number; unchanged: number };
}

/**
 * Pipedrive people and teams become Plannr client accounts (round robin, teams on the joint/trust/business
 * accounts); company-wide goals go to the firm's first client through the plan's default owner.
 */
function ownerMapFor(goals: readonly { owners: readonly Owner[] }[]): OwnerMap {
  const clients = PLANNR_SANDBOX.clientAccounts;
  const households = clients.filter((account) => account.role !== 'individual');
  const map = new Map<string, Owner>();
  let people = 0;
  let teams = 0;
  for (const owner of goals.flatMap((goal) => goal.owners)) {
    const key = `pipedrive:${owner.type}:${owner.id}`;
    if (map.has(key) || owner.type === 'company') continue;
    const account =
      owner.type === 'team' ? households[teams++ % households.length] : clients[people++ % clients.length];
    if (account) map.set(key, { type: 'account', id: account.uuid });
  }
  return map;
}

async function count(adapter: GoalAdapter, signal: AbortSignal): Promise<number> {
  let total = 0;
  for await (const _goal of adapter.list({ signal })) total++;
  return total;
}

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'migrate a seeded Pipedrive account to Plannr and Capillary on local simulators, and check the result',
  usage: 'goalbridge demo [--goals N] [--seed N]',
  options: {
    goals: { type: 'string', value: 'N', description: 'goals in the Pipedrive sandbox (default 300)' },
    seed: { type: 'string', value: 'N', description: 'seed for the generated account (default 1)' },
  },
  details:
    'No credentials and no network beyond localhost: the simulators behave like the real APIs, limits included.',
  async run(options, context) {
    const { io } = context;
    const goals = positiveInteger(options, 'goals', 300, 5000);
    const seed = positiveInteger(options, 'seed', 1, 2 ** 31);
    const started = performance.now();
    const out = (text = '') => io.stdout.write(`${text}\n`);
    const sandboxes = new Map<string, SandboxInstance>();
    try {
      out('goalbridge demo — a migration between the built-in sandboxes; nothing leaves this machine.\n');
      for (const [name, seeded] of [
        ['pipedrive', goals],
        ['plannr', 0],
        ['capillary', 0],
      ] as const) {
        sandboxes.set(
          name,
          await findProvider(context.providers, name, 'from').startSandbox({ goals: seeded, seed }),
        );
      }
      out(
        table(
          [...sandboxes].map(([name, sandbox]) => ({
            sandbox: name,
            url: sandbox.url,
            holds: sandbox.description,
          })),
        ),
      );

      const adapter = (name: string) => {
        const entry = findProvider(context.providers, name, 'from');
        const env = sandboxes.get(name)?.env ?? {};
        return openProvider(entry, {}, env, context.hooks);
      };
      const source = adapter('pipedrive');
      const sourceGoals: Goal[] = [];
      for await (const goal of source.list({ signal: io.signal })) sourceGoals.push(goal);
      const kinds = (kind: string) => sourceGoals.filter((goal) => goal.measure.kind === kind).length;
      out(
        `Pipedrive holds ${sourceGoals.length} goals: ${kinds('count')} counting deals or activities, ${kinds('money')} in money.\n`,
      );

      const legs: Leg[] = [
        {
          target: 'plannr',
          options: {
            ownerMap: ownerMapFor(sourceGoals),
            defaults: { owners: [{ type: 'account', id: PLANNR_SANDBOX.clientAccounts[0].uuid }] },
          },
        },
        {
          target: 'capillary',
          options: {
            defaults: {
              measure: { count: { metric: 'TRANSACTION/COUNT' }, money: { metric: 'TRANSACTION/SALES' } },
            },
          },
        },
      ];
      const results: LegResult[] = [];
      for (const [index, leg] of legs.entries()) {
        results.push(await runLeg(leg, index, legs.length, source, adapter(leg.target), context));
      }

      out('Read back from each target:');
      out(
        table(
          results.map((result) => ({
            target: result.target,
            'source goals': sourceGoals.length,
            'to create': result.planned,
            created: result.summary.counts.created,
            'found in target': result.found,
            'left out': result.leftOut ? `${result.leftOut} (${result.leftOutReason})` : '0',
            match:
              result.found === result.planned && result.summary.counts.created === result.planned
                ? 'yes'
                : 'NO',
          })),
          60,
        ),
      );
      const rerun = results
        .map(
          ({ target, rerun: r }) =>
            `${target}: ${r.create} to create, ${r.update} to update, ${r.unchanged} unchanged`,
        )
        .join('; ');
      out(`Planning the same migrations again (what a rerun would do) — ${rerun}.`);
      const ok = results.every(
        (result) =>
          result.found === result.planned &&
          result.summary.counts.created === result.planned &&
          result.summary.counts.failed === result.leftOut &&
          result.rerun.create === 0 &&
          result.rerun.update === 0,
      );
      out(
        `\n${ok ? 'Counts match.' : 'COUNTS DO NOT MATCH.'} Done in ${duration(performance.now() - started)}.`,
      );
      return ok ? EXIT.ok : EXIT.failures;
    } finally {
      await Promise.all([...sandboxes.values()].map((sandbox) => sandbox.close()));
    }
  },
};

async function runLeg(
  leg: Leg,
  index: number,
  legs: number,
  source: GoalAdapter,
  target: GoalAdapter,
  context: CommandContext,
): Promise<LegResult> {
  const { io } = context;
  const out = (text = '') => io.stdout.write(`${text}\n`);
  out(`── ${index + 1}/${legs}  Pipedrive → ${target.provider} ${'─'.repeat(60)}`.slice(0, 78));
  const planned = await plan(source, target, { ...leg.options, signal: io.signal });
  out(planSummary(planned));
  const summary = await apply(planned, {
    target,
    signal: io.signal,
    onProgress: progressFor(io, false, `writing to ${target.provider}`),
  });
  const refused = planned.items.filter((item) => item.action === 'invalid');
  const reasons = new Set(
    refused.flatMap((item) => (item.action === 'invalid' ? item.issues.map((issue) => issue.path) : [])),
  );
  const failed = summary.counts.failed - refused.length;
  const warnings = summary.warnings.reduce((sum, group) => sum + group.count, 0);
  out(
    `${summary.counts.created} created, ${refused.length} refused before any write, ${failed} failed, in ` +
      `${duration(summary.durationMs)}; ${warnings} warnings in ${summary.warnings.length} groups (above).\n`,
  );
  const rerun = await plan(source, target, { ...leg.options, signal: io.signal });
  return {
    target: target.provider,
    planned: planned.counts.create,
    leftOut: refused.length,
    leftOutReason: [...reasons].join(', '),
    summary,
    found: await count(target, io.signal),
    rerun: { create: rerun.counts.create, update: rerun.counts.update, unchanged: rerun.counts.unchanged },
  };
}
