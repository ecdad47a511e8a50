/**
 * The file-backed ID map: a journal of JSON lines, one per change, appended before `set` resolves. A crash
 * can at worst leave a torn last line, which is recognised and dropped on the next open; the journal is
 * compacted by writing a temporary file, syncing it and renaming it over the old one, so the file is
 * always either the old map or the new one. Compaction only saves space: when it fails, writes go on and it
 * is tried again later. A lock file keeps two runs from writing the same map; a lock left by a killed
 * process is taken over, by one process only. Links are followed: the lock and the compacted copy sit beside
 * the file itself.
 */
import {
  closeSync,
  fstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError, ValidationError } from '../errors.ts';
// The global timer, not `node:timers/promises`: fake timers drive it in tests.
import { sleep } from '../http/retry-timing.ts';
import { toValidationIssues } from '../model/validate.ts';
import { type IdMapEntry, type IdMapStore, MemoryIdMapStore } from '../sync/id-map.ts';
import { fileErrorReason, followLinks, syncFolder } from './files.ts';

const EntrySchema = z.strictObject({
  v: z.literal(1),
  source: z.string().min(1),
  target: z.string().min(1),
  state: z.enum(['pending', 'done']),
  targetId: z.string().min(1).optional(),
  key: z.string().optional(),
  at: z.string().min(1),
});

const keyOf = (entry: Pick<IdMapEntry, 'source' | 'target'>) => `${entry.target}\u0000${entry.source}`;

/** Compaction is due once the journal has more lines than this, and over three times as many as entries. */
const COMPACTION_MIN_LINES = 1000;

export interface FileIdMapStoreOptions {
  /** Sync every append to disk (survives power loss, slower). Default false: a process crash never loses data. */
  durable?: boolean;
}

export class FileIdMapStore implements IdMapStore {
  readonly path: string;
  readonly #entries: Map<string, IdMapEntry>;
  readonly #options: FileIdMapStoreOptions;
  /** The journal, open for appending; undefined after a compaction until the next append reopens it. */
  #handle: FileHandle | undefined;
  #journalLines: number;
  /** Journal length past which compaction is next tried; moved on after a failed one. */
  #compactAfter = COMPACTION_MIN_LINES;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Set when an append failed and the journal could not be mended: nothing may be written after a torn line. */
  #broken: ConfigError | undefined;
  /** Set when another process took the lock over: from then on this store writes nothing to the file. */
  #lost: ConfigError | undefined;

  private constructor(
    path: string,
    entries: Map<string, IdMapEntry>,
    journalLines: number,
    options: FileIdMapStoreOptions,
  ) {
    this.path = path;
    this.#entries = entries;
    this.#journalLines = journalLines;
    this.#options = options;
  }

  /**
   * The map at `path` as it is now, read without its lock and never created: for plans and dry runs, which
   * only read. A missing file is an empty map; what is set goes to memory only.
   */
  static async snapshot(path: string): Promise<IdMapStore> {
    const { entries } = await load(path);
    return new MemoryIdMapStore(entries.values());
  }

  /** Opens (or creates) the map at `path`, taking its lock. Throws a ConfigError naming the file and line for a corrupt map. */
  static async open(given: string, options: FileIdMapStoreOptions = {}): Promise<FileIdMapStore> {
    // The file itself, links followed: its lock and its compacted copy belong beside it, so a map reached by
    // two paths is still one map, and a link to it stays a link.
    const path = await journalFile(given);
    await acquireLock(path);
    try {
      await removeLeftCopies(path);
      const { entries, lines, unterminated } = await load(path);
      const store = new FileIdMapStore(path, entries, lines, options);
      whenLockLost(path, () => {
        store.#lost ??= lockLostError(path);
      });
      // Rewritten whole, so that the next append starts a line of its own.
      if (unterminated) await store.#compact();
      store.#handle = await open(path, 'a');
      return store;
    } catch (error) {
      releaseLock(path);
      throw error;
    }
  }

  async get(source: string, target: string): Promise<IdMapEntry | undefined> {
    const entry = this.#entries.get(keyOf({ source, target }));
    return entry && { ...entry };
  }

