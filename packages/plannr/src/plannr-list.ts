/**
 * Listing: Plannr pages by number (reference §2.4; no cursor exists), so the listing is built to survive
 * changes made while it runs.
 *
 * - It sorts by `created_at`, which an edit never changes: a goal updated between pages stays where it was.
 * - New goals sort last; a goal dated earlier (or any shift to the right) repeats one already listed, and the
 *   repeat is dropped: by order (`uniqueInOrder`, constant memory) in creation order, by id in any other.
 * - A goal deleted from a page already read moves every later goal one place back, and one would never be
 *   listed. `total` cannot tell (a goal created meanwhile keeps it level), so each page after the first is
 *   checked by a one-goal probe: the goal that ended the previous page must still be in its place. When it is
 *   not, the listing steps back a page at a time until a page starts at or before that goal, and goes on.
 *   A probe that finds a goal created in the same second instead is checked against the whole page before,
 *   so a server that orders such ties one way for one goal and another for a page costs a request, not a
 *   step back, and the listing ends.
 * - A probe that finds a goal sorting before the expected one means goals were inserted ahead (new goals in
 *   `-created_at`) after the page was read: the page is read again and taken, unless goals now moved back.
 * - This holds for the default order, `created_at`. In `-created_at` a goal created between a page and its
 *   probe can hide a deletion, and in other orders one page back is all that is read: they can skip a goal.
 */
import {
  type Goal,
  InvalidResponseError,
  type ListOptions,
  type Page,
  paginate,
  parseDateTime,
  parseOrThrow,
  uniqueBy,
  uniqueInOrder,
} from '@goalbridge/core';
import * as z from 'zod';
import { isPlannrUuid, PLANNR_PROVIDER, type PlannrGoal, type PlannrGoalPage } from './plannr-api.ts';
import { PLANNR_ASSUMPTIONS } from './plannr-assumptions.ts';

const { pagination, listQuery } = PLANNR_ASSUMPTIONS;

export type PlannrSortField = (typeof listQuery.sortFields)[number];
/** A sort field, ascending, or descending with a leading `-` (reference §2.4). */
export type PlannrSort = PlannrSortField | `-${PlannrSortField}`;

export interface PlannrListOptions extends ListOptions {
  /**
   * Goals per request, at most 500: the adapter refuses more (core's list check); a direct caller of
   * `listGoalPages` is clamped. Default 500: fewest requests.
   */
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

/** Page `page` of the listing `query` selects (filters, sort, page size), as Plannr answers it. */
export type FetchGoalPage = (query: Record<string, string | number>, page: number) => Promise<PlannrGoalPage>;

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
  for (const [option, name] of Object.entries(listQuery.filters)) {
    add(name, filter?.[option as keyof typeof listQuery.filters]);
  }
  query.sort = sort ?? listQuery.defaultSort;
  query[pagination.perPageParameter] = perPage;
  return { query, perPage, selectsNothing };
}

/** Where a listing stands: the page to read next, and the goal that ended the page before it (none on page 1). */
type Cursor = { page: number; after: PlannrGoal | undefined };

/**
 * Every goal the listing selects, once, fetching a page only when the previous one has been consumed. Bad
 * options fail at the first `next()`, like any other listing error.
 */
export async function* listGoalPages(
  options: PlannrListOptions,
  fetchPage: FetchGoalPage,
  toGoal: (raw: PlannrGoal) => Goal,
): AsyncGenerator<Goal> {
  const { query, perPage, selectsNothing } = listQueryOf(options);
  if (selectsNothing) return;
  const sort = query.sort as PlannrSort;
  const reader = pageReader(query, perPage, fetchPage, sort);
  const step = async (cursor: Cursor): Promise<Page<Goal, Cursor>> => {
    const { page, body } = await reader.read(cursor);
    const more = body.data.length > 0 && body.meta.current_page < body.meta.last_page;
    // Mapped only once accepted: a page read again maps (and warns) once more, a probe never.
    const items = body.data.map(toGoal);
    return { items, next: more ? { page: page + 1, after: body.data.at(-1) } : undefined };
  };
  const pages = paginate<Goal, Cursor>({ page: 1, after: undefined }, step, options.signal);
  // Creation times never change: repeats are told apart by order, in constant memory.
  if (isCreationOrder(sort)) {
    yield* uniqueInOrder(pages, {
      key: (goal) => goal.id,
      sortValue: (goal) => goal.createdAt,
      descending: sort === '-created_at',
    });
  } else {
    yield* uniqueBy(pages, (goal) => goal.id);
  }
}

