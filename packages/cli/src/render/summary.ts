/** Human summaries of plans and migrations. */
import {
  formatIssues,
  type MigrationPlan,
  type MigrationSummary,
  type PlanItem,
  type WarningGroup,
  WarningGroups,
} from '@goalbridge/core';
import { duration, printable, table } from './format.ts';

export function planSummary(plan: MigrationPlan): string {
  const { counts } = plan;
  const lines = [
    `Plan ${plan.source} → ${plan.target}: ${plan.items.length} goals`,
    table([
      { action: 'create', goals: counts.create },
      { action: 'update', goals: counts.update },
      { action: 'unchanged', goals: counts.unchanged },
      { action: 'skip', goals: counts.skip },
      { action: 'invalid (will fail)', goals: counts.invalid },
    ]),
  ];
  const refused = groupRefusals(plan.items);
  if (refused.length > 0) lines.push('Goals the target would refuse, by reason:', table(refused, 70));
  const warnings = groupPlanWarnings(plan.items);
  if (warnings.length > 0) lines.push('Warnings, by reason:', warningTable(warnings));
  return printable(lines.join('\n'), { lines: true });
}

/** Refused goals grouped by reason, with one example each (the full list is in the JSON plan). */
function groupRefusals(items: readonly PlanItem[]): { count: number; reason: string; example: string }[] {
  const groups = new Map<string, { count: number; reason: string; example: string }>();
  for (const item of items) {
    if (item.action !== 'invalid') continue;
    // As apply gives the failure it becomes.
    const reason = formatIssues(item.issues, 'goal');
    const group = groups.get(reason) ?? { count: 0, reason, example: `${item.source} ${item.title}` };
    group.count++;
    groups.set(reason, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export function groupPlanWarnings(items: readonly PlanItem[]): WarningGroup[] {
  const groups = new WarningGroups();
  for (const item of items) for (const warning of item.warnings) groups.add(item.source, warning);
  return groups.list();
}

export function warningTable(groups: readonly WarningGroup[]): string {
  return table(
    groups.map((group) => ({
      count: group.count,
      field: group.field,
      reason: group.reason,
      action: group.action,
      example: group.examples[0] ?? '',
    })),
    56,
  );
}

export function migrationSummary(summary: MigrationSummary): string {
  const { counts } = summary;
  const lines = [
    `Migration ${summary.source} → ${summary.target} in ${duration(summary.durationMs)}`,
    table([
      { outcome: 'created', goals: counts.created },
      { outcome: 'updated', goals: counts.updated },
      { outcome: 'unchanged', goals: counts.unchanged },
      { outcome: 'skipped', goals: counts.skipped },
      { outcome: 'failed', goals: counts.failed },
      ...(counts.remaining ? [{ outcome: 'not reached', goals: counts.remaining }] : []),
    ]),
  ];
  if (summary.recovered > 0)
    lines.push(
      `${summary.recovered} creates whose answer was lost were found in the target, not sent again.\n`,
    );
  if (summary.failures.length > 0) {
    lines.push(
      'Failures:',
      table(
        summary.failures.slice(0, 20).map((f) => ({ source: f.source, title: f.title, reason: f.reason })),
        70,
      ),
    );
    if (summary.failures.length > 20) lines.push(`… and ${summary.failures.length - 20} more\n`);
  }
  if (summary.warnings.length > 0) lines.push('Warnings, by reason:', warningTable(summary.warnings));
  if (summary.stopped) {
    const when = summary.stopped.resetAt
      ? ` It can continue after ${summary.stopped.resetAt}; run the same command again.`
      : ' Run the same command again to finish.';
    lines.push(`Stopped early: ${summary.stopped.reason}.${when}\n`);
  }
  // The stop reason and the failures hold provider text; tables are escaped already, and escaping is idempotent.
  return printable(lines.join('\n'), { lines: true });
}
