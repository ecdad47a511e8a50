import { type Goal, goalToNdjson } from '@goalbridge/core';
import { positiveInteger } from '../args.ts';
import { type Command, JSON_OPTION, openAdapter, wantsJson } from '../command.ts';
import { EXIT } from '../io.ts';
import { table, terminalSafeJson } from '../render/format.ts';

function row(goal: Goal) {
  const target = goal.target
    ? `${goal.target.value}${goal.target.currency ? ` ${goal.target.currency}` : ''}`
    : '—';
  const { start, end } = goal.schedule;
  return {
    id: goal.id,
    title: goal.title,
    measure: `${goal.measure.kind} ${goal.measure.metric}`,
    target,
    when: `${start ?? '…'} → ${end === null ? 'open' : (end ?? '…')}`,
    status: goal.status,
  };
}

export const listCommand: Command = {
  name: 'list',
  summary: 'list the goals of a provider',
  usage: 'goalbridge list --from PROVIDER [--limit N] [--json]',
  options: {
    from: { type: 'string', value: 'PROVIDER', description: 'pipedrive, plannr or capillary' },
    limit: { type: 'string', value: 'N', description: 'stop after N goals' },
    ...JSON_OPTION,
  },
  async run(options, context) {
    const { io } = context;
    const limit = positiveInteger(options, 'limit', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const adapter = openAdapter(options, context, 'from');
    const json = wantsJson(options, io);
    const rows: ReturnType<typeof row>[] = [];
    let count = 0;
    for await (const goal of adapter.list({ signal: io.signal })) {
      // Awaited: a slow reader holds the listing back instead of piling lines up in memory.
      if (json) await io.stdout.write(terminalSafeJson(goalToNdjson(goal)));
      else rows.push(row(goal));
      io.signal.throwIfAborted();
      if (++count >= limit) break;
    }
    if (!json) io.stdout.write(`${table(rows)}${count} goals\n`);
    return EXIT.ok;
  },
};
