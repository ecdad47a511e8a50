import { plan } from '@goalbridge/core';
import { fileOption } from '../args.ts';
import { type Command, JSON_OPTION, openAdapter, wantsJson } from '../command.ts';
import { EXIT } from '../io.ts';
import { jsonLine, terminalSafeJson } from '../render/format.ts';
import { planSummary } from '../render/summary.ts';
import { writeWhole } from '../write-whole.ts';
import { PLAN_OPTIONS, planSetup } from './plan-options.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what a migration would create, update and skip, with every warning — writes nothing',
  usage: 'goalbridge plan --from PROVIDER --to PROVIDER [--owner-map FILE] [--id-map FILE] [--out FILE]',
  options: {
    from: { type: 'string', value: 'PROVIDER', description: 'source: pipedrive, plannr or capillary' },
    to: { type: 'string', value: 'PROVIDER', description: 'target: pipedrive, plannr or capillary' },
    out: { type: 'string', value: 'FILE', description: 'also write the full plan as JSON to FILE' },
    ...PLAN_OPTIONS,
    ...JSON_OPTION,
  },
  async run(options, context) {
    const { io } = context;
    const source = openAdapter(options, context, 'from');
    const target = openAdapter(options, context, 'to');
    const out = fileOption(options, 'out', io.cwd);
    const setup = await planSetup(options, io, 'read');
    try {
      const planned = await plan(source, target, setup.options);
      if (out !== undefined)
        await writeWhole(out, [`${terminalSafeJson(JSON.stringify(planned, null, 2))}\n`], io);
      io.stdout.write(wantsJson(options, io) ? jsonLine(planned) : planSummary(planned));
      return planned.counts.invalid > 0 ? EXIT.failures : EXIT.ok;
    } finally {
      await setup.idMap?.close?.();
    }
  },
};