function isCreationOrder(sort: PlannrSort): boolean {
  return sort === 'created_at' || sort === '-created_at';
}

/** Reads pages, checking that goals did not move back past a page boundary since the page before was read. */
function pageReader(
  query: Record<string, string | number>,
  perPage: number,
  fetchPage: FetchGoalPage,
  sort: PlannrSort,
) {
  async function fetchChecked(pageQuery: Record<string, string | number>, page: number) {
    const body = await fetchPage(pageQuery, page);
    if (body.meta.current_page !== page) {
      // A server that ignored `page` would otherwise be read forever (ASSUMPTION `pagination`).
      const message = `plannr answered page ${body.meta.current_page} when asked for page ${page}`;
      throw new InvalidResponseError(message, { provider: PLANNR_PROVIDER });
    }
    return body;
  }

  /**
   * The goal now just before `page` (`body`): still `after` when no goal before it went away since it was read,
   * so none moved back off the page onto one already read. One goal asked for, by position, after the page: in
   * `created_at` order goals only ever move back, so a removal made before the page was read shows here.
   */
  async function goalBefore(page: number, body: PlannrGoalPage): Promise<PlannrGoal | undefined> {
    const size = Number(body.meta.per_page ?? perPage);
    const probe = await fetchChecked({ ...query, [pagination.perPageParameter]: 1 }, (page - 1) * size);
    return probe.data[0];
  }

  /**
   * Where `after` stands against `page`: still ending the page before it (`in place`), or goals moved back
   * (some skipped unless the listing steps back) or on (inserted ahead: they only come again, and repeats are
   * dropped). The one-goal probe says so in one small request; when it finds a goal created in the same
   * second, the server may just order such ties differently for one goal than for a page, so the page before
   * is asked for whole, in the order the pages come in.
   */
  async function placeOf(page: number, body: PlannrGoalPage, after: PlannrGoal): Promise<Place> {
    const found = await goalBefore(page, body);
    if (found?.uuid === after.uuid) return 'in place';
    if (found === undefined) return 'moved back';
    if (sortsLevel(found, after, sort)) {
      const before = await fetchChecked(query, page - 1);
      return before.data.at(-1)?.uuid === after.uuid ? 'in place' : 'moved back';
    }
    return isCreationOrder(sort) && createdBefore(found, after, sort) ? 'moved on' : 'moved back';
  }

  return {
    async read({ page, after }: Cursor): Promise<{ page: number; body: PlannrGoalPage }> {
      const body = await fetchChecked(query, page);
      if (after === undefined) return { page, body };
      const place = await placeOf(page, body, after);
      if (place === 'in place') return { page, body };
      if (place === 'moved on') {
        // The probe saw a later moment than the page: read the page again, from the moment goals moved on,
        // and take it unless goals now moved back (a deletion the inserts had hidden).
        const again = await fetchChecked(query, page);
        if ((await placeOf(page, again, after)) !== 'moved back') return { page, body: again };
      }
      // Goals moved back, some onto pages already read: read back to a page that starts by `after`.
      for (let back = page - 1; ; back--) {
        const earlier = await fetchChecked(query, back);
        if (back === 1 || startsBy(earlier.data[0], after, sort)) return { page: back, body: earlier };
      }
    },
  };
}

type Place = 'in place' | 'moved back' | 'moved on';

/** True when two goals have the same value in the field the listing sorts by. */
function sortsLevel(one: PlannrGoal, other: PlannrGoal, sort: PlannrSort): boolean {
  const field = sort.replace(/^-/, '') as keyof PlannrGoal;
  return JSON.stringify(one[field]) === JSON.stringify(other[field]);
}

/**
 * True when a page beginning with `first` begins at or before `after`, so that every goal after `after` is on it
 * or later. Only creation order can tell, as creation times never change; in another order one page back is
 * taken as enough (README: such orders can still skip a goal).
 */
function startsBy(first: PlannrGoal | undefined, after: PlannrGoal, sort: PlannrSort): boolean {
  if (!isCreationOrder(sort)) return true;
  if (first === undefined) return false;
  // Ties count as "by": the order among goals created in the same second is the server's to choose.
  return first.uuid === after.uuid || sortsLevel(first, after, sort) || createdBefore(first, after, sort);
}

/** In a creation order: whether `one` sorts strictly before `other`. */
function createdBefore(one: PlannrGoal, other: PlannrGoal, sort: PlannrSort): boolean {
  const [a, b] = [parseDateTime(one.created_at) ?? '', parseDateTime(other.created_at) ?? ''];
  return sort === '-created_at' ? a > b : a < b;
}
