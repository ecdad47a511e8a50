import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
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

  it('appends to what /dev/stdout was redirected to, between the lines printed around it', () => {
    const log = join(dir, 'log.txt');
    writeFileSync(log, 'earlier\n');
    const script = join(import.meta.dirname, 'fixtures', 'write-to-stdout.ts');
    const node = `'${process.execPath}' --conditions=@goalbridge/source '${script}'`;
    execFileSync('sh', ['-c', `${node} >> '${log}'`]);
    expect(readFileSync(log, 'utf8')).toBe('earlier\nbefore\nwritten\nafter\n');
  });
});
