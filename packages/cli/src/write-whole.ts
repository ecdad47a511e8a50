import { createWriteStream } from 'node:fs';
import { realpath, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, GoalbridgeError } from '@goalbridge/core';
import type { Io } from './io.ts';

/**
 * Writes `path` whole or not at all: into `path.partial` beside the file a link points to, renamed over it
 * when complete, removed on any failure, so a failed or stopped run leaves the file as it was. A device or a
 * pipe (`/dev/null`, `/dev/stdout`) cannot be replaced: it is written as it is.
 */
export async function writeWhole(path: string, lines: AsyncIterable<string> | Iterable<string>, io: Io) {
  const file = await realpath(path).catch(() => path);
  const special = await stat(file).then(
    (info) => !info.isFile(),
    () => false,
  );
  const temporary = special ? file : `${file}.partial`;
  try {
    // pipeline() turns a file that cannot be written (no such folder, disk full) into a rejection.
    await pipeline(Readable.from(lines), createWriteStream(temporary));
    if (!special) await rename(temporary, file);
  } catch (error) {
    // The removal fails too when the folder cannot hold the file (ENOTDIR): the write's error is the one to tell.
    if (!special) await rm(temporary, { force: true }).catch(() => undefined);
    // A stop (Ctrl-C) or a provider's error is reported as such; only the rest is about the file.
    if (io.signal.aborted || GoalbridgeError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}
