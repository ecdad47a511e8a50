/** Reading user files (owner maps, plans, NDJSON) with errors that name the file and the line. */
import { createReadStream } from 'node:fs';
import { open, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { type OwnerMap, parseOwnerMap } from '../sync/owner-map.ts';

/** Why a file operation failed, as short as the system says it: the errno code (`ENOENT`), else the message. */
export function fileErrorReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);
}

/**
 * The file `path` stands for: links followed, a chain of them too, even to a file not created yet, in its
 * folder's real path. What cannot be followed (a missing folder, a loop) is returned as far as it got, for
 * the caller's own open to fail on and name.
 */
export async function followLinks(path: string): Promise<string> {
  let file = resolve(path);
  for (let links = 0; links < 40; links++) {
    const target = await readlink(file).catch(() => undefined); // not a link, or not there
    if (target === undefined) break;
    file = resolve(dirname(file), target);
  }
  const folder = await realpath(dirname(file)).catch(() => undefined);
  return folder === undefined ? file : join(folder, basename(file));
}

/** Parsed JSON of a file; a ConfigError names the file, and the line and column of a syntax error. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${fileErrorReason(error)}`);
  }
  // Editors on Windows save UTF-8 with a byte order mark; it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1]);
    const where = Number.isInteger(position) ? lineAndColumn(text, position) : '';
    throw new ConfigError(
      `${path}${where} is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
    );
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

/** An owner map file; bad keys are reported with the file name. */
export async function readOwnerMapFile(path: string): Promise<OwnerMap> {
  return parseOwnerMap(await readJsonFile(path), path);
}

/**
 * A file's bytes as a stream of chunks, for `readNdjson`/`importNdjson` (constant memory). The file is opened
 * when the first chunk is asked for, and one that cannot be read is a ConfigError naming it — never an
 * unhandled stream error.
 */
export async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path)) yield chunk as Uint8Array;
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${fileErrorReason(error)}`);
  }
}

/** Makes a rename in `folder` survive a power loss. Best effort: some systems cannot open a folder to sync it. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  await handle
    ?.sync()
    .catch(() => undefined)
    .finally(() => handle.close());
}
