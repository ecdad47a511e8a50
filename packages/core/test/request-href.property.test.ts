/**
 * The HTTP client builds each request URL as text (`requestHref`) instead of a URL object with its query
 * appended parameter by parameter. This property holds the text to the URL object: once parsed, it is the
 * same URL, for any base, path and query, including text URLSearchParams must escape or repair.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendQuery,
  joinUrl,
  type QueryValue,
  requestHref,
  trimBaseUrl,
  urlPath,
} from '../src/http/path.ts';

const base = fc.constantFrom(
  'https://api.pipedrive.com/v1',
  'https://api.pipedrive.com/v1/',
  'https://acme.pipedrive.com/api/v1//',
  'http://127.0.0.1:8080',
  'http://localhost:3000/base path/ü',
);
/** Any text, with lone surrogates and the characters the form encoding treats apart. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      ' ',
      '!',
      "'",
      '(',
      ')',
      '~',
      '*',
      '-',
      '.',
      '_',
      '+',
      '%',
      '&',
      '=',
      '#',
      '?',
      'é',
      '\uD800',
    ),
    maxLength: 8,
  }),
);
const path = fc.oneof(
  fc.constantFrom('goals', 'goals/find', '/goals', '//goals/find', 'currencies'),
  anyText.map((id) => (id === '.' || id === '..' ? 'goals' : urlPath`goals/${id.toWellFormed()}/results`)),
  anyText,
);
const scalar = fc.oneof(anyText, fc.integer(), fc.double(), fc.boolean());
const value: fc.Arbitrary<QueryValue> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.constant(null),
  fc.constant(undefined),
);
const query = fc.option(fc.dictionary(anyText, value, { maxKeys: 4 }), { nil: undefined });

describe('requestHref', () => {
  it('is the URL appendQuery(joinUrl(base, path), query) builds', () => {
    fc.assert(
      fc.property(base, path, query, (baseURL, requestPath, parameters) => {
        const expected = appendQuery(joinUrl(baseURL, requestPath), parameters).href;
        expect(new URL(requestHref(trimBaseUrl(baseURL), requestPath, parameters)).href).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('is already the parsed URL for the Pipedrive find query', () => {
    const query = { title: 'Q3 · new (EUR) ~ 100%', 'assignee.type': 'person', is_active: true, ids: [1, 2] };
    const href = requestHref('https://api.pipedrive.com/v1', 'goals/find', query);
    expect(href).toBe(new URL(href).href);
    expect(href).toBe(appendQuery(joinUrl('https://api.pipedrive.com/v1', 'goals/find'), query).href);
  });
});
