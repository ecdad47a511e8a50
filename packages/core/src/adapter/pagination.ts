/** Streaming helpers shared by adapters: lazy pagination and de-duplication by id. */

export interface Page<T, C> {
  items: readonly T[];
  /** Cursor of the next page; `undefined` when this was the last. */
  next: C | undefined;
}

/**
 * Streams items page by page, fetching a page only when the previous one has been consumed, so a consumer
 * that stops early stops the requests too.
 */
export async function* paginate<T, C>(
  first: C,
  fetchPage: (cursor: C) => Promise<Page<T, C>>,
  signal?: AbortSignal,
): AsyncGenerator<T> {
  let cursor: C | undefined = first;
  while (cursor !== undefined) {
    signal?.throwIfAborted();
    const page: Page<T, C> = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next;
  }
}

/** Passes each item once by key: for listings that may repeat an item across pages or queries. */
export async function* uniqueBy<T>(items: AsyncIterable<T>, key: (item: T) => string): AsyncGenerator<T> {
  const seen = new Set<string>();
  for await (const item of items) {
    const id = key(item);
    if (seen.has(id)) continue;
    seen.add(id);
    yield item;
  }
}

export interface OrderedListing<T> {
  /** The item's identity. */
  key: (item: T) => string;
  /**
   * The value the listing is sorted by, one that never changes (a creation time), comparable as text; `undefined`
   * when an item has none.
   */
  sortValue: (item: T) => string | undefined;
  /** True when the listing sorts from the highest value down. */
  descending?: boolean;
}

/**
 * {@link uniqueBy} in constant memory, for listings sorted by a value that never changes: an item ordered before
 * the last one passed was passed already (it can only come again because the pages shifted), so only the keys of
 * the items that share the latest value are held — not one key per item, which an export of millions would
 * feel. Items without a value are tracked by key, as `uniqueBy` does.
 */
export async function* uniqueInOrder<T>(
  items: AsyncIterable<T>,
  { key, sortValue, descending = false }: OrderedListing<T>,
): AsyncGenerator<T> {
  let latest: string | undefined;
  let atLatest = new Set<string>();
  const unordered = new Set<string>();
  for await (const item of items) {
    const value = sortValue(item);
    const id = key(item);
    if (value === undefined) {
      if (unordered.has(id)) continue;
      unordered.add(id);
    } else if (latest === undefined || (descending ? value < latest : value > latest)) {
      latest = value;
      atLatest = new Set([id]);
    } else if (value !== latest || atLatest.has(id)) {
      continue; // ordered before the latest, or the same item again: passed already
    } else {
      atLatest.add(id);
    }
    yield item;
  }
}