  async entries(target: string): Promise<IdMapEntry[]> {
    return [...this.#entries.values()]
      .filter((entry) => entry.target === target)
      .map((entry) => ({ ...entry }));
  }

  /** Resolves once the entry is appended to the journal (and synced, when durable). */
  set(entry: IdMapEntry): Promise<void> {
    if (this.#closed) return Promise.reject(new ConfigError(`ID map ${this.path} is closed`));
    // Checked as the next open will read it: an entry written here that open refused would lock the map away.
    const checked = EntrySchema.safeParse({ v: 1, ...entry });
    if (!checked.success) {
      const issues = toValidationIssues(checked.error).filter((issue) => issue.path !== 'v');
      return Promise.reject(new ValidationError(issues, { subject: `entry for ID map ${this.path}` }));
    }
    const { v: _version, ...record } = checked.data;
    const job = this.#queue.then(async () => {
      await this.#append(record);
      this.#entries.set(keyOf(record), record);
      this.#journalLines++;
      await this.#compactIfDue();
    });
    this.#queue = job.catch(() => undefined);
    return job;
  }

  /**
   * Compacts the journal, syncs it and releases the lock. The lock is released whatever happens; a failed
   * compaction is reported after that, and leaves the journal as it was.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    let failure: unknown;
    try {
      await this.#queue;
      if (!this.#lost) await this.#compact();
    } catch (error) {
      failure = error;
    } finally {
      await this.#closeJournal().catch((error: unknown) => {
        failure ??= error;
      });
      releaseLock(this.path);
    }
    if (this.#lost) throw this.#lost;
    if (failure !== undefined) {
      throw new ConfigError(
        `could not compact ID map ${this.path} while closing it (${fileErrorReason(failure)}); the lock is released and the journal is left as it was`,
        { cause: failure },
      );
    }
  }

  async #append(record: IdMapEntry): Promise<void> {
    if (this.#broken) throw this.#broken;
    // Looked at right before the write, not only at the heartbeat: a lock taken over meanwhile stops it.
    this.#checkLockIsOurs();
    try {
      this.#handle ??= await open(this.path, 'a');
      // appendFile writes every byte or fails; a bare write may stop short (a full disk, a size limit).
      await this.#handle.appendFile(journalLine(record));
      if (this.#options.durable) await this.#handle.datasync();
    } catch (error) {
      const failed = new ConfigError(`could not write to ID map ${this.path} (${fileErrorReason(error)})`, {
        cause: error,
      });
      // Part of the line may be on disk, and nothing may follow it. Rewritten whole from memory (which does
      // not hold this entry), the journal is mended; until then, every write is refused.
      await this.#compact().catch(() => {
        this.#broken = failed;
      });
      throw failed;
    }
  }

  /** A failed compaction does not fail the write that triggered it: the journal is still whole. */
  async #compactIfDue(): Promise<void> {
    if (this.#journalLines <= this.#compactAfter || this.#journalLines <= this.#entries.size * 3) return;
    try {
      await this.#compact();
      this.#compactAfter = COMPACTION_MIN_LINES;
    } catch {
      // Not at every write (a full disk stays full for a while), but once the journal has grown again.
      this.#compactAfter = this.#journalLines + COMPACTION_MIN_LINES;
    }
  }

