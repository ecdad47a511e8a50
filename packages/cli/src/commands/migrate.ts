import { apply, plan } from '@goalbridge/core';
import { positiveInteger } from '../args.ts';
import { type Command, JSON_OPTION, openAdapter, wantsJson } from '../command.ts';
import { EXIT } from '../io.ts';
import { jsonLine } from '../render/format.ts';
import { planSummary } from '../render/summary.ts';
import { progressFor, reportSummary, stoppingOnSpentBudget } from './migration-output.ts';
import { closingIdMap, PLAN_OPTIONS, planSetup } from './plan-options.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'move goals from one provider to another; resumable with --id-map',
  usage:
    'goalbridge migrate --from PROVIDER --to PROVIDER [--dry-run] [--id-map FILE] [--owner-map FILE] [--concurrency N]',
  options: {
    from: { type: 'string', value: 'PROVIDER', description: 'source: pipedrive, plannr or capillary' },
    to: { type: 'string', value: 'PROVIDER', description: 'target: pipedrive, plannr or capillary' },
    'dry-run': { type: 'boolean', description: 'plan only: show what would happen, write nothing' },
    concurrency: {
      type: 'string',
      value: 'N',
      description: 'writes in flight (default 4); the rate limits still apply',
    },
    ...PLAN_OPTIONS,
    ...JSON_OPTION,
  },
  details:
    'Stop it at any moment (Ctrl-C, kill) and run the same command again: with --id-map nothing is created twice\nand nothing is lost. When a daily API budget runs out the run stops and says when it can continue.',
  async run(options, context) {
    const { io } = context;
    const concurrency = positiveInteger(options, 'concurrency', 4, 64);
    const source = openAdapter(options, context, 'from');
    const target = openAdapter(options, context, 'to');
    const json = wantsJson(options, io);
    const setup = await planSetup(options, io, options['dry-run'] ? 'read' : 'write');
    return closingIdMap(setup, io, () =>
      stoppingOnSpentBudget(io, json, async () => {
        const planned = await plan(source, target, setup.options);
        if (!json) io.stdout.write(planSummary(planned));
        if (options['dry-run']) {
          if (json) io.stdout.write(jsonLine(planned));
          return planned.counts.invalid > 0 ? EXIT.failures : EXIT.ok;
        }
        const summary = await apply(planned, {
          target,
          idMap: setup.idMap,
          concurrency,
          signal: io.signal,
          onProgress: progressFor(io, json, `${source.provider} → ${target.provider}`),
        });
        return reportSummary(io, json, summary);
      }),
    );
  },
};
