/** The build every published package shares: ESM for Node ≥ 22 with declarations and source maps. */
import { defineConfig, type Options } from 'tsup';

export function packageBuild(entry: Record<string, string>, options: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: true,
    clean: true,
    target: 'node22',
    sourcemap: true,
    ...options,
  });
}
