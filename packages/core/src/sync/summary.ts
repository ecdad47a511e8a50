/** The account of a migration run: counts, a reason for every failure and skip, and warnings grouped by reason. */
import type { MappingWarning } from '../model/warnings.ts';
import type { ItemOutcome } from './apply.ts';
import type { PlanItem } from './plan.ts';

export interface WarningGroup {
  field: string;
  reason: string;
  action: string;
  /** How many warnings: one per goal and detail (a goal listed twice in one input counts once). */
  count: number;
  /** Up to five source goals it concerns, with the detail where there is one. */
  examples: string[];
}

export interface MigrationSummary {
  source: string;
  target: string;
  /** `remaining`: planned items not reached because the run stopped early (0 for streamed plans). */
  counts: Record<ItemOutcome, number> & { remaining: number };
  /** Creates whose answer was lost but which were found in the target instead of being sent again. */
  recovered: number;
  failures: { source: string; title: string; reason: string; code?: string }[];
  skips: { source: string; title: string; reason: string }[];
  warnings: WarningGroup[];
  /** Why the run ended early, and when it can continue. */
  stopped?: { reason: string; resetAt?: string };
  durationMs: number;
}

/** Warnings grouped by field, reason and action: counted, with up to five examples named by source goal. */
export class WarningGroups {
  readonly #groups = new Map<string, WarningGroup>();
  /** Group, source and detail of every warning counted: the same one again (a repeated listing) is not. */
  readonly #counted = new Set<string>();

  add(source: string, warning: MappingWarning): void {
    const id = `${warning.field}\u0000${warning.reason}\u0000${warning.action}`;
    const counted = `${id}\u0000${source}\u0000${warning.detail ?? ''}`;
    if (this.#counted.has(counted)) return;
    this.#counted.add(counted);
    let group = this.#groups.get(id);
    if (!group) {
      group = {
        field: warning.field,
        reason: warning.reason,
        action: warning.action,
        count: 0,
        examples: [],
      };
      this.#groups.set(id, group);
    }
    group.count++;
    // A detail that only repeats the source (where a goal came from), or its id, is left out.
    const repeatsSource = warning.detail === source || source.endsWith(`:${warning.detail}`);
    const detail = repeatsSource ? undefined : warning.detail;
    if (group.examples.length < 5) group.examples.push(detail ? `${source} (${detail})` : source);
  }

  /** The groups, largest first. */
  list(): WarningGroup[] {
    return [...this.#groups.values()].sort((a, b) => b.count - a.count);
  }
}

export class SummaryBuilder {
  readonly #source: string;
  readonly #target: string;
  readonly #total: number | undefined;
  readonly #started = performance.now();
  readonly #counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  readonly #failures: MigrationSummary['failures'] = [];
  readonly #skips: MigrationSummary['skips'] = [];
  readonly #warnings = new WarningGroups();
  #recovered = 0;
  #stopped: MigrationSummary['stopped'];

  constructor(source: string, target: string, total?: number) {
    this.#source = source;
    this.#target = target;
    this.#total = total;
  }

  add(
    item: PlanItem,
    outcome: ItemOutcome,
    extra: { reason?: string; code?: string; recovered?: boolean; warnings?: MappingWarning[] } = {},
  ): void {
    this.#counts[outcome]++;
    if (extra.recovered) this.#recovered++;
    if (outcome === 'failed') {
      this.#failures.push({
        source: item.source,
        title: item.title,
        reason: extra.reason ?? 'failed',
        ...(extra.code ? { code: extra.code } : {}),
      });
    }
    if (outcome === 'skipped')
      this.#skips.push({ source: item.source, title: item.title, reason: extra.reason ?? 'skipped' });
    for (const warning of uniqueWarnings([...item.warnings, ...(extra.warnings ?? [])]))
      this.#warnings.add(item.source, warning);
  }

  stop(reason: string, resetAt?: Date): void {
    this.#stopped = resetAt ? { reason, resetAt: resetAt.toISOString() } : { reason };
  }

  build(): MigrationSummary {
    const done = Object.values(this.#counts).reduce((sum, count) => sum + count, 0);
    return {
      source: this.#source,
      target: this.#target,
      counts: { ...this.#counts, remaining: this.#total === undefined ? 0 : this.#total - done },
      recovered: this.#recovered,
      failures: this.#failures,
      skips: this.#skips,
      warnings: this.#warnings.list(),
      ...(this.#stopped ? { stopped: this.#stopped } : {}),
      durationMs: Math.round(performance.now() - this.#started),
    };
  }
}

function uniqueWarnings(warnings: MappingWarning[]): MappingWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const id = `${warning.field}\u0000${warning.reason}\u0000${warning.action}\u0000${warning.detail ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