  /** Rewrites the journal as one line per entry, atomically. Leaves it closed: the next append reopens it. */
  async #compact(): Promise<void> {
    // Rewriting the whole file would drop what the process holding the lock now has written.
    if (this.#lost) throw this.#lost;
    const temporary = compactionCopy(this.path, process.pid);
    const mode = await stat(this.path).then(
      (file) => file.mode & 0o7777,
      () => undefined,
    );
    await writeSynced(temporary, [...this.#entries.values()].map(journalLine).join(''), mode);
    try {
      // Closed first, so that no append goes to the file being replaced.
      await this.#closeJournal();
      this.#checkLockIsOurs();
      await rename(temporary, this.path);
    } catch (error) {
      await removeFile(temporary);
      throw error;
    }
    await syncFolder(dirname(this.path));
    this.#journalLines = this.#entries.size;
    this.#broken = undefined;
  }

  /**
   * Throws (and stays lost) when the lock file is gone or names another process. A lock that cannot be read
   * just now (no file handle left) proves nothing either way: the write goes on, as the heartbeat does.
   */
  #checkLockIsOurs(): void {
    if (this.#lost) throw this.#lost;
    if (lockIsOurs(`${this.path}.lock`) !== false) return;
    this.#lost = lockLostError(this.path);
    throw this.#lost;
  }

  async #closeJournal(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

function journalLine(entry: IdMapEntry): string {
  return `${JSON.stringify({ v: 1, ...stripUndefined(entry) })}\n`;
}

function stripUndefined(entry: IdMapEntry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

/**
 * Writes and syncs a file, with `mode` when given (the map's own: a private map stays private); on failure
 * removes what it wrote, so no temporary file is left behind.
 */
async function writeSynced(path: string, text: string, mode?: number): Promise<void> {
  try {
    const file = await open(path, 'w');
    try {
      if (mode !== undefined) await file.chmod(mode);
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
  } catch (error) {
    await removeFile(path);
    throw error;
  }
}

function lockLostError(path: string): ConfigError {
  return new ConfigError(
    `ID map ${path} was taken over by another process while this one had it open; this run writes no more to it`,
  );
}

/** The file a compaction writes before renaming it over the map. */
function compactionCopy(path: string, pid: number): string {
  return `${path}.${pid}.tmp`;
}

/**
 * Removes the compaction copies a process killed mid-compaction left beside the map. Only the lock's holder
 * compacts, and the caller holds it now: every such copy is left over.
 */
async function removeLeftCopies(path: string): Promise<void> {
  const name = basename(path);
  const names = await readdir(dirname(path)).catch(() => []);
  const left = names.filter(
    (other) => other.startsWith(`${name}.`) && /^\d+\.tmp$/.test(other.slice(name.length + 1)),
  );
  await Promise.all(left.map((other) => removeFile(join(dirname(path), other))));
}

/**
 * The regular file a map path names, links followed (see {@link followLinks}). Anything else (a device, a
 * pipe, a folder) is refused: compaction replaces the file, which would replace the device.
 */
async function journalFile(path: string): Promise<string> {
  const file = await followLinks(path);
  const info = await stat(file).catch(() => undefined);
  if (info && !info.isFile()) throw new ConfigError(`ID map ${path} is not a regular file`);
  return file;
}

/** Removes a file if it is there. Never a folder (`rm` without `recursive` refuses one), and never throws. */
async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

async function load(
  path: string,
): Promise<{ entries: Map<string, IdMapEntry>; lines: number; unterminated: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { entries: new Map(), lines: 0, unterminated: false };
    throw new ConfigError(`cannot read ID map ${path}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  // The last element is '' when the file ends with a newline. Anything else there is kept if it is a whole
  // entry (a file saved without a final newline) and otherwise dropped as a write torn by a crash.
  const tail = lines.pop() ?? '';
  const entries = new Map<string, IdMapEntry>();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const entry = parseLine(line);
    if (!entry) {
      throw new ConfigError(`ID map ${path} line ${index + 1} is not a valid entry; fix or remove that line`);
    }
    entries.set(keyOf(entry), entry);
  });
  const unterminated = tail.trim() !== '';
  const last = unterminated ? parseLine(tail) : undefined;
  if (last) entries.set(keyOf(last), last);
  // Dropping the line rewrites the file: only a line this store began to write may go, never another file's.
  else if (unterminated && !isTornEntry(tail)) {
    const line = lines.length + 1;
    throw new ConfigError(`ID map ${path} line ${line} is not a valid entry; fix or remove that line`);
  }
  return { entries, lines: lines.length + (last ? 1 : 0), unterminated };
}

/**
 * What a crash mid-append leaves: the start of a line {@link journalLine} writes, or a piece of that start,
 * perhaps followed by the zero bytes some file systems leave where the rest was to go.
 */
const ENTRY_START = '{"v":1,';
function isTornEntry(tail: string): boolean {
  let end = tail.length;
  while (end > 0 && tail.charCodeAt(end - 1) === 0) end--; // a loop: a regex backtracks on zeros inside
  const written = tail.slice(0, end);
  return written.startsWith(ENTRY_START) || ENTRY_START.startsWith(written);
}

function parseLine(line: string): IdMapEntry | undefined {
  try {
    const parsed = EntrySchema.safeParse(JSON.parse(line));
    if (!parsed.success) return undefined;
    const { v: _version, ...entry } = parsed.data;
    return entry;
  } catch {
    return undefined;
  }
}

// The lock: `<map>.lock` holds `<pid> <pid namespace> <host>` of the process that has the map open, which
// touches it every HEARTBEAT_MS. A pid says whether its holder lives only when it comes from our own pid
// namespace on our own host; for any other (a container sharing the folder), only the heartbeat does, and
// since that host's clock may not be ours, a lock that looks quiet by the clocks is watched on our own
// monotonic clock before it is taken over. The heartbeat also keeps a goalbridge that reads a plain pid from
// taking the lock over: it waits for a lock without one to stand still for 5 s.

/** The host and pid namespace named in locks: where a pid means the process it names here. */
const HOST = hostname();
const PID_SPACE = pidNamespace();
const HEARTBEAT_MS = 2_000;
/** A lock not touched for this long has no holder keeping it alive. */
const QUIET_AFTER_MS = 15_000;
/** How often a watched lock is looked at: a touch is seen well within a heartbeat, a release at once. */
const WATCH_EVERY_MS = 250;

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid'); // `pid:[4026531836]`; Linux only
  } catch {
    return '-';
  }
}

/**
 * How long a takeover lock, or a lock file that does not hold a pid yet, may stand before it is deemed left
 * by a killed process. Both normally last microseconds.
 */
const ABANDONED_AFTER_MS = 5_000;
const RETRY_MS = 10;

/** Maps opened by this process, by resolved path: a lock file holding our own pid cannot tell them apart. */
const openHere = new Set<string>();
/** The heartbeat of each lock this process holds, by resolved map path, and whom to tell if it is lost. */
const heartbeats = new Map<string, Heartbeat>();

interface Heartbeat {
  timer: NodeJS.Timeout;
  onLost?: (() => void) | undefined;
}

async function acquireLock(path: string): Promise<void> {
  const key = resolve(path);
  if (openHere.has(key)) throw new ConfigError(`ID map ${path} is already open in this process`);
  // Claimed before any wait, so that a second open() in this process is refused rather than racing this one.
  openHere.add(key);
  try {
    await takeLockFile(`${path}.lock`, path);
  } catch (error) {
    openHere.delete(key);
    throw error;
  }
  heartbeats.set(key, keepTouching(`${path}.lock`));
}

/** Calls `onLost` if the lock of the map at `path` stops being ours while it is open. */
function whenLockLost(path: string, onLost: () => void): void {
  const heartbeat = heartbeats.get(resolve(path));
  if (heartbeat) heartbeat.onLost = onLost;
}

function releaseLock(path: string): void {
  const key = resolve(path);
  openHere.delete(key);
  clearInterval(heartbeats.get(key)?.timer);
  heartbeats.delete(key);
  const lock = `${path}.lock`;
  try {
    // Only our own: a lock taken over from a process wrongly presumed dead belongs to the new holder.
    if (isOurs(readLock(lock))) rmSync(lock, { force: true });
  } catch {
    // An unreadable lock is not ours to remove.
  }
}

function isOurs(seen: LockSeen | undefined): boolean {
  return seen?.pid === process.pid && seen.host === HOST && seen.pidSpace === PID_SPACE;
}

/** Whether the lock still names this process; undefined when it cannot be read just now (proves nothing). */
function lockIsOurs(lock: string): boolean | undefined {
  try {
    return isOurs(readLock(lock));
  } catch {
    return undefined;
  }
}

/** Touches the lock while it is ours, and tells once it is not; the timer never keeps the process alive. */
function keepTouching(lock: string): Heartbeat {
  const heartbeat: Heartbeat = {
    timer: setInterval(() => {
      const ours = lockIsOurs(lock);
      if (ours === undefined) return; // unreadable now: looked at again at the next beat
      if (!ours) {
        clearInterval(heartbeat.timer);
        heartbeat.onLost?.();
        return;
      }
      const now = new Date();
      try {
        utimesSync(lock, now, now);
      } catch {
        // Touched at the next beat.
      }
    }, HEARTBEAT_MS),
  };
  heartbeat.timer.unref();
  return heartbeat;
}

async function takeLockFile(lock: string, path: string): Promise<void> {
  // On the monotonic clock, and long enough for others' takeovers to settle and for a watch to end.
  let deadline = performance.now() + 2 * ABANDONED_AFTER_MS + QUIET_AFTER_MS;
  // A lock a watch found left: taken over when the takeover lock is free again, not watched again.
  let left: LockSeen | undefined;
  while (performance.now() < deadline) {
    if (createExclusive(lock, path)) return;
    const seen = readLock(lock);
    const state = lockState(seen);
    if (typeof state === 'object') throw inUseError(path, state);
    if (state === 'free') continue;
    if (state === 'unheard' && seen && !sameLock(seen, left)) {
      left = await watchForHeartbeat(lock, path, seen);
      // A watch found the lock left: time enough still to take it over, however long the watch took.
      deadline = Math.max(deadline, performance.now() + 2 * ABANDONED_AFTER_MS);
      continue;
    }
    if (state !== 'settling') {
      // Under the takeover lock, a stale lock is judged again; an unheard one must be the very lock watched.
      const outcome = takeOver(lock, path, (now) =>
        state === 'stale' ? lockState(now) === 'stale' : sameLock(now, left),
      );
      if (outcome === 'taken') return;
      if (outcome === 'changed') continue;
    }
    // Another process is taking over, or has just created the lock and not yet written its pid into it.
    await sleep(RETRY_MS);
  }
  throw new ConfigError(`cannot lock ID map ${path}`);
}

/**
 * Watches a lock whose holder cannot be looked at and that looks quiet by the clocks, which may only mean
 * that its host's clock is behind ours. Returns it once it has stood still for QUIET_AFTER_MS on this
 * process's monotonic clock, and undefined as soon as it goes or names another process; throws, as for any
 * lock in use, as soon as its holder touches it.
 */
async function watchForHeartbeat(lock: string, path: string, seen: LockSeen): Promise<LockSeen | undefined> {
  const until = performance.now() + QUIET_AFTER_MS;
  while (performance.now() < until) {
    await sleep(WATCH_EVERY_MS);
    const now = readLock(lock);
    if (!sameHolder(now, seen)) return undefined;
    if (!sameLock(now, seen)) throw inUseError(path, seen);
  }
  return seen;
}

function sameHolder(one: LockSeen | undefined, other: LockSeen | undefined): boolean {
  return (
    one !== undefined &&
    other !== undefined &&
    one.pid === other.pid &&
    one.host === other.host &&
    one.pidSpace === other.pidSpace
  );
}

/** The same holder, and not touched in between. */
function sameLock(one: LockSeen | undefined, other: LockSeen | undefined): boolean {
  return sameHolder(one, other) && one?.touchedAt === other?.touchedAt;
}

function inUseError(path: string, holder: Pick<LockSeen, 'pid' | 'host'>): ConfigError {
  const where = holder.host === HOST ? '' : ` on host ${holder.host}`;
  return new ConfigError(
    `ID map ${path} is in use by process ${holder.pid}${where}; wait for it to finish or stop it`,
  );
}

/**
 * Replaces a lock found left with ours. Several processes may find the same lock left: the takeover lock
 * lets one at a time replace it, and each asks `stillLeft` again under it, so none deletes a lock another
 * has just taken or its holder has just touched.
 */
function takeOver(
  lock: string,
  path: string,
  stillLeft: (now: LockSeen | undefined) => boolean,
): 'taken' | 'changed' | 'busy' {
  const guard = `${lock}.takeover`;
  if (!createExclusive(guard, path)) {
    removeIfAbandoned(guard);
    return 'busy';
  }
  try {
    if (!stillLeft(readLock(lock))) return 'changed';
    rmSync(lock, { force: true });
    return createExclusive(lock, path) ? 'taken' : 'changed';
  } finally {
    rmSync(guard, { force: true });
  }
}

/** A takeover lock older than any takeover takes was left by a process killed in the middle of one. */
function removeIfAbandoned(guard: string): void {
  const age = readLock(guard)?.ageMs;
  // Two processes could both find it abandoned and the second delete the first's new one; that needs a kill
  // mid-takeover and then this exact interleaving, which is accepted.
  if (age !== undefined && age > ABANDONED_AFTER_MS) rmSync(guard, { force: true });
}

/** The live process holding a lock. */
interface Held {
  pid: number;
  host: string;
}

/**
 * 'free': no lock file. 'settling': just created, no pid in it yet. 'stale': left by a process that is gone.
 * 'unheard': from a process that cannot be looked at, and not touched for QUIET_AFTER_MS by the clocks,
 * which may disagree (see {@link watchForHeartbeat}). Otherwise the live process holding it.
 */
function lockState(seen: LockSeen | undefined): 'free' | 'settling' | 'stale' | 'unheard' | Held {
  if (seen === undefined) return 'free';
  if (seen.pid === undefined) return seen.ageMs > ABANDONED_AFTER_MS ? 'stale' : 'settling';
  const held = { pid: seen.pid, host: seen.host };
  const heard = seen.ageMs < QUIET_AFTER_MS;
  // Another host's or pid namespace's processes cannot be looked at: only the heartbeat says the holder lives.
  if (seen.host !== HOST || seen.pidSpace !== PID_SPACE) return heard ? held : 'unheard';
  // Our own pid names no map of ours (openHere said so): a process before us had the same pid.
  if (seen.pid === process.pid || !isAlive(seen.pid)) return 'stale';
  // A live process that started after the lock went quiet is not its holder but a pid used again (a reboot).
  // A holder that beats is never judged by clocks.
  return !heard && startedAfter(seen.pid, seen.touchedAt) ? 'stale' : held;
}

/** Whether process `pid` started after `at` (epoch ms). Linux only (`/proc`); false where it cannot tell. */
function startedAfter(pid: number, at: number): boolean {
  try {
    // Field 22, start time in clock ticks (100 a second for every Linux user-space ABI) since boot; the
    // fields are counted after the command name, which may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const bootSeconds = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const startedAt = (bootSeconds + ticks / 100) * 1000;
    // A second of slack: boot time is given in whole seconds.
    return Number.isFinite(startedAt) && startedAt > at + 1000;
  } catch {
    return false;
  }
}

/**
 * Creates `file` holding our pid, or returns false if it exists. Other failures (no such folder, no
 * permission) are a problem with the map's path, and named as one.
 */
function createExclusive(file: string, path: string): boolean {
  try {
    writeFileSync(file, `${process.pid} ${PID_SPACE} ${HOST}`, { flag: 'wx' });
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new ConfigError(`cannot create ID map ${path}: ${code ?? String(error)}`);
  }
}

interface LockSeen {
  /** Undefined until written. */
  pid: number | undefined;
  /** Ours for a lock that holds a plain pid (written before hosts and namespaces were). */
  host: string;
  pidSpace: string;
  /** When it was written or last touched by its holder's heartbeat. */
  touchedAt: number;
  ageMs: number;
}

/** Who holds a lock file, and since when; undefined when there is no file. */
function readLock(file: string): LockSeen | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    // The host last: it may hold spaces.
    const [pidText = '', pidSpace, ...host] = readFileSync(fd, 'utf8').trim().split(' ');
    const pid = Number(pidText);
    const touchedAt = fstatSync(fd).mtimeMs;
    return {
      pid: pidText !== '' && Number.isInteger(pid) && pid > 0 ? pid : undefined,
      host: pidSpace === undefined ? HOST : host.join(' '),
      pidSpace: pidSpace ?? PID_SPACE,
      touchedAt,
      ageMs: Date.now() - touchedAt,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ID map lock ${file}: ${fileErrorReason(error)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
