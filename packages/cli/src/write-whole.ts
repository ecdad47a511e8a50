import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, GoalbridgeError } from '@goalbridge/core';
import type { Io } from './io.ts';

/**
 * Writes `path` whole or not at all: into `path.partial`, renamed when complete, removed on any failure, so a
 * failed or stopped run leaves the file as it was.
 */
export async function writeWhole(path: string, lines: AsyncIterable<string> | Iterable<string>, io: Io) {
  const temporary = `${path}.partial`;
  try {
    // pipeline() turns a file that cannot be written (no such folder, disk full) into a rejection.
    await pipeline(Readable.from(lines), createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    // The removal fails too when the folder cannot hold the file (ENOTDIR): the write's error is the one to tell.
    await rm(temporary, { force: true }).catch(() => undefined);
    // A stop (Ctrl-C) or a provider's error is reported as such; only the rest is about the file.
    if (io.signal.aborted || GoalbridgeError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}
