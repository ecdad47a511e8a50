/**
 * The file-backed ID map: a journal of JSON lines, one per change, appended before `set` resolves. A crash
 * can at worst leave a torn last line, which is recognised and dropped on the next open; the journal is
 * compacted by writing a temporary file, syncing it and renaming it over the old one, so the file is
 * always either the old map or the new one. A lock file keeps two runs from writing the same map; a lock
 * left by a killed process is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import * as z from 'zod';
import { ConfigError } from '../errors.ts';
import type { IdMapEntry, IdMapStore } from '../sync/id-map.ts';

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

export interface FileIdMapStoreOptions {
  /** Sync every append to disk (survives power loss, slower). Default false: a process crash never loses data. */
  durable?: boolean;
}

export class FileIdMapStore implements IdMapStore {
  readonly path: string;
  readonly #entries: Map<string, IdMapEntry>;
  readonly #options: FileIdMapStoreOptions;
  #handle: FileHandle | undefined;
  #journalLines: number;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

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

  /** Opens (or creates) the map at `path`, taking its lock. Throws a ConfigError naming the file and line for a corrupt map. */
  static async open(path: string, options: FileIdMapStoreOptions = {}): Promise<FileIdMapStore> {
    acquireLock(path);
    try {
      const { entries, lines, torn } = await load(path);
      const store = new FileIdMapStore(path, entries, lines, options);
      // Compacting a torn journal already reopens it for appending.
      if (torn) await store.#compact();
      store.#handle ??= await open(path, 'a');
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

  set(entry: IdMapEntry): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`ID map ${this.path} is closed`));
    const record = { ...entry };
    const job = this.#queue.then(async () => {
      this.#entries.set(keyOf(record), record);
      await (this.#handle as FileHandle).write(`${JSON.stringify({ v: 1, ...stripUndefined(record) })}\n`);
      if (this.#options.durable) await (this.#handle as FileHandle).datasync();
      this.#journalLines++;
      if (this.#journalLines > 1000 && this.#journalLines > this.#entries.size * 3) await this.#compact();
    });
    this.#queue = job.catch(() => undefined);
    return job;
  }

  /** Compacts the journal, syncs it and releases the lock. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#compact();
    await this.#handle?.close();
    this.#handle = undefined;
    releaseLock(this.path);
  }

  /** Rewrites the journal as one line per entry, atomically. */
  async #compact(): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    const text = [...this.#entries.values()]
      .map((entry) => `${JSON.stringify({ v: 1, ...stripUndefined(entry) })}\n`)
      .join('');
    const file = await open(temporary, 'w');
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await this.#handle?.close();
    await rename(temporary, this.path);
    this.#journalLines = this.#entries.size;
    if (!this.#closed) this.#handle = await open(this.path, 'a');
  }
}

function stripUndefined(entry: IdMapEntry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

async function load(
  path: string,
): Promise<{ entries: Map<string, IdMapEntry>; lines: number; torn: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { entries: new Map(), lines: 0, torn: false };
    throw new ConfigError(`cannot read ID map ${path}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  // The last element is '' when the file ends with a newline; anything else there is a torn final write.
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
  return { entries, lines: lines.length, torn: tail.trim() !== '' };
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Maps opened by this process, which a lock file holding our own pid cannot tell apart. */
const openHere = new Set<string>();

function acquireLock(path: string): void {
  const lock = `${path}.lock`;
  if (openHere.has(path)) throw new ConfigError(`ID map ${path} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      openHere.add(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No such folder, no permission: a problem with the path given, named like any other.
      if (code !== 'EEXIST') throw new ConfigError(`cannot create ID map ${path}: ${code ?? String(error)}`);
    }
    const holder = lockHolder(lock);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new ConfigError(
        `ID map ${path} is in use by process ${holder}; wait for it to finish or stop it`,
      );
    }
    // The process that held the lock is gone (e.g. killed): the map itself is consistent, so take over.
    rmSync(lock, { force: true });
  }
  throw new ConfigError(`cannot lock ID map ${path}`);
}

function releaseLock(path: string): void {
  openHere.delete(path);
  rmSync(`${path}.lock`, { force: true });
}
