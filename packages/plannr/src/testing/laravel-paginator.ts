/**
 * Laravel's length-aware paginator as an API resource collection renders it: `data`, `links` and `meta`
 * (reference §1.1, §2.4; the `data`/`links`/`meta` trio is documented [S15], the inner keys are Laravel's).
 */

export interface PageRequest {
  page: number;
  perPage: number;
  total: number;
  /** The URL without query, e.g. `https://api.plannrcrm.com/api/v2/goals`. */
  path: string;
}

export interface LaravelPage<T> {
  data: T[];
  links: { first: string; last: string; prev: string | null; next: string | null };
  meta: {
    current_page: number;
    from: number | null;
    last_page: number;
    links: { url: string | null; label: string; active: boolean }[];
    path: string;
    per_page: number;
    to: number | null;
    total: number;
  };
}

/** Pages shown in `meta.links`: Laravel's UrlWindow with three pages on each side of the current one. */
function pageWindow(current: number, last: number, onEachSide = 3): (number | '...')[] {
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, index) => from + index);
  if (last < onEachSide * 2 + 8) return range(1, last);
  const window = onEachSide + 4;
  const finish = [last - 1, last];
  if (current <= window) return [...range(1, window + onEachSide), '...', ...finish];
  if (current > last - window) return [1, 2, '...', ...range(last - (window + (onEachSide - 1)), last)];
  return [1, 2, '...', ...range(current - onEachSide, current + onEachSide), '...', ...finish];
}

export function lengthAwarePage<T>(data: T[], request: PageRequest): LaravelPage<T> {
  const { page, perPage, total, path } = request;
  const last = Math.max(1, Math.ceil(total / perPage));
  const url = (n: number) => `${path}?page=${n}`;
  const prev = page > 1 ? url(page - 1) : null;
  const next = page < last ? url(page + 1) : null;
  const from = data.length > 0 ? (page - 1) * perPage + 1 : null;
  return {
    data,
    links: { first: url(1), last: url(last), prev, next },
    meta: {
      current_page: page,
      from,
      last_page: last,
      links: [
        { url: prev, label: '&laquo; Previous', active: false },
        ...pageWindow(page, last).map((item) =>
          item === '...'
            ? { url: null, label: '...', active: false }
            : { url: url(item), label: String(item), active: item === page },
        ),
        { url: next, label: 'Next &raquo;', active: false },
      ],
      path,
      per_page: perPage,
      to: from === null ? null : from + data.length - 1,
      total,
    },
  };
}
