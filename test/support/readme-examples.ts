/**
 * Runs the TypeScript examples of a README as written: each ```ts block (```ts skip blocks are fragments)
 * is saved under this folder's git-ignored `.cache/`, so package imports resolve as they would for a user,
 * then imported with console.log captured.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';

const cache = join(import.meta.dirname, '..', '.cache', 'readme-examples');

/** The runnable ```ts blocks of a README, relative to the repository root. */
export function readmeExamples(readme: string): string[] {
  const text = readFileSync(join(import.meta.dirname, '..', '..', readme), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string);
}

/** Runs one example and returns what it passed to console.log, call by call. */
export async function runExample(code: string, name: string): Promise<unknown[][]> {
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `${name}.ts`);
  writeFileSync(file, code);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(file);
    return log.mock.calls.map((call) => [...call]);
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
}
