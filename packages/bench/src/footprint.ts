/**
 * Row 1 — footprint. `@goalbridge/pipedrive` (with core and every dependency) against the official `pipedrive`
 * client, both installed from packages the way a user gets them: the workspace packages are built and packed,
 * each side is `npm install`ed into its own temporary directory, a one-file consumer that uses only goals is
 * bundled with esbuild, and cold imports are timed in fresh processes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { runCommand, runNode } from './processes.ts';
import type { BenchContext, Row, Section, SectionResult } from './report.ts';
import { formatBytes, formatMs, median, shuffled } from './stats.ts';
import { ensureBuilt } from './workspace-build.ts';

/** The workspace packages a Pipedrive user installs. */
const WORKSPACE_PACKAGES = ['core', 'pipedrive'] as const;
const IMPORT_RUNS = 11;

const CONSUMERS = {
  goalbridge: `import { createPipedriveAdapter } from '@goalbridge/pipedrive';
export function goals(apiToken, baseURL) {
  const pipedrive = createPipedriveAdapter({ apiToken, baseURL });
  return {
    find: (title) => pipedrive.find({ title, assigneeType: 'person' }),
    add: (input) => pipedrive.create(input),
    update: (id, patch) => pipedrive.update(id, patch),
    delete: (id) => pipedrive.delete(id),
  };
}
`,
  official: `import { Configuration, GoalsApi } from 'pipedrive/v1';
export function goals(apiToken, basePath) {
  const api = new GoalsApi(new Configuration({ apiKey: apiToken, basePath }));
  return {
    find: (title) => api.getGoals({ title, assignee_type: 'person' }),
    add: (body) => api.addGoal({ AddGoalRequest: body }),
    update: (id, body) => api.updateGoal({ id, BasicGoalRequest: body }),
    delete: (id) => api.deleteGoal({ id }),
  };
}
`,
} as const;
type Side = keyof typeof CONSUMERS;
const SIDES = Object.keys(CONSUMERS) as Side[];

/** CommonJS inside an ESM bundle (the official client and its dependencies) needs a real `require`. */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** `npm` with this Node first on PATH, quiet, caching downloads in the bench's `.cache/` for the next run. */
function npm(context: BenchContext, args: string[], cwd: string): Promise<string> {
  const path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  const cache = join(context.benchRoot, '.cache', 'npm');
  return runCommand('npm', [...args, '--cache', cache, '--loglevel=error', '--no-audit', '--no-fund'], {
    cwd,
    env: { ...process.env, PATH: path },
  });
}

interface InstallSize {
  bytes: number;
  files: number;
  packages: number;
}

/** Bytes of every file under node_modules (npm's own bookkeeping — `.bin`, `.package-lock.json` — left out). */
async function installedSize(nodeModules: string): Promise<InstallSize> {
  const size: InstallSize = { bytes: 0, files: 0, packages: 0 };
  async function walk(directory: string, kind: 'modules' | 'scope' | 'other'): Promise<void> {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      if (kind === 'modules' && entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        const isScope = kind === 'modules' && entry.name.startsWith('@');
        if ((kind === 'modules' && !isScope) || kind === 'scope') size.packages++;
        await walk(path, entry.name === 'node_modules' ? 'modules' : isScope ? 'scope' : 'other');
      } else if (entry.isFile()) {
        size.files++;
        size.bytes += (await stat(path)).size;
      }
    }
  }
  await walk(nodeModules, 'modules');
  return size;
}

interface BundleSize {
  minified: number;
  gzipped: number;
  /** Minified bytes by package, largest first. */
  byPackage: [string, number][];
}

function packageOf(input: string): string {
  const parts = input.split('node_modules/').at(-1)?.split('/') ?? [input];
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

async function bundle(entry: string, outfile: string): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    outfile,
    metafile: true,
    banner: { js: REQUIRE_BANNER },
    logLevel: 'silent',
  });
  const code = readFileSync(outfile);
  const byPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return {
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
  };
}

/** Milliseconds a fresh Node process spends in `await import(file)` (process start-up not included). */
async function importTime(file: string): Promise<number> {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const result = await runNode(['--input-type=module', '--eval', code], { cwd: dirname(file) });
  if (result.code !== 0) throw new Error(`importing ${file} failed: ${result.stderr.slice(0, 2000)}`);
  return Number(result.stdout.trim());
}

interface SideFigures {
  install: InstallSize;
  bundle: BundleSize;
  importMs: { bundled: number[]; unbundled: number[] };
}

