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
  if (query) appendParams(url.searchParams, query);
  return url;
}

function appendParams(params: URLSearchParams, query: Readonly<Record<string, QueryValue>>): void {
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) params.append(name, String(item));
  }
}

/** Absolute URL of `path` under `baseURL`, keeping the base URL's own path (`/api/v1`). */
export function joinUrl(baseURL: string, path: string): URL {
  return new URL(joinedHref(trimBaseUrl(baseURL), path));
}

/** `baseURL` without its trailing slashes: the form {@link requestHref} takes, computed once per client. */
export function trimBaseUrl(baseURL: string): string {
  return baseURL.replace(/\/+$/, '');
}

function joinedHref(trimmedBase: string, path: string): string {
  return `${trimmedBase}/${path.charCodeAt(0) === 47 ? path.replace(/^\/+/, '') : path}`;
}

/**
 * The request URL as text: what `appendQuery(joinUrl(base, path), query).href` gives, once a URL parser has
 * read it, without building and serializing a URL object per request (the HTTP library parses it anyway).
 */
export function requestHref(
  trimmedBase: string,
  path: string,
  query: Readonly<Record<string, QueryValue>> | undefined,
): string {
  const href = withoutTrailingControls(joinedHref(trimmedBase, path));
  if (!query) return href;
  // A query or fragment already in the URL changes how the parameters join it: the URL object knows how.
  if (/[?#]/.test(href)) return appendQuery(new URL(href), query).href;
  const params = new URLSearchParams();
  appendParams(params, query);
  const search = params.toString();
  return search === '' ? href : `${href}?${search}`;
}

/** The URL parser drops C0 controls and spaces at the end of its input: a query written after them would not. */
function withoutTrailingControls(href: string): string {
  let end = href.length;
  while (end > 0 && href.charCodeAt(end - 1) <= 0x20) end--;
  return end === href.length ? href : href.slice(0, end);
}
