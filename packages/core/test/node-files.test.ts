import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ValidationError } from '../src/errors.ts';
import { FileIdMapStore } from '../src/node/file-id-map-store.ts';
import { fileChunks, readJsonFile, readOwnerMapFile } from '../src/node/files.ts';
import { readNdjson } from '../src/streams/ndjson.ts';

const dir = mkdtempSync(join(tmpdir(), 'goalbridge-files-'));
let n = 0;
const file = () => join(dir, `map-${++n}.jsonl`);
const open: FileIdMapStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});
async function openStore(path: string) {
  const store = await FileIdMapStore.open(path);
  open.push(store);
  return store;
}
const entry = (i: number, state: 'pending' | 'done' = 'done') => ({
  source: `pipedrive:${i}`,
  target: 'plannr',
  state,
  ...(state === 'done' ? { targetId: `uuid-${i}` } : {}),
  key: `k${i}`,
  at: '2026-01-01T00:00:00.000Z',
});

const line = (i: number) => JSON.stringify({ v: 1, ...entry(i) });
/** What a lock taken by this process holds. */
const OURS = `${process.pid} ${pidNamespace()} ${hostname()}`;

/** The pid namespace a lock names, as the store reads it: `-` where there is no /proc (macOS, Windows). */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '-';
  }
}

/** How long a lock from another host must stand still, by our own clock, before it is taken over. */
const WATCH_MS = 15_000;
/** A lock held by a process on another host. */
const FOREIGN = '4242 pid:[4026531836] build box 7';

/**
 * Runs `body` on fake timers, a fake wall clock and a fake monotonic clock (`performance.now`), which the
 * lock's watch runs on; file times stay real, set from the fake wall clock where a test needs them.
 */
async function onFakeClocks(body: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
  try {
    await body();
  } finally {
    vi.useRealTimers();
  }
}

/** Lets real file I/O go on until the code under test waits on a fake timer (the watch, or a heartbeat). */
async function untilWaiting(): Promise<void> {
  for (let turn = 0; vi.getTimerCount() === 0 && turn < 10_000; turn++)
    await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A map whose lock a process on another host holds, last touched 20 s ago by our clock, and an open of it
 * begun and waiting: `opening` tells how it ended, 'opened' or the error message.
 */
async function openingBesideForeignLock() {
  const path = file();
  const lock = `${path}.lock`;
  writeFileSync(lock, FOREIGN);
  touchAgo(lock, 20_000);
  const opening = openStore(path).then(
    () => 'opened',
    (error: Error) => error.message,
  );
  await untilWaiting();
  return { path, lock, guard: `${lock}.takeover`, opening };
}

/** Sets a file's times to `agoMs` before the (possibly fake) wall clock's now. */
function touchAgo(path: string, agoMs: number): void {
  const at = new Date(Date.now() - agoMs);
  utimesSync(path, at, at);
}

/**
 * Starts `count` processes that each try to open the map at once (they wait for a go signal after loading),
 * and returns what each saw: 'opened' or the error message. A winner keeps the map open while the others try.
 */
async function raceToOpen(path: string, count: number): Promise<string[]> {
  const moduleUrl = new URL('../src/node/file-id-map-store.ts', import.meta.url).href;
  const go = `${path}.go`;
  const script = `
    import { existsSync } from 'node:fs';
    const { FileIdMapStore } = await import(${JSON.stringify(moduleUrl)});
    process.stdout.write('ready\\n');
    const giveUp = Date.now() + 5000;
    while (!existsSync(${JSON.stringify(go)}) && Date.now() < giveUp);
    try {
      const store = await FileIdMapStore.open(${JSON.stringify(path)});
      await store.set({ source: 'child:' + process.pid, target: 'plannr', state: 'done', targetId: 't', at: 'now' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await store.close();
      process.stdout.write('opened\\n');
    } catch (error) {
      process.stdout.write(error.message + '\\n');
    }`;
  let loading = count;
  const outputs = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise<string[]>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const wasReady = text.startsWith('ready\n');
        text += chunk.toString();
        if (!wasReady && text.startsWith('ready\n') && --loading === 0) writeFileSync(go, '');
      });
      child.on('exit', () => resolve(text.trim().split('\n')));
    });
  });
  return (await Promise.all(outputs)).map((lines) => lines.at(-1) ?? '');
}

