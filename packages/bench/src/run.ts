/**
 * `pnpm bench [section…]`: runs every section (or the named ones), prints one table of ratios — each row
 * against a baseline measured in this same run — and writes the raw figures to `results/latest.json`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { footprintSection } from './footprint.ts';
import { mappingSection } from './mapping.ts';
import { memorySection } from './memory.ts';
import { migrationSection } from './migration.ts';
import {
  type BenchContext,
  formatTable,
  machineInfo,
  SECTION_NAMES,
  type Section,
  type SectionName,
  type SectionResult,
  writeResults,
} from './report.ts';
import { requestPathSection } from './request-path.ts';

const SECTIONS: readonly Section[] = [
  footprintSection,
  requestPathSection,
  migrationSection,
  memorySection,
  mappingSection,
];

function selectedSections(args: readonly string[]): Section[] {
  const wanted = args.filter((arg) => arg !== '--');
  const unknown = wanted.filter((name) => !SECTION_NAMES.includes(name as SectionName));
  if (unknown.length > 0) {
    console.error(`unknown section: ${unknown.join(', ')}; choose from ${SECTION_NAMES.join(', ')}`);
    process.exit(2);
  }
  return wanted.length === 0 ? [...SECTIONS] : SECTIONS.filter((section) => wanted.includes(section.name));
}

/** A section that throws is reported as a failed row; the others still run. */
async function runSection(section: Section, context: BenchContext): Promise<SectionResult> {
  try {
    return await section.run(context);
  } catch (error) {
    process.exitCode = 1;
    const message = error instanceof Error ? error.message : String(error);
    console.error(error);
    return {
      rows: [{ name: 'section did not finish', subject: 'error', baseline: '—', pass: false }],
      notes: [`Error: ${message.split('\n')[0]}`],
      raw: { error: message },
    };
  }
}

async function main(): Promise<void> {
  const benchRoot = dirname(dirname(fileURLToPath(import.meta.url)));
  const context: BenchContext = {
    benchRoot,
    repoRoot: dirname(dirname(benchRoot)),
    log: (message) => process.stderr.write(`· ${message}\n`),
  };
  const machine = machineInfo();
  context.log(`node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}`);
  const results: { section: Section; result: SectionResult; durationMs: number }[] = [];
  for (const section of selectedSections(process.argv.slice(2))) {
    context.log(`— ${section.title}`);
    const started = performance.now();
    results.push({
      section,
      result: await runSection(section, context),
      durationMs: performance.now() - started,
    });
  }
  const file = join(benchRoot, 'results', 'latest.json');
  writeResults(file, results);
  console.log(formatTable(results));
  console.log(`\nRaw figures: ${file} (node ${machine.node}, ${machine.cpus} CPUs, ${machine.date})`);
  const failed = results.flatMap(({ result }) => result.rows).filter((row) => row.pass === false).length;
  if (failed > 0) console.log(`${failed} goal(s) not met.`);
}

await main();
