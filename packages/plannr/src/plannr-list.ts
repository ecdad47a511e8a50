/**
 * Listing: Plannr pages by number (reference §2.4; no cursor exists), so the listing is built to survive
 * changes made while it runs.
 *
 * - It sorts by `created_at`, which an edit never changes: a goal updated between pages stays where it was.
 * - New goals sort last; a goal dated earlier (or any shift to the right) repeats one already listed, and the
 *   repeat is dropped: by order (`uniqueInOrder`, constant memory) in creation order, by id in any other.
 * - A goal deleted from a page already read moves every later goal one place back, onto that page. The
 *   paginator's `total` shows the loss, and the pages it could have moved goals onto are read again.
 */
import {
  type Goal,
  InvalidResponseError,
  type ListOptions,
  paginate,
  parseOrThrow,
  uniqueBy,
  uniqueInOrder,
} from '@goalbridge/core';
import * as z from 'zod';
import { isPlannrUuid, PLANNR_PROVIDER } from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

const { pagination, listQuery } = PLANNR_ASSUMPTIONS;

export type PlannrSortField = (typeof listQuery.sortFields)[number];
/** A sort field, ascending, or descending with a leading `-` (reference §2.4). */
export type PlannrSort = PlannrSortField | `-${PlannrSortField}`;

export interface PlannrListOptions extends ListOptions {
  /** Goals per request, at most 500 (larger values are clamped). Default 500: fewest requests. */
  pageSize?: number | undefined;
  /**
   * Default `created_at`: creation times never change, so edits made while listing cannot move a goal onto
   * another page. Another order can skip a goal that moves back while the listing runs.
   */
  sort?: PlannrSort | undefined;
  /**
   * Only these goals, owners' goals or circles' goals (`filter[…]`, ASSUMPTION `listQuery`). An empty list
   * selects nothing, as "only these" of none says (Plannr would read a missing filter as every goal).
   */
  filter?: {
    uuid?: readonly string[] | undefined;
    accountUuids?: readonly string[] | undefined;
    circleUuids?: readonly string[] | undefined;
  };
}

const UuidList = z.array(z.string().refine(isPlannrUuid, 'must be a UUID')).optional();
const SORTS = listQuery.sortFields.flatMap((field) => [field, `-${field}`]) as [PlannrSort, ...PlannrSort[]];
const ListOptionsSchema = z.looseObject({
  pageSize: z.number().int('must be a whole number').positive().optional(),
  sort: z.enum(SORTS).optional(),
  filter: z.strictObject({ uuid: UuidList, accountUuids: UuidList, circleUuids: UuidList }).optional(),
});

/** One page as the paginator reports it. */
export interface GoalPage {
  goals: Goal[];
  meta: {
    current_page: number;
    last_page: number;
    per_page?: number | string | undefined;
    total?: number | undefined;
  };
}

export type FetchGoalPage = (query: Record<string, string | number>, page: number) => Promise<GoalPage>;

/** Query parameters of a listing; refuses bad options (ValidationError) before any request. */
export function listQueryOf(options: PlannrListOptions): {
  query: Record<string, string | number>;
  perPage: number;
  /** A filter list is empty: nothing is selected, and nothing need be asked. */
  selectsNothing: boolean;
} {
  const { pageSize, sort, filter } = parseOrThrow(ListOptionsSchema, options, {
    subject: 'list options',
    provider: PLANNR_PROVIDER,
  });
  const perPage = Math.min(pageSize ?? pagination.maxPerPage, pagination.maxPerPage);
  const query: Record<string, string | number> = {};
  let selectsNothing = false;
  const add = (name: string, values: readonly string[] | undefined) => {
    if (values === undefined) return;
    if (values.length === 0) selectsNothing = true;
    else query[`filter[${name}]`] = values.join(',');
  };
  add('uuid', filter?.uuid);
  add('account_uuids', filter?.accountUuids);
  add('circle_uuids', filter?.circleUuids);
  query.sort = sort ?? listQuery.defaultSort;
  query[pagination.perPageParameter] = perPage;
  return { query, perPage, selectsNothing };
}

type Cursor = { page: number; total: number | undefined };

/**
 * Every goal the listing selects, once, fetching a page only when the previous one has been consumed. Bad
 * options fail at the first `next()`, like any other listing error.
 */
export async function* listGoalPages(
  options: PlannrListOptions,
  fetchPage: FetchGoalPage,
): AsyncGenerator<Goal> {
  const { query, perPage, selectsNothing } = listQueryOf(options);
  if (selectsNothing) return;
  const step = (cursor: Cursor) => readPage(cursor, (page) => fetchPage(query, page), perPage);
  const pages = paginate<Goal, Cursor>({ page: 1, total: undefined }, step, options.signal);
  const sort = query.sort as PlannrSort;
  // Creation times never change: repeats are told apart by order, in constant memory.
  if (sort === 'created_at' || sort === '-created_at') {
    yield* uniqueInOrder(pages, {
      key: (goal) => goal.id,
      sortValue: (goal) => goal.createdAt,
      descending: sort === '-created_at',
    });
  } else {
    yield* uniqueBy(pages, (goal) => goal.id);
  }
}

/** One page, preceded by the pages already read that goals may have moved back onto since. */
async function readPage(
  { page, total }: Cursor,
  fetchPage: (page: number) => Promise<GoalPage>,
  perPage: number,
) {
  const { goals, meta } = await fetchPage(page);
  if (meta.current_page !== page) {
    // A server that ignored `page` would otherwise be read forever (ASSUMPTION `pagination`).
    const message = `plannr answered page ${meta.current_page} when asked for page ${page}`;
    throw new InvalidResponseError(message, { provider: PLANNR_PROVIDER });
  }
  const removed = total !== undefined && meta.total !== undefined ? total - meta.total : 0;
  const reread: Goal[] = [];
  if (removed > 0) {
    const size = Number(meta.per_page ?? perPage);
    for (let back = Math.max(1, page - Math.ceil(removed / size)); back < page; back++) {
      reread.push(...(await fetchPage(back)).goals);
    }
  }
  const more = goals.length > 0 && meta.current_page < meta.last_page;
  return { items: [...reread, ...goals], next: more ? { page: page + 1, total: meta.total } : undefined };
}
