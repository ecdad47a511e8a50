import { createWriteStream } from 'node:fs';
import { chmod, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, GoalbridgeError } from '@goalbridge/core';
import { followLinks, syncFolder } from '@goalbridge/core/node';
import { mapLines } from './command.ts';
import type { Io } from './io.ts';

/** Paths of a process's own open files: written as they are, never replaced. */
const STREAM_PATH = /^\/(?:dev\/(?:stdout|stderr|fd\/\d+)|proc\/[^/]+\/fd\/\d+)$/;

/**
 * Writes `path` whole or not at all: into `path.partial` beside the file a link points to, synced, given the
 * replaced file's permissions and renamed over it when complete, removed on any failure, so a failed or
 * stopped run (or a power loss) leaves the file as it was. A device or a pipe cannot be replaced: it is
 * written as it is, and so is a standard stream's path (`/dev/stdout` leads to whatever the shell redirected
 * it to, which must be appended to, not replaced).
 */
export async function writeWhole(
  path: string,
  lines: AsyncIterable<string> | Iterable<string>,
  io: Io,
  { onDevice }: { onDevice?: (line: string) => string } = {},
) {
  // stat follows every link: a link to a pipe or a terminal is a device too. A standard stream's path
  // (`/dev/stdout`, `/proc/self/fd/1`) leads to whatever the shell opened, perhaps a file opened to append to.
  const existing = await stat(path).catch(() => undefined);
  const special = STREAM_PATH.test(resolve(path)) || (existing !== undefined && !existing.isFile());
  const file = special ? path : await followLinks(path);
  const temporary = special ? file : `${file}.partial`;
  // What goes to a device may reach a terminal: `onDevice` makes each line fit for one.
  const written = special && onDevice ? mapLines(lines, onDevice) : lines;
  try {
    // pipeline() turns a file that cannot be written (no such folder, disk full) into a rejection.
    // Appended to when written as it is: `/dev/stdout` may be a file the shell opened for appending.
    // Created with the replaced file's permissions (as far as the umask lets), so a private file's new content
    // is never readable by others while it is written; the exact bits are set again before the rename.
    const mode = existing?.isFile() ? existing.mode & 0o7777 : undefined;
    if (!special) await rm(temporary, { force: true }); // a left-over copy would keep its own permissions
    const out = createWriteStream(temporary, {
      flags: special ? 'a' : 'w',
      flush: !special,
      ...(mode === undefined ? {} : { mode }),
    });
    await pipeline(Readable.from(written), out);
    if (!special) {
      if (mode !== undefined) await chmod(temporary, mode);
      await rename(temporary, file);
      await syncFolder(dirname(file));
    }
  } catch (error) {
    // The removal fails too when the folder cannot hold the file (ENOTDIR): the write's error is the one to tell.
    if (!special) await rm(temporary, { force: true }).catch(() => undefined);
    // A stop (Ctrl-C) or a provider's error is reported as such; only the rest is about the file.
    if (io.signal.aborted || GoalbridgeError.isInstance(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot write ${path}: ${code ?? (error as Error).message}`);
  }
}
