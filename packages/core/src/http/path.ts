/**
 * Path building that cannot be steered: every interpolated value becomes exactly one encoded segment, so an id
 * like `../deals` or `a/b?x=1` can never reach another endpoint.
 */
import { ValidationError } from '../errors.ts';

/**
 * One path segment, percent-encoded. `.` and `..` are refused: URL parsers resolve them even encoded (`%2E%2E`
 * is `..` to the WHATWG URL standard), so `goals/${'..'}/results` would reach `/results`.
 */
export function encodePathSegment(value: string | number): string {
  const text = String(value);
  if (text === '.' || text === '..') {
    throw new ValidationError(
      [{ path: '', message: `"${text}" cannot be a path segment: URLs resolve it` }],
      {
        subject: 'path segment',
      },
    );
  }
  return encodeURIComponent(text);
}

/** Tagged template for request paths: ``urlPath`goals/${id}/results` `` encodes `id` as one segment. */
export function urlPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((path, part, index) => {
    const value = values[index - 1];
    return path + (value === undefined ? '' : encodePathSegment(value)) + part;
  });
}

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

/** Appends query parameters; arrays become repeated keys (`a=1&a=2`), the OpenAPI default; nullish values are skipped. */
export function appendQuery(url: URL, query: Readonly<Record<string, QueryValue>> | undefined): URL {
  if (!query) return url;
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) url.searchParams.append(name, String(item));
  }
  return url;
}

/** Absolute URL of `path` under `baseURL`, keeping the base URL's own path (`/api/v1`). */
export function joinUrl(baseURL: string, path: string): URL {
  return new URL(`${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
}