describe('FileIdMapStore', () => {
  it('keeps entries across reopening, the last write of a source winning', async () => {
    const path = file();
    const store = await FileIdMapStore.open(path);
    await store.set(entry(1, 'pending'));
    await store.set(entry(1));
    await store.set(entry(2));
    await store.close();
    const again = await openStore(path);
    expect(await again.get('pipedrive:1', 'plannr')).toEqual(entry(1));
    expect((await again.entries('plannr')).map((e) => e.source)).toEqual(['pipedrive:1', 'pipedrive:2']);
    expect(await again.entries('capillary')).toEqual([]);
  });

  it('gives a snapshot for plans: read while another run holds the lock, never created, never written', async () => {
    const path = file();
    const store = await openStore(path);
    await store.set(entry(1));
    const snapshot = await FileIdMapStore.snapshot(path);
    expect(await snapshot.get('pipedrive:1', 'plannr')).toEqual(entry(1));
    await snapshot.set(entry(2));
    expect((await store.entries('plannr')).map((e) => e.source)).toEqual(['pipedrive:1']);
    const missing = file();
    expect(await (await FileIdMapStore.snapshot(missing)).entries('plannr')).toEqual([]);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(`${missing}.lock`)).toBe(false);
  });

  it('drops a torn last line left by a crash and rewrites the file whole', async () => {
    const path = file();
    writeFileSync(path, `${line(1)}\n{"v":1,"source":"pipedrive:2","tar`);
    const store = await openStore(path);
    expect(await store.entries('plannr')).toEqual([entry(1)]);
    expect(readFileSync(path, 'utf8')).toBe(`${line(1)}\n`);
    await store.set(entry(3));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('never drops an unterminated last line that is no piece of an entry: another file is refused, not rewritten', async () => {
    const path = file();
    const other = '{"pipedrive:person:1":{"type":"account","id":"x"}}';
    writeFileSync(path, other);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(
      `ID map ${path} line 1 is not a valid entry; fix or remove that line`,
    );
    expect(readFileSync(path, 'utf8')).toBe(other);
    // What a crash leaves of a first append is any start of an entry, down to "{".
    for (const torn of [
      '{',
      '{"v":1',
      `${line(2).slice(0, 20)}`,
      '\0'.repeat(40),
      `{"v":1,"so${'\0'.repeat(9)}`,
    ]) {
      writeFileSync(path, torn);
      expect(await (await FileIdMapStore.snapshot(path)).entries('plannr')).toEqual([]);
    }
    // Zeros that do not end the line are no torn append, and are judged in linear time (not backtracked).
    writeFileSync(path, `${'\0'.repeat(200_000)}x`);
    await expect(FileIdMapStore.snapshot(path)).rejects.toThrow('line 1 is not a valid entry');
  });

  it('refuses a corrupt line in the middle, naming file and line', async () => {
    const path = file();
    writeFileSync(path, `${line(1)}\nnot json\n${line(2)}\n`);
    const error = await FileIdMapStore.open(path).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `ID map ${path} line 2 is not a valid entry; fix or remove that line`,
    );
    writeFileSync(path, `${JSON.stringify({ v: 1, ...entry(1), state: 'maybe' })}\n`);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(/line 1 is not a valid entry/);
  });

  it('compacts a long journal into one line per entry', async () => {
    const path = file();
    const store = await openStore(path);
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 300; i++) await store.set(entry(i, round % 2 === 0 ? 'pending' : 'done'));
    }
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBeLessThan(900);
    await store.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(300);
  });

  it('is locked against a second writer, and a lock left by a dead process is taken over', async () => {
    const path = file();
    await openStore(path);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(/already open in this process/);

    const other = file();
    writeFileSync(`${other}.lock`, '999999999');
    const taken = await openStore(other);
    await taken.set(entry(1));

    const busy = file();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(`${busy}.lock`, String(sleeper.pid));
      await expect(FileIdMapStore.open(busy)).rejects.toThrow(new RegExp(`in use by process ${sleeper.pid}`));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock from another host or pid namespace only once its heartbeat has stopped', async () => {
    for (const [holder, where] of [
      ['999999999 pid:[4026531836] build box 7', ' on host build box 7'],
      // Our host, another pid namespace (a container with the host's name): its pid means nothing here,
      // not even when it is ours.
      [`999999999 pid:[1] ${hostname()}`, ''],
      [`${process.pid} pid:[1] ${hostname()}`, ''],
    ] as const) {
      const path = file();
      writeFileSync(`${path}.lock`, holder);
      const heldBy = holder.split(' ')[0];
      await expect(FileIdMapStore.open(path)).rejects.toThrow(
        `ID map ${path} is in use by process ${heldBy}${where}; wait for it to finish or stop it`,
      );
      await onFakeClocks(async () => {
        touchAgo(`${path}.lock`, 60_000);
        const opening = openStore(path);
        await untilWaiting();
        await vi.advanceTimersByTimeAsync(WATCH_MS);
        await opening;
      });
      expect(readFileSync(`${path}.lock`, 'utf8')).toBe(OURS);
    }
  });

  it('never takes over a lock from another host that looks old by the clocks while its holder keeps touching it', async () => {
    await onFakeClocks(async () => {
      const path = file();
      const lock = `${path}.lock`;
      writeFileSync(lock, FOREIGN);
      // The holder's clock runs 20 s behind ours: each of its touches looks 20 s old here.
      touchAgo(lock, 20_000);
      const opening = FileIdMapStore.open(path).catch((caught: unknown) => caught);
      await untilWaiting();
      for (let beat = 0; beat < 10; beat++) {
        await vi.advanceTimersByTimeAsync(2_000);
        touchAgo(lock, 20_000);
      }
      const error = await opening;
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `ID map ${path} is in use by process 4242 on host build box 7; wait for it to finish or stop it`,
      );
      expect(readFileSync(lock, 'utf8')).toBe(FOREIGN);
    });
  });

  it('takes over a lock from another host that looks old by the clocks once it stands still for 15 s by ours', async () => {
    await onFakeClocks(async () => {
      const { lock, opening } = await openingBesideForeignLock();
      await vi.advanceTimersByTimeAsync(WATCH_MS - 1_000);
      expect(readFileSync(lock, 'utf8')).toBe(FOREIGN);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await opening).toBe('opened');
      expect(readFileSync(lock, 'utf8')).toBe(OURS);
    });
  });

  it('after a watch, waits for another takeover to end, and takes the lock over only if still untouched', async () => {
    for (const touchedMeanwhile of [false, true]) {
      await onFakeClocks(async () => {
        const { path, lock, guard, opening } = await openingBesideForeignLock();
        // Another process begins a takeover of its own just before the watch ends.
        await vi.advanceTimersByTimeAsync(WATCH_MS - 1_000);
        writeFileSync(guard, '');
        touchAgo(guard, 0);
        await vi.advanceTimersByTimeAsync(2_000);
        expect(readFileSync(lock, 'utf8')).toBe(FOREIGN);
        if (touchedMeanwhile) touchAgo(lock, 20_000);
        rmSync(guard);
        await vi.advanceTimersByTimeAsync(1_000);
        if (!touchedMeanwhile) {
          // Not watched again: it has stood still all along.
          expect(await opening).toBe('opened');
          expect(readFileSync(lock, 'utf8')).toBe(OURS);
          return;
        }
        // Touched: watched afresh, and found held.
        expect(readFileSync(lock, 'utf8')).toBe(FOREIGN);
        await vi.advanceTimersByTimeAsync(1_000);
        touchAgo(lock, 20_000);
        await vi.advanceTimersByTimeAsync(1_000);
        expect(await opening).toBe(
          `ID map ${path} is in use by process 4242 on host build box 7; wait for it to finish or stop it`,
        );
      });
    }
  });

  it('after a second watch, still takes over a lock found left, however long both watches took', async () => {
    await onFakeClocks(async () => {
      const { lock, guard, opening } = await openingBesideForeignLock();
      // Another takeover holds the guard as the first watch ends; the holder touches the lock once, then stops.
      await vi.advanceTimersByTimeAsync(WATCH_MS - 500);
      writeFileSync(guard, '');
      touchAgo(guard, 0);
      await vi.advanceTimersByTimeAsync(1_500);
      touchAgo(lock, 20_000);
      rmSync(guard);
      // The second watch ends past the first deadline (10 s + 15 s from the start).
      await vi.advanceTimersByTimeAsync(WATCH_MS + 1_000);
      expect(await opening).toBe('opened');
      expect(readFileSync(lock, 'utf8')).toBe(OURS);
    });
  });

  it('takes over a quiet lock whose pid a process started later uses, never one its holder keeps touching', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      await new Promise((resolve) => sleeper.once('spawn', resolve));
      const sameHere = `${sleeper.pid} ${pidNamespace()} ${hostname()}`;
      const reused = file();
      writeFileSync(`${reused}.lock`, sameHere);
      // Quiet since an hour before the live process with that pid started: left by an earlier one.
      const hourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(`${reused}.lock`, hourAgo, hourAgo);
      await openStore(reused);
      expect(readFileSync(`${reused}.lock`, 'utf8')).toBe(OURS);

      // Touched 5 s before its process started, by the clocks: still heard, so its holder, clocks or not.
      const held = file();
      writeFileSync(`${held}.lock`, sameHere);
      const beforeStart = new Date(Date.now() - 5_000);
      utimesSync(`${held}.lock`, beforeStart, beforeStart);
      await expect(FileIdMapStore.open(held)).rejects.toThrow(`in use by process ${sleeper.pid};`);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it.each([
    ['after its heartbeat noticed', true],
    ['before its next heartbeat', false],
  ])(
    'writes nothing more once another process has taken its lock over, and says so (%s)',
    async (_when, beat) => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const path = file();
        const store = await FileIdMapStore.open(path);
        await store.set(entry(1));
        // Another process, wrongly finding the lock abandoned, takes it and writes.
        writeFileSync(`${path}.lock`, `4242 pid:[1] other-host`);
        appendFileSync(path, `${line(2)}\n`);
        if (beat) vi.advanceTimersByTime(2_000);
        await expect(store.set(entry(3))).rejects.toThrow(`ID map ${path} was taken over by another process`);
        await expect(store.close()).rejects.toThrow('was taken over');
        // Neither compacted over nor unlocked: the other process's entry and lock stay.
        expect(readFileSync(path, 'utf8')).toBe(`${line(1)}\n${line(2)}\n`);
        expect(readFileSync(`${path}.lock`, 'utf8')).toBe('4242 pid:[1] other-host');
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it('goes on writing when its lock cannot be read just now (no file handle left), as its heartbeat does', async () => {
    const path = file();
    const store = await openStore(path);
    await store.set(entry(1));
    // Unreadable for a moment (EISDIR here; EMFILE in a process out of file handles): owner unknown.
    rmSync(`${path}.lock`);
    mkdirSync(`${path}.lock`);
    try {
      await store.set(entry(2));
    } finally {
      rmdirSync(`${path}.lock`);
      writeFileSync(`${path}.lock`, OURS);
    }
    await store.set(entry(3));
    expect((await store.entries('plannr')).map((item) => item.source)).toEqual([
      'pipedrive:1',
      'pipedrive:2',
      'pipedrive:3',
    ]);
  });

  it('keeps touching the lock it holds, so that others hear it is alive', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const path = file();
      await openStore(path);
      const quiet = new Date(Date.now() - 60_000);
      utimesSync(`${path}.lock`, quiet, quiet);
      vi.advanceTimersByTime(2_000);
      expect(Date.now() - statSync(`${path}.lock`).mtimeMs).toBeLessThan(5_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets exactly one of several processes racing for a stale lock take it over', async () => {
    const path = file();
    writeFileSync(`${path}.lock`, '999999999');
    const outcomes = await raceToOpen(path, 4);
    expect(outcomes.filter((outcome) => outcome === 'opened')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o !== 'opened'))
      expect(outcome).toMatch(/^ID map .* is in use by process \d+; wait for it to finish or stop it$/);
    // Only the winner wrote; nobody's compaction overwrote another's entries.
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(`${path}.lock`)).toBe(false);
    expect(existsSync(`${path}.lock.takeover`)).toBe(false);
  });

  it('waits for another process taking over a stale lock, and then finds it in use', async () => {
    const path = file();
    writeFileSync(`${path}.lock`, '999999999');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      // Another process has found the lock stale too and is replacing it: its takeover lock is there.
      writeFileSync(`${path}.lock.takeover`, String(sleeper.pid));
      const opening = FileIdMapStore.open(path).catch((caught: unknown) => caught);
      await new Promise((resolve) => setTimeout(resolve, 30));
      // It finishes: its own lock in place of the stale one, then its takeover lock released.
      writeFileSync(`${path}.lock`, String(sleeper.pid));
      rmSync(`${path}.lock.takeover`);
      const error = await opening;
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(new RegExp(`in use by process ${sleeper.pid}`));
      expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(sleeper.pid));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process killed while taking it over', async () => {
    const path = file();
    writeFileSync(`${path}.lock`, '999999999');
    writeFileSync(`${path}.lock.takeover`, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock.takeover`, minuteAgo, minuteAgo);
    await openStore(path);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(OURS);
    expect(existsSync(`${path}.lock.takeover`)).toBe(false);
  });

  it('knows a map is open in this process however its path is spelled', async () => {
    const path = file();
    const store = await FileIdMapStore.open(path);
    for (const spelling of [`${dir}/./${path.slice(dir.length + 1)}`, relative(process.cwd(), path)])
      await expect(FileIdMapStore.open(spelling)).rejects.toThrow(/already open in this process/);
    await store.close();
    await (await FileIdMapStore.open(`${dir}/./${path.slice(dir.length + 1)}`)).close();
  });

  it('keeps a whole last entry saved without a final newline', async () => {
    const path = file();
    writeFileSync(path, `${line(1)}\n${line(2)}`);
    const store = await openStore(path);
    expect(await store.entries('plannr')).toEqual([entry(1), entry(2)]);
    expect(readFileSync(path, 'utf8')).toBe(`${line(1)}\n${line(2)}\n`);
    await store.set(entry(3));
    expect(readFileSync(path, 'utf8')).toBe(`${line(1)}\n${line(2)}\n${line(3)}\n`);
  });

  it('drops a last line without newline that is JSON but not an entry', async () => {
    const path = file();
    writeFileSync(path, `${line(1)}\n{"v":1,"source":"pipedrive:2"}`);
    const store = await openStore(path);
    expect(await store.entries('plannr')).toEqual([entry(1)]);
    expect(readFileSync(path, 'utf8')).toBe(`${line(1)}\n`);
  });

  it('keeps writing when compaction fails, and close releases the map before reporting it', async () => {
    const path = file();
    const store = await FileIdMapStore.open(path);
    // A folder where compaction writes its temporary file makes every compaction fail (EISDIR).
    mkdirSync(`${path}.${process.pid}.tmp`);
    for (let i = 0; i < 1100; i++) await store.set(entry(i % 5, 'pending'));
    await store.set(entry(9));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1101);

    const error = await store.close().catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `could not compact ID map ${path} while closing it (EISDIR); the lock is released and the journal is left as it was`,
    );
    expect(existsSync(`${path}.lock`)).toBe(false);
    rmdirSync(`${path}.${process.pid}.tmp`);
    const again = await openStore(path);
    expect(await again.get('pipedrive:0', 'plannr')).toEqual(entry(0, 'pending'));
    expect(await again.get('pipedrive:9', 'plannr')).toEqual(entry(9));
  });

  it.skipIf(!existsSync('/dev/full'))(
    'removes the temporary file of a failed compaction and compacts again later',
    async () => {
      const path = file();
      const store = await openStore(path);
      const temporary = `${path}.${process.pid}.tmp`;
      // Writing through this link fails with ENOSPC, as on a full disk, after the file was opened.
      symlinkSync('/dev/full', temporary);
      for (let i = 0; i < 1001; i++) await store.set(entry(i % 5));
      expect(existsSync(temporary)).toBe(false);
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1001);
      // Not retried at once, but once the journal has grown again; then it succeeds.
      for (let i = 0; i < 1000; i++) await store.set(entry(i % 5));
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2001);
      await store.set(entry(0));
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(5);
    },
  );

  it('a write cut short (a size limit, a full disk) is a ConfigError naming the map, and leaves no torn line', async () => {
    const path = file();
    const moduleUrl = new URL('../src/node/file-id-map-store.ts', import.meta.url).href;
    const script = `
      const { FileIdMapStore } = await import(${JSON.stringify(moduleUrl)});
      const store = await FileIdMapStore.open(${JSON.stringify(path)});
      for (let i = 0; i < 100; i++) {
        try {
          await store.set({ source: 'pipedrive:' + 'x'.repeat(40) + i, target: 'plannr', state: 'done', targetId: 't' + i, at: 'now' });
        } catch (error) {
          process.stdout.write(error.name + ': ' + error.message + '\\n');
          process.exit(0); // no close: what is on disk is what a crash would leave
        }
      }`;
    // Files may not grow past 1 KiB: the append that crosses it is cut short (EFBIG).
    const output = execFileSync(
      'bash',
      ['-c', 'ulimit -f 1; exec "$0" --input-type=module -e "$1"', process.execPath, script],
      {
        encoding: 'utf8',
      },
    );
    expect(output).toMatch(/^ConfigError: could not write to ID map .*map-\d+\.jsonl \(EFBIG\)\n$/);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const store = await openStore(path);
    expect((await store.entries('plannr')).length).toBe(text.trim().split('\n').length);
  });

  it('a map reached through a link is one map: one lock, and the link stays a link', async () => {
    const path = file();
    const link = `${path}.link`;
    symlinkSync(path, link);
    const store = await FileIdMapStore.open(link);
    await expect(FileIdMapStore.open(path)).rejects.toThrow(/is already open in this process/);
    await store.set(entry(1));
    await store.close();
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await (await openStore(path)).get('pipedrive:1', 'plannr')).toMatchObject({ targetId: 'uuid-1' });
  });

  it('keeps the map file’s permissions through compaction, and refuses a map that is not a regular file', async () => {
    const path = file();
    writeFileSync(path, '');
    chmodSync(path, 0o600);
    const store = await FileIdMapStore.open(path);
    await store.set(entry(1));
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const fifo = file();
    execFileSync('mkfifo', [fifo]);
    const error = await FileIdMapStore.open(fifo).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/is not a regular file$/);
  });

  it('refuses an entry the next open would refuse, naming the field, and writes nothing', async () => {
    const path = file();
    const store = await openStore(path);
    const bad = { ...entry(1), targetId: '', extra: 1 } as unknown as ReturnType<typeof entry>;
    const error = await store.set(bad).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues.map((issue) => issue.path).sort()).toEqual([
      'extra',
      'targetId',
    ]);
    await store.set(entry(2));
    await store.close();
    const reopened = await openStore(path);
    expect(await reopened.entries('plannr')).toEqual([entry(2)]);
  });

  it('removes the compaction copies a process killed mid-compaction left beside the map', async () => {
    const path = file();
    const left = [`${path}.4242.tmp`, `${path}.7.tmp`];
    for (const copy of left) writeFileSync(copy, line(1));
    const unrelated = [`${path}.backup.tmp`, `${path}.tmp`];
    for (const other of unrelated) writeFileSync(other, 'keep');
    await openStore(path);
    for (const copy of left) expect(existsSync(copy), copy).toBe(false);
    for (const other of unrelated) expect(existsSync(other), other).toBe(true);
  });

  it('loses nothing recorded before the process is killed (SIGKILL mid-run)', async () => {
    const path = file();
    const moduleUrl = new URL('../src/node/file-id-map-store.ts', import.meta.url).href;
    const script = `
      const { FileIdMapStore } = await import(${JSON.stringify(moduleUrl)});
      const store = await FileIdMapStore.open(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        await store.set({ source: 'pipedrive:' + i, target: 'plannr', state: 'done', targetId: 't' + i, at: 'now' });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let confirmed = -1;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').at(-1);
        confirmed = Number(last);
        if (confirmed >= 2000) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const store = await openStore(path);
    const entries = await store.entries('plannr');
    expect(entries.length).toBeGreaterThanOrEqual(confirmed + 1);
    for (let i = 0; i <= confirmed; i++)
      expect(await store.get(`pipedrive:${i}`, 'plannr')).toMatchObject({ targetId: `t${i}` });
  });
});

