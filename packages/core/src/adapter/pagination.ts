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
