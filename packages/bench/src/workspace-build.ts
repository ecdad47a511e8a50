/** Workspace packages built once for the sections that measure what users install: the published `dist/`. */
import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './processes.ts';
import type { BenchContext } from './report.ts';

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Builds a workspace package with tsup unless its `dist/` is newer than its sources. */
export async function ensureBuilt(context: BenchContext, name: string): Promise<void> {
  const directory = join(context.repoRoot, 'packages', name);
  const built = (() => {
    try {
      return statSync(join(directory, 'dist', 'index.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = Math.max(
    await newestMtime(join(directory, 'src')),
    statSync(join(directory, 'package.json')).mtimeMs,
    statSync(join(directory, 'tsup.config.ts')).mtimeMs,
  );
  if (built > sources) return;
  context.log(`building @goalbridge/${name}`);
  await runCommand(join(context.repoRoot, 'node_modules', '.bin', 'tsup'), [], { cwd: directory });
}
