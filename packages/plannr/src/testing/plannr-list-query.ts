/**
 * The list endpoint's query string: spatie/laravel-query-builder's `include`, `sort` and `filter[…]` grammar
 * with its 400 errors, and Laravel's paginator parameters (reference §1.1, §2.4, §2.5).
 */
import { PLANNR_ASSUMPTIONS } from '../plannr-assumptions.ts';
import type { GoalQuery } from './plannr-store.ts';

const { includes, listQuery, pagination } = PLANNR_ASSUMPTIONS;

/** Relations a read may load (ASSUMPTION `includes`). */
export const ALLOWED_INCLUDES: readonly string[] = [
  includes.owners,
  includes.circles,
  includes.sharedOwner,
].filter((name): name is string => name !== undefined);

export type ListQuery = { query: GoalQuery; include: ReadonlySet<string>; page: number; perPage: number };

/** A comma-separated parameter as its trimmed, non-empty items. */
function items(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** spatie's InvalidIncludeQuery/InvalidSortQuery/InvalidFilterQuery message. */
function notAllowed(kind: string, verb: 'is' | 'are', unknown: string[], allowed: readonly string[]): string {
  return `Requested ${kind}(s) \`${unknown.join(', ')}\` ${verb} not allowed. Allowed ${kind}(s) are \`${allowed.join(', ')}\`.`;
}

/** Laravel reads a page number or size it cannot use as the default. */
function positiveInteger(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) && Number(value) >= 1 ? Number(value) : undefined;
}

export function parseIncludes(value: string | null): { names: ReadonlySet<string> } | { error: string } {
  const names = items(value);
  const unknown = names.filter((name) => !ALLOWED_INCLUDES.includes(name));
  return unknown.length > 0
    ? { error: notAllowed('include', 'are', unknown, ALLOWED_INCLUDES) }
    : { names: new Set(names) };
}

export function parseListQuery(search: URLSearchParams): ListQuery | { error: string } {
  const include = parseIncludes(search.get('include'));
  if ('error' in include) return include;

  const sortFields: readonly string[] = listQuery.sortFields;
  const sort = items(search.get('sort') ?? listQuery.defaultSort);
  const badSorts = sort.filter((field) => !sortFields.includes(field.replace(/^-/, '')));
  if (badSorts.length > 0) return { error: notAllowed('sort', 'is', badSorts, sortFields) };

  const filterNames: readonly string[] = Object.values(listQuery.filters);
  const filters = new Map<string, string[]>();
  const badFilters: string[] = [];
  for (const [key, value] of search) {
    const name = /^filter\[(.+)\]$/.exec(key)?.[1];
    if (name === undefined) continue;
    if (filterNames.includes(name)) filters.set(name, items(value.toLowerCase()));
    else badFilters.push(name);
  }
  if (badFilters.length > 0) return { error: notAllowed('filter', 'are', badFilters, filterNames) };

  const perPage = positiveInteger(search.get(pagination.perPageParameter));
  return {
    query: { sort: sort.length > 0 ? sort : [listQuery.defaultSort], filters },
    include: include.names,
    page: positiveInteger(search.get(pagination.pageParameter)) ?? 1,
    // Over the maximum is clamped (ASSUMPTION `pagination`).
    perPage: Math.min(perPage ?? pagination.defaultPerPage, pagination.maxPerPage),
  };
}
