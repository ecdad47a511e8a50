/** What a section returns, and the one table of ratios printed at the end plus the raw figures in JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { formatRatio } from './stats.ts';

export const SECTION_NAMES = ['footprint', 'request-path', 'migration', 'memory', 'mapping'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface Row {
  /** What is compared, e.g. `bundle, min+gz`. */
  name: string;
  /** goalbridge's figure, formatted. */
  subject: string;
  /** The baseline(s) measured in the same run, formatted and named. */
  baseline: string;
  /** goalbridge ÷ baseline, where a ratio means something. */
  ratio?: number | undefined;
  /** The goal, in words (`≤ 0.20×`), or undefined for a row shown for information. */
  goal?: string | undefined;
  /** Whether the goal is met; undefined for information rows. */
  pass?: boolean | undefined;
}

export interface SectionResult {
  rows: Row[];
  /** How to read the rows: method, formula, anything a reader needs to trust the figures. */
  notes: string[];
  /** Every raw figure the rows were computed from. */
  raw: Record<string, unknown>;
}

export interface Section {
  name: SectionName;
  title: string;
  run(context: BenchContext): Promise<SectionResult>;
}

export interface BenchContext {
  /** The monorepo root. */
  repoRoot: string;
  /** `packages/bench`. */
  benchRoot: string;
  /** Progress on stderr, so stdout keeps only the table. */
  log(message: string): void;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

const HEADERS = ['#', 'row', 'goalbridge', 'baseline (same run)', 'ratio', 'goal', 'result'] as const;

/** The table, one line per row, and the notes of every section under it. */
export function formatTable(results: readonly { section: Section; result: SectionResult }[]): string {
  const lines: string[][] = [];
  results.forEach(({ section, result }) => {
    const number = String(SECTION_NAMES.indexOf(section.name) + 1);
    for (const row of result.rows) {
      lines.push([
        number,
        row.name,
        row.subject,
        row.baseline,
        row.ratio === undefined ? '—' : formatRatio(row.ratio),
        row.goal ?? '—',
        row.pass === undefined ? 'info' : row.pass ? 'PASS' : 'FAIL',
      ]);
    }
  });
  const widths = HEADERS.map((header, column) =>
    Math.max([...header].length, ...lines.map((line) => [...(line[column] as string)].length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => pad(cell, widths[column] as number))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  const out = [format(HEADERS), rule, ...lines.map(format)];
  for (const { section, result } of results) {
    if (result.notes.length === 0) continue;
    out.push('', `${SECTION_NAMES.indexOf(section.name) + 1}. ${section.title}`);
    for (const note of result.notes) out.push(`   - ${note}`);
  }
  return out.join('\n');
}

export function machineInfo(): Record<string, unknown> {
  const processors = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: processors.length,
    cpuModel: processors[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    date: new Date().toISOString(),
  };
}

export function writeResults(
  file: string,
  results: readonly { section: Section; result: SectionResult; durationMs: number }[],
): void {
  mkdirSync(dirname(file), { recursive: true });
  const document = {
    machine: machineInfo(),
    sections: Object.fromEntries(
      results.map(({ section, result, durationMs }) => [
        section.name,
        { title: section.title, durationMs: Math.round(durationMs), ...result },
      ]),
    ),
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}