describe('unusable paths', () => {
  it('names an ID map in a folder that does not exist as a config error, not a raw fs error', async () => {
    const error = await FileIdMapStore.open(join(dir, 'no-such-folder', 'ids.jsonl')).catch(
      (e: unknown) => e,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot create ID map .*no-such-folder\/ids\.jsonl: ENOENT$/);
  });

  it('reads NDJSON input lazily, and a missing file is a config error when read, never an unhandled stream error', async () => {
    const chunks = fileChunks(join(dir, 'missing.ndjson'));
    // Nothing is opened until the first chunk is asked for: no stream error can go unheard meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const error = await readNdjson(chunks)
      .next()
      .catch((e: unknown) => e);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^cannot read .*missing\.ndjson: ENOENT$/);
  });
});

describe('user files', () => {
  it('names the file, line and column of a JSON syntax error', async () => {
    const path = join(dir, 'owners.json');
    writeFileSync(path, '{\n  "person:1": { "type": "account", "id": "a" },\n  oops\n}');
    await expect(readJsonFile(path)).rejects.toThrow(`${path} (line 3, column 3) is not valid JSON`);
    await expect(readJsonFile(join(dir, 'missing.json'))).rejects.toThrow(
      /cannot read .*missing\.json: ENOENT/,
    );
  });

  it('reads a file saved with a UTF-8 byte order mark', async () => {
    const path = join(dir, 'owners-bom.json');
    writeFileSync(path, '\uFEFF{ "person:1": { "type": "account", "id": "a" } }');
    expect(await readJsonFile(path)).toEqual({ 'person:1': { type: 'account', id: 'a' } });
  });

  it('validates an owner map file', async () => {
    const path = join(dir, 'owners-bad.json');
    writeFileSync(path, JSON.stringify({ 'person:1': { type: 'account' } }));
    const error = await readOwnerMapFile(path).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `invalid ${path}: person:1.id: Invalid input: expected string, received undefined`,
    );
  });
});
