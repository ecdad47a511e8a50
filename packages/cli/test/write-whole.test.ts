import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Io } from '../src/io.ts';
import { writeWhole } from '../src/write-whole.ts';

const io = { signal: new AbortController().signal } as Io;
const dir = mkdtempSync(join(tmpdir(), 'goalbridge-write-whole-'));

describe('writeWhole', () => {
  it('writes through a link, even one whose file does not exist yet, and keeps the link', async () => {
    mkdirSync(join(dir, 'sub'));
    const link = join(dir, 'dangling.json');
    symlinkSync(join('sub', 'target.json'), link);
    await writeWhole(link, ['new\n'], io);
    expect([lstatSync(link).isSymbolicLink(), readFileSync(join(dir, 'sub', 'target.json'), 'utf8')]).toEqual(
      [true, 'new\n'],
    );
  });

  it('keeps the permissions of the file it replaces, also while the new content is being written', async () => {
    const secret = join(dir, 'private.json');
    writeFileSync(secret, 'old\n', { mode: 0o600 });
    chmodSync(secret, 0o600);
    writeFileSync(`${secret}.partial`, 'left by a killed run', { mode: 0o644 });
    const seenWhileWriting: number[] = [];
    async function* lines() {
      yield 'new\n';
      await new Promise((resolve) => setTimeout(resolve, 20));
      seenWhileWriting.push(statSync(`${secret}.partial`).mode & 0o777);
      yield 'more\n';
    }
    await writeWhole(secret, lines(), io);
    expect(seenWhileWriting).toEqual([0o600]);
    expect([statSync(secret).mode & 0o777, readFileSync(secret, 'utf8')]).toEqual([0o600, 'new\nmore\n']);
  });

  it.each(['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', '/dev/./stdout', '//dev/fd/../fd/1'])(
    'appends to what %s was redirected to, between the lines printed around it',
    (stdout) => {
      const log = join(dir, 'log.txt');
      writeFileSync(log, 'earlier\n');
      const script = join(import.meta.dirname, 'fixtures', 'write-to-stdout.ts');
      const node = `'${process.execPath}' --conditions=@goalbridge/source '${script}' '${stdout}'`;
      execFileSync('sh', ['-c', `${node} >> '${log}'`]);
      expect(readFileSync(log, 'utf8')).toBe('earlier\nbefore\nwritten\nafter\n');
    },
  );

  it('replaces a regular file under /dev (a RAM disk) like any other, never appending to it', async () => {
    const ramDisk = mkdtempSync('/dev/shm/goalbridge-');
    const file = join(ramDisk, 'goals.ndjson');
    try {
      await writeWhole(file, ['first\n'], io);
      await writeWhole(file, ['second\n'], io);
      expect(readFileSync(file, 'utf8')).toBe('second\n');
    } finally {
      rmSync(ramDisk, { recursive: true, force: true });
    }
  });
});
