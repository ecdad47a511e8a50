/**
 * The ID map remembers which target goal each source goal became, so a run can stop anywhere and the next
 * one continues without duplicates. A create is recorded as `pending` before it is sent and `done` once the
 * target answered, so a lost answer is reconciled by reading the target rather than by sending again.
 */

export interface IdMapEntry {
  /** `<provider>:<id>` of the source goal. */
  source: string;
  /** Target provider name. */
  target: string;
  state: 'pending' | 'done';
  /** The target goal id, once known. */
  targetId?: string | undefined;
  /** The natural key the goal was written with, for reconciliation. */
  key?: string | undefined;
  /** ISO timestamp of the last change. */
  at: string;
}

export interface IdMapStore {
  get(source: string, target: string): Promise<IdMapEntry | undefined>;
  /** Records an entry durably before resolving. */
  set(entry: IdMapEntry): Promise<void>;
  /** Every entry for one target. */
  entries(target: string): Promise<IdMapEntry[]>;
  /** Flushes and releases resources. */
  close?(): Promise<void>;
}

/** `<provider>:<id>`, the source side of an ID map entry. */
export function sourceRef(provider: string, id: string): string {
  return `${provider}:${id}`;
}

/** An in-memory ID map: for tests, dry runs and embedders that keep the map elsewhere. */
export class MemoryIdMapStore implements IdMapStore {
  readonly #entries = new Map<string, IdMapEntry>();

  constructor(entries: Iterable<IdMapEntry> = []) {
    for (const entry of entries) this.#entries.set(`${entry.target}\u0000${entry.source}`, entry);
  }

  async get(source: string, target: string): Promise<IdMapEntry | undefined> {
    const entry = this.#entries.get(`${target}\u0000${source}`);
    return entry && { ...entry };
  }

  async set(entry: IdMapEntry): Promise<void> {
    this.#entries.set(`${entry.target}\u0000${entry.source}`, { ...entry });
  }

  async entries(target: string): Promise<IdMapEntry[]> {
    return [...this.#entries.values()]
      .filter((entry) => entry.target === target)
      .map((entry) => ({ ...entry }));
  }
}
