import type { GoalAdapter } from '../adapter/contract.ts';
import { type ApplyOptions, apply, writeSettingsOf } from './apply.ts';
import { type MigrationPlan, type PlanOptions, plan } from './plan.ts';
import type { MigrationSummary } from './summary.ts';

export interface MigrateOptions
  extends PlanOptions,
    Omit<ApplyOptions, 'target' | 'naturalKey' | 'signal' | 'idMap'> {
  /** Plan only: report what would happen, write nothing. */
  dryRun?: boolean | undefined;
}

/** Plans and applies in one call; with `dryRun` it returns the plan and writes nothing. */
export async function migrate(
  source: GoalAdapter,
  target: GoalAdapter,
  options: MigrateOptions = {},
): Promise<{ plan: MigrationPlan; summary?: MigrationSummary }> {
  const planned = await plan(source, target, options);
  if (options.dryRun) return { plan: planned };
  const summary = await apply(planned, {
    ...writeSettingsOf(options),
    target,
    naturalKey: options.naturalKey,
  });
  return { plan: planned, summary };
}