async function install(context: BenchContext, root: string): Promise<Record<Side, string>> {
  const tarballs = join(root, 'tarballs');
  const versions: string[] = [];
  for (const name of WORKSPACE_PACKAGES) {
    await ensureBuilt(context, name);
    const directory = join(context.repoRoot, 'packages', name);
    const pnpm = join(context.repoRoot, 'node_modules', '.bin', 'pnpm');
    await runCommand(pnpm, ['pack', '--pack-destination', tarballs], { cwd: directory });
    versions.push(
      (JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version: string }).version,
    );
  }
  const tarball = (name: string, index: number) =>
    `file:${join(tarballs, `goalbridge-${name}-${versions[index]}.tgz`)}`;
  const local = Object.fromEntries(
    WORKSPACE_PACKAGES.map((name, index) => [`@goalbridge/${name}`, tarball(name, index)]),
  );
  const officialVersion = (
    JSON.parse(readFileSync(join(context.benchRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies.pipedrive as string;
  const manifests: Record<Side, object> = {
    // Core is named twice: as a dependency and as the override that makes pipedrive's `^0.1.0` use the tarball.
    goalbridge: {
      name: 'footprint-goalbridge',
      private: true,
      type: 'module',
      dependencies: local,
      overrides: local,
    },
    official: {
      name: 'footprint-official',
      private: true,
      type: 'module',
      dependencies: { pipedrive: officialVersion },
    },
  };
  const directories = {} as Record<Side, string>;
  for (const side of SIDES) {
    const directory = join(root, side);
    directories[side] = directory;
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'package.json'), JSON.stringify(manifests[side], null, 2));
    writeFileSync(join(directory, 'consumer.mjs'), CONSUMERS[side]);
    context.log(`footprint: npm install (${side})`);
    await npm(context, ['install', '--omit=dev', '--ignore-scripts', '--prefer-offline'], directory);
  }
  return directories;
}

export const footprintSection: Section = {
  name: 'footprint',
  title: 'Footprint — @goalbridge/pipedrive vs the official pipedrive client',
  async run(context: BenchContext): Promise<SectionResult> {
    const root = mkdtempSync(join(tmpdir(), 'goalbridge-footprint-'));
    try {
      const directories = await install(context, root);
      const figures = {} as Record<Side, SideFigures>;
      for (const side of SIDES) {
        const directory = directories[side];
        figures[side] = {
          install: await installedSize(join(directory, 'node_modules')),
          bundle: await bundle(join(directory, 'consumer.mjs'), join(directory, 'bundle.mjs')),
          importMs: { bundled: [], unbundled: [] },
        };
      }
      context.log(`footprint: cold imports, ${IMPORT_RUNS} fresh processes per variant`);
      const variants = SIDES.flatMap((side) =>
        (['bundled', 'unbundled'] as const).map((kind) => ({
          side,
          kind,
          file: join(directories[side], kind === 'bundled' ? 'bundle.mjs' : 'consumer.mjs'),
        })),
      );
      for (let round = 0; round <= IMPORT_RUNS; round++) {
        for (const variant of shuffled(variants, round + 1)) {
          const ms = await importTime(variant.file);
          // Round 0 warms the file system cache and is not counted.
          if (round > 0) figures[variant.side].importMs[variant.kind].push(ms);
        }
      }
      return summarize(figures);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

function composition(bundleSize: BundleSize): string {
  return bundleSize.byPackage
    .slice(0, 5)
    .map(([name, bytes]) => `${name} ${formatBytes(bytes)}`)
    .join(', ');
}

function summarize(figures: Record<Side, SideFigures>): SectionResult {
  const { goalbridge: ours, official } = figures;
  const imports = (side: Side, kind: 'bundled' | 'unbundled') => median(figures[side].importMs[kind]);
  const rows: Row[] = [
    {
      name: 'install size (npm, production deps)',
      subject: formatBytes(ours.install.bytes),
      baseline: `official ${formatBytes(official.install.bytes)}`,
      ratio: ours.install.bytes / official.install.bytes,
    },
    {
      name: 'bundle, minified + gzip',
      subject: formatBytes(ours.bundle.gzipped),
      baseline: `official ${formatBytes(official.bundle.gzipped)}`,
      ratio: ours.bundle.gzipped / official.bundle.gzipped,
      goal: '≤ 0.20×',
      pass: ours.bundle.gzipped * 5 <= official.bundle.gzipped,
    },
    {
      name: 'bundle, minified',
      subject: formatBytes(ours.bundle.minified),
      baseline: `official ${formatBytes(official.bundle.minified)}`,
      ratio: ours.bundle.minified / official.bundle.minified,
    },
    {
      name: 'cold import, bundled',
      subject: formatMs(imports('goalbridge', 'bundled')),
      baseline: `official ${formatMs(imports('official', 'bundled'))}`,
      ratio: imports('goalbridge', 'bundled') / imports('official', 'bundled'),
      goal: '≤ 0.33×',
      pass: imports('goalbridge', 'bundled') * 3 <= imports('official', 'bundled'),
    },
    {
      name: 'cold import, unbundled',
      subject: formatMs(imports('goalbridge', 'unbundled')),
      baseline: `official ${formatMs(imports('official', 'unbundled'))}`,
      ratio: imports('goalbridge', 'unbundled') / imports('official', 'unbundled'),
    },
  ];
  const notes = [
    'Both sides installed by `npm install --omit=dev` into empty directories: goalbridge from `pnpm pack` tarballs of the ' +
      `freshly built workspace packages (core + pipedrive), the official client from the registry. Installed: goalbridge ` +
      `${ours.install.packages} packages, ${ours.install.files} files; official ${official.install.packages} packages, ` +
      `${official.install.files} files. goalbridge packages ship dist, source maps and their TypeScript sources.`,
    'Bundle: one consumer file using only goals (find, add, update, delete) — `@goalbridge/pipedrive` vs `pipedrive/v1`, the ' +
      'official client’s leanest entry — bundled by esbuild (ESM, platform node, minified, tree-shaken), gzip level 9.',
    `Bundle composition, goalbridge: ${composition(ours.bundle)}; official: ${composition(official.bundle)}.`,
    `Cold import: time spent in \`await import()\` of the bundle or of the consumer file (resolving node_modules) in a fresh ` +
      `Node process, start-up excluded; median of ${IMPORT_RUNS} processes per variant, variants in a shuffled order each ` +
      'round, after one uncounted round.',
  ];
  return { rows, notes, raw: figures };
}
